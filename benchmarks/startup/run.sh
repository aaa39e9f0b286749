#!/usr/bin/env bash
# Start-up of the three task images with and without their JDK AOT cache (issue 6).
#
# For each image and each mode (--version; the training mode TASKRUNNER_AOT_TRAIN=1, which starts
# the task fully without touching the network), runs A = the image as shipped (-XX:AOTCache) and
# B = the same image and entrypoint without the AOT cache flag (the jlinked runtime's default CDS
# archive still applies), interleaved A B A B ..., under the hardened flags of the image tests.
# Reports per variant min / median / max of
#   run:  wall time of `docker run` to exit (what a CronJob pays, docker's own overhead included)
#   jvm:  the container's StartedAt -> FinishedAt (docker inspect): the JVM's life, no client/daemon
#         overhead; the reduction the AOT cache brings is read from this one
#   cpu:  user + sys CPU seconds of the same command in the image's file system under chroot
#         (same paths, so the cache is usable), with its peak RSS (/usr/bin/time); CPU time is the
#         figure least disturbed by other load on a shared machine
# and the image sizes next to the base image's.
#
# Usage: benchmarks/startup/run.sh [rounds]   (default 7; needs root for chroot, and the images
#        from docker/build.sh)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
ROUNDS=${1:-7}
PREFIX=${TASKRUNNER_IMAGE_PREFIX:-taskrunner}
VERSION=$(sed -n '0,/<version>/s:.*<version>\(.*\)</version>.*:\1:p' "$root/pom.xml")
BASE=${TASKRUNNER_BENCH_BASE:-taskrunner-images/distroless-cc:bookworm}
HARDENED=(--read-only --user 65532:65532 --cap-drop ALL --security-opt no-new-privileges
          --tmpfs /tmp:rw,exec,nosuid,nodev,size=16m --memory 256m --memory-swap 256m --network none)
# The values the Dockerfile's training stage uses: harmless, parsed only.
TRAIN_ENV=(-e TASKRUNNER_AOT_TRAIN=1 -e CLEANUP_ROOT=/home/nonroot -e CERTCHECK_TARGET=localhost:443
           -e BACKUP_BUCKET=aot-training -e PGHOST=localhost -e PGUSER=aot -e PGDATABASE=aot
           -e AWS_REGION=us-east-1 -e AWS_ACCESS_KEY_ID=aot -e AWS_SECRET_ACCESS_KEY=aot-training-only)
work=$(mktemp -d /var/tmp/startup-bench.XXXXXX)
cleanup() {
  local m
  for m in "$work"/*/proc "$work"/*/dev; do mountpoint -q "$m" && umount "$m"; done
  rm -rf "$work"
}
trap cleanup EXIT

ms() { date +%s%3N; }
# seconds (fractional) between two RFC 3339 timestamps from docker inspect
span() { python3 -c 'import sys,datetime as d
p=lambda s:d.datetime.fromisoformat(s[:26].rstrip("Z")+"+00:00") if "." in s else d.datetime.fromisoformat(s.rstrip("Z")+"+00:00")
print("%.3f"%(p(sys.argv[2])-p(sys.argv[1])).total_seconds())' "$1" "$2"; }
stats() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f %.3f %.3f\n", a[1], m, a[NR]}'; }

# run_once IMAGE MODE VARIANT -> appends "run jvm" seconds to $work/<image>.<mode>.<variant>
run_once() {
  local image=$1 mode=$2 variant=$3 args=() entry=() t0 t1 cid
  [ "$mode" = train ] && args+=("${TRAIN_ENV[@]}")
  if [ "$variant" = noaot ]; then
    mapfile -t entry < <(docker image inspect -f '{{range .Config.Entrypoint}}{{println .}}{{end}}' "$image" \
                         | grep -v '^-XX:AOTCache=' | sed '/^$/d')
    args+=(--entrypoint "${entry[0]}")
  fi
  local cmd=()
  if [ "$variant" = noaot ]; then cmd=("${entry[@]:1}"); fi
  [ "$mode" = version ] && cmd+=(--version)
  t0=$(ms)
  cid=$(docker run -d "${HARDENED[@]}" "${args[@]}" "$image" "${cmd[@]}")
  docker wait "$cid" >/dev/null
  t1=$(ms)
  local code started finished
  code=$(docker inspect -f '{{.State.ExitCode}}' "$cid")
  started=$(docker inspect -f '{{.State.StartedAt}}' "$cid")
  finished=$(docker inspect -f '{{.State.FinishedAt}}' "$cid")
  if [ "$code" != 0 ]; then docker logs "$cid" >&2; docker rm "$cid" >/dev/null; echo "exit $code: $image $mode $variant" >&2; exit 1; fi
  docker rm "$cid" >/dev/null
  echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)/1000}') $(span "$started" "$finished")" \
    >>"$work/$(basename "${image%%:*}").$mode.$variant"
}

