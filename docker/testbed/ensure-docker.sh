#!/usr/bin/env bash
# Makes sure a Docker engine answers on /var/run/docker.sock. CI machines ship
# only the docker client, so on a fresh machine this installs Debian's
# docker.io (dockerd, containerd, runc) and starts dockerd in the background.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"

DOCKERD_LOG=${DOCKERD_LOG:-/var/log/dockerd.log}
DOCKERD_TIMEOUT=${DOCKERD_TIMEOUT:-60}
DOCKER_PKGS=(docker.io ca-certificates xz-utils)

docker_up() { docker info >/dev/null 2>&1; }

if docker_up; then exit 0; fi

if ! command -v docker >/dev/null 2>&1; then
  log "no docker client on PATH; docker.io provides /usr/bin/docker"
fi

if ! command -v dockerd >/dev/null 2>&1; then
  # Recommends (git, needrestart, apparmor, ...) are not needed to run tests.
  apt_install --no-install-recommends "${DOCKER_PKGS[@]}" \
    || die "could not install docker.io"
  command -v dockerd >/dev/null 2>&1 || die "docker.io installed but dockerd not on PATH"
  # The package's init script may have started the engine already.
  if docker_up; then log "docker engine is up (started by the package)"; exit 0; fi
fi

if pgrep -x dockerd >/dev/null 2>&1; then
  log "dockerd is already running; waiting for it to answer"
else
  log "starting dockerd (log: $DOCKERD_LOG)"
  # A stale pid file from a killed engine makes dockerd refuse to start.
  if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    as_root rm -f /var/run/docker.pid
  fi
  as_root bash -c "setsid dockerd >>'$DOCKERD_LOG' 2>&1 < /dev/null &"
fi

deadline=$((SECONDS + DOCKERD_TIMEOUT))
until docker_up; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    log "docker engine did not answer within ${DOCKERD_TIMEOUT}s; tail of $DOCKERD_LOG:"
    tail -n 30 "$DOCKERD_LOG" 2>/dev/null | sed 's/^/    /' >&2 || true
    docker info 2>&1 | tail -n 3 | sed 's/^/    /' >&2 || true
    exit 1
  fi
  sleep 1
done
log "docker engine is up ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
