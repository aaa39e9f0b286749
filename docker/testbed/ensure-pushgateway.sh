#!/usr/bin/env bash
# Makes sure Debian's Prometheus Pushgateway binary is installed (no registry
# to pull an image from); tests start their own instance on a random
# 127.0.0.1 port. Prints the binary's path on stdout.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"

PKG=prometheus-pushgateway
BIN_NAME=prometheus-pushgateway
DEFAULT_PORT=9091   # the packaged service's port; must stay free

find_bin() { command -v "$BIN_NAME" 2>/dev/null || { [ -x "/usr/bin/$BIN_NAME" ] && echo "/usr/bin/$BIN_NAME"; }; }

port_busy() {
  if command -v ss >/dev/null 2>&1; then
    ss -Hltn "sport = :$1" 2>/dev/null | grep -q .
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

if ! bin=$(find_bin); then
  # Keep the package from starting its service: a temporary policy-rc.d
  # denies invoke-rc.d (used where systemd is not running), and the unit is
  # disabled/stopped afterwards where systemd is.
  policy=/usr/sbin/policy-rc.d
  added_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod 0755 "$policy"
    added_policy=1
  fi
  rc=0
  apt_install --no-install-recommends "$PKG" || rc=$?
  [ "$added_policy" = 1 ] && as_root rm -f "$policy"
  [ "$rc" -eq 0 ] || die "could not install $PKG"
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    as_root systemctl disable --now "$PKG.service" >/dev/null 2>&1 || true
  elif [ -x "/etc/init.d/$PKG" ]; then
    as_root "/etc/init.d/$PKG" stop >/dev/null 2>&1 || true
  fi
  bin=$(find_bin) || die "$PKG installed but $BIN_NAME not found"
fi

if port_busy "$DEFAULT_PORT"; then
  log "note: something listens on port $DEFAULT_PORT (tests use random ports, so this is harmless)"
fi
echo "$bin"