# chroot_once IMAGE MODE VARIANT -> appends "cpu_s rss_mib" to $work/<image>.<mode>.<variant>.chroot:
# the same command in the image's own file system under chroot (same paths, so the cache is
# usable), measured by /usr/bin/time: CPU time (user + sys) is far less disturbed by other load on
# the machine than wall time, and peak RSS cannot be read from a container once it has exited.
chroot_once() {
  local image=$1 mode=$2 variant=$3 name dir entry=() envs=() args=()
  name=$(basename "${image%%:*}"); dir=$work/$name
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"; chmod 755 "$work" "$dir"; local cid; cid=$(docker create "$image")
    docker export "$cid" | tar -x -C "$dir"; docker rm "$cid" >/dev/null
    # /proc for the JVM's container detection, /dev for /dev/urandom: without it SecureRandom
    # falls back to a seed generator that burns seconds of CPU.
    mkdir -p "$dir/proc" "$dir/dev"; mount -t proc proc "$dir/proc"; mount --bind /dev "$dir/dev"
  fi
  mapfile -t entry < <(docker image inspect -f '{{range .Config.Entrypoint}}{{println .}}{{end}}' "$image" | sed '/^$/d')
  [ "$variant" = noaot ] && mapfile -t entry < <(printf '%s\n' "${entry[@]}" | grep -v '^-XX:AOTCache=')
  if [ "$mode" = train ]; then
    local i; for ((i = 1; i < ${#TRAIN_ENV[@]}; i += 2)); do envs+=("${TRAIN_ENV[i]}"); done
  else args=(--version); fi
  env -i PATH=/opt/java/bin:/usr/bin HOME=/tmp LANG=C.UTF-8 "${envs[@]}" \
    /usr/bin/time -f '%U %S %M' -o "$work/time" /usr/sbin/chroot --userspec=65532:65532 "$dir" \
    "${entry[@]}" "${args[@]}" >/dev/null 2>&1 || { echo "chroot run failed: $image $mode $variant" >&2; exit 1; }
  awk '{printf "%.3f %.0f\n", $1 + $2, $3 / 1024}' "$work/time" >>"$work/$name.$mode.$variant.chroot"
}

images=()
for t in backup-task cleanup-task certcheck-task; do
  if docker image inspect "$PREFIX/$t:$VERSION" >/dev/null 2>&1; then images+=("$PREFIX/$t:$VERSION")
  else echo "skipping $t: $PREFIX/$t:$VERSION not built (docker/build.sh)" >&2; fi
done
[ ${#images[@]} -gt 0 ] || { echo "no images; run docker/build.sh" >&2; exit 1; }

echo "startup benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(docker version -f '{{.Server.Version}}'), $ROUNDS rounds"
for image in "${images[@]}"; do
  for mode in version train; do
    run_once "$image" "$mode" aot   # warm-up: page cache, image layers
    run_once "$image" "$mode" noaot
    chroot_once "$image" "$mode" aot
    chroot_once "$image" "$mode" noaot
    rm -f "$work/$(basename "${image%%:*}").$mode".*
    for ((r = 0; r < ROUNDS; r++)); do
      run_once "$image" "$mode" aot
      run_once "$image" "$mode" noaot
      chroot_once "$image" "$mode" aot
      chroot_once "$image" "$mode" noaot
    done
  done
done

printf '\n%-16s %-8s %-6s %-24s %-24s %-24s %s\n' image mode cache "run s (min/med/max)" \
  "jvm s (min/med/max)" "cpu s (min/med/max)" "peak RSS MiB (med)"
for image in "${images[@]}"; do
  name=$(basename "${image%%:*}")
  for mode in version train; do
    for variant in aot noaot; do
      f=$work/$name.$mode.$variant
      read -r rmin rmed rmax < <(cut -d' ' -f1 "$f" | stats)
      read -r jmin jmed jmax < <(cut -d' ' -f2 "$f" | stats)
      read -r cmin cmed cmax < <(cut -d' ' -f1 "$f.chroot" | stats)
      read -r _ mmed _ < <(cut -d' ' -f2 "$f.chroot" | stats)
      eval "med_${variant}_run=$rmed med_${variant}_jvm=$jmed med_${variant}_cpu=$cmed"
      printf '%-16s %-8s %-6s %-24s %-24s %-24s %.0f\n' "$name" "$mode" "$variant" "$rmin / $rmed / $rmax" \
        "$jmin / $jmed / $jmax" "$cmin / $cmed / $cmax" "$mmed"
    done
    awk -v a="$med_aot_jvm" -v b="$med_noaot_jvm" -v c="$med_aot_run" -v d="$med_noaot_run" \
        -v e="$med_aot_cpu" -v f="$med_noaot_cpu" -v n="$name" -v m="$mode" \
      'BEGIN {printf "%-16s %-8s ratio aot/noaot (medians): jvm %.2f (%+.0f %%), run %.2f (%+.0f %%), cpu %.2f (%+.0f %%)\n", n, m, a/b, 100*(a/b-1), c/d, 100*(c/d-1), e/f, 100*(e/f-1)}'
  done
done

printf '\n%-40s %10s %12s\n' image "size MB" "app.aot MB"
printf '%-40s %10s %12s\n' "$BASE (base)" "$(docker image inspect -f '{{.Size}}' "$BASE" | awk '{printf "%.0f", $1/1e6}')" -
for image in "${images[@]}"; do
  dir=$work/$(basename "${image%%:*}")
  printf '%-40s %10s %12s\n' "$image" "$(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f", $1/1e6}')" \
    "$(stat -c %s "$dir/app/app.aot" | awk '{printf "%.0f", $1/1e6}')"
done
