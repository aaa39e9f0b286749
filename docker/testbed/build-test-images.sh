#!/usr/bin/env bash
# Builds, from Debian packages only, the container images the tests need on
# machines where no registry is reachable (docker pull fails there). Each
# image is built only when its tag is missing or its inputs changed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"

SUITE=${TESTBED_SUITE:-bookworm}
MIRROR=${TESTBED_MIRROR:-http://deb.debian.org/debian}
BASE_TAG=${TESTBED_BASE_TAG:-taskrunner-testbed/debian:bookworm}
ALPINE_TAG=${TESTBED_ALPINE_TAG:-alpine:3.17}        # Testcontainers' start-up check image
POSTGRES_TAG=${TESTBED_POSTGRES_TAG:-taskrunner-testbed/postgres:15}
BASE_PKGS=(postgresql-15 postgresql-client-15 ca-certificates openssl)
HASH_LABEL=org.taskrunner.testbed.inputs

export DOCKER_BUILDKIT=0   # classic builder: FROM a local-only image, no buildx needed

have_image() { docker image inspect "$1" >/dev/null 2>&1; }
image_label() { docker image inspect -f "{{index .Config.Labels \"$HASH_LABEL\"}}" "$1" 2>/dev/null || true; }
# An image is current when it exists and was built from the same inputs.
image_current() { have_image "$1" && [ "$(image_label "$1")" = "$2" ]; }

build_base() {
  local hash rootfs
  hash=$(printf '%s\n' "$SUITE" "$MIRROR" "${BASE_PKGS[@]}" | sha256sum | cut -c1-16)
  if image_current "$BASE_TAG" "$hash"; then return 0; fi
  command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap \
    || die "could not install debootstrap"
  rootfs=$(mktemp -d /var/tmp/testbed-rootfs.XXXXXX)
  # shellcheck disable=SC2064
  trap "rm -rf '$rootfs'" EXIT
  log "debootstrap $SUITE (${BASE_PKGS[*]}) -> $BASE_TAG"
  run_quiet debootstrap as_root debootstrap --variant=minbase \
    --include="$(IFS=,; echo "${BASE_PKGS[*]}")" "$SUITE" "$rootfs" "$MIRROR" \
    || die "debootstrap failed"
  # Slim down: apt caches and lists, the cluster postgresql-common created
  # during install (the postgres image makes its own), host-specific files.
  as_root rm -rf "$rootfs"/var/cache/apt/archives/*.deb \
    "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* \
    "$rootfs"/etc/postgresql/15/main "$rootfs"/var/lib/postgresql/15/main \
    "$rootfs"/debootstrap
  as_root truncate -s0 "$rootfs/etc/resolv.conf" "$rootfs/etc/hostname" 2>/dev/null || true
  printf 'deb %s %s main\n' "$MIRROR" "$SUITE" | as_root tee "$rootfs/etc/apt/sources.list" >/dev/null
  log "docker import $BASE_TAG"
  as_root tar -C "$rootfs" --numeric-owner \
      --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -c . \
    | run_quiet "docker import" docker import \
        -c "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
        -c "ENV LANG=C.UTF-8" \
        -c "LABEL $HASH_LABEL=$hash" \
        -c 'CMD ["/bin/bash"]' - "$BASE_TAG" \
    || die "docker import failed"
  as_root rm -rf "$rootfs"
  trap - EXIT
}

build_alpine_standin() {
  local want
  want=$(docker image inspect -f '{{.Id}}' "$BASE_TAG")
  if have_image "$ALPINE_TAG"; then
    # Keep it if it is our current stand-in, or a real alpine (no label,
    # e.g. pulled on a machine with a registry). Retag an outdated stand-in.
    if [ "$(docker image inspect -f '{{.Id}}' "$ALPINE_TAG")" = "$want" ] \
       || [ -z "$(image_label "$ALPINE_TAG")" ]; then
      return 0
    fi
  fi
  log "tagging $BASE_TAG as $ALPINE_TAG (stand-in; only sh is needed)"
  docker tag "$BASE_TAG" "$ALPINE_TAG"
}

build_postgres() {
  local ctx=$here/postgres hash
  hash=$( { docker image inspect -f '{{.Id}}' "$BASE_TAG"; cat "$ctx/Dockerfile" "$ctx/docker-entrypoint.sh"; } \
          | sha256sum | cut -c1-16)
  if image_current "$POSTGRES_TAG" "$hash"; then return 0; fi
  log "docker build $POSTGRES_TAG"
  run_quiet "docker build" docker build -q --pull=false \
    --build-arg "BASE_IMAGE=$BASE_TAG" --label "$HASH_LABEL=$hash" \
    -t "$POSTGRES_TAG" "$ctx" || die "docker build of $POSTGRES_TAG failed"
}

docker info >/dev/null 2>&1 || die "no docker engine; run ensure-docker.sh first"
build_base
build_alpine_standin
build_postgres
