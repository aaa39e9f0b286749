# shellcheck shell=bash
# Helpers shared by the testbed scripts (sourced, not run): quiet command
# execution that shows the captured output only on failure, and an apt
# install that runs `apt-get update` only when the package lists need it.

log() { printf '[testbed] %s\n' "$*" >&2; }
die() { printf '[testbed] ERROR: %s\n' "$*" >&2; exit 1; }

# run_quiet DESCRIPTION CMD... : run CMD with output captured; on failure
# print the last lines of the output to stderr and return its status.
run_quiet() {
  local desc=$1; shift
  local out rc=0
  out=$(mktemp /tmp/testbed.XXXXXX)
  "$@" >"$out" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    printf '[testbed] FAILED (%s, exit %s): %s\n' "$desc" "$rc" "$*" >&2
    tail -n 40 "$out" | sed 's/^/    /' >&2
  fi
  rm -f "$out"
  return "$rc"
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

# apt_has_candidate PKG : true if the current package lists know PKG.
apt_has_candidate() {
  local cand
  cand=$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ {print $2}')
  [ -n "$cand" ] && [ "$cand" != "(none)" ]
}

APT_UPDATED=${APT_UPDATED:-0}
apt_update() {
  [ "$APT_UPDATED" = 1 ] && return 0
  log "apt-get update"
  run_quiet "apt-get update" as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  APT_UPDATED=1
}

# apt_install [apt-get options] PKG... : install, updating the lists first
# only if a package is unknown, and once more if the install fails (stale
# lists give 404s on a machine whose lists are old).
apt_install() {
  local pkgs=() opts=() p
  for p in "$@"; do
    case $p in -*) opts+=("$p") ;; *) pkgs+=("$p") ;; esac
  done
  for p in "${pkgs[@]}"; do
    apt_has_candidate "$p" || { apt_update; break; }
  done
  local cmd=(as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q
             -o Dpkg::Use-Pty=0 "${opts[@]}" "${pkgs[@]}")
  log "apt-get install ${pkgs[*]}"
  if ! run_quiet "apt-get install" "${cmd[@]}"; then
    [ "$APT_UPDATED" = 1 ] && return 1
    log "install failed; retrying after apt-get update"
    apt_update
    run_quiet "apt-get install" "${cmd[@]}"
  fi
}
