#!/usr/bin/env bash
# cleanup-task vs find -delete vs tmpreaper (issue 4's benchmark). Outside CI; needs root only for
# dropping the page cache if DROP_CACHES=1. Usage:
#   bash benchmarks/cleanup/run.sh            # 200 x 1,000 tree, 5 interleaved rounds, then 2,000,000 in one dir
#   ROUNDS=3 SKIP_HUGE=1 bash benchmarks/cleanup/run.sh   # SKIP_TREE=1: only the 2,000,000-entry part
# Each timed run gets a fresh copy of the master tree (cp -a + sync, not timed); every run must
# leave exactly the young half, or the script stops. cleanup-task runs with the image's JVM flags
# and an AOT cache recorded by its training run, JVM start-up included in the time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
ROUNDS=${ROUNDS:-5}
WORK=${BENCH_DIR:-/tmp/cleanup-bench}
JAR=${JAR:-$repo/cleanup-task/target/cleanup-task.jar}
JAVA=${JAVA:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java}
DIRS=${DIRS:-200}
FILES=${FILES:-1000}
HUGE=${HUGE:-2000000}
THREADS_ARG=${CLEANUP_THREADS:+--threads $CLEANUP_THREADS}

[ -f "$JAR" ] || { echo "build the jar first: ./mvnw -B -ntp -o -pl cleanup-task package -DskipTests" >&2; exit 2; }
command -v tmpreaper >/dev/null || { apt-get update -qq && apt-get install -y -qq tmpreaper >/dev/null; }
mkdir -p "$WORK/app"
# A private copy of the jar and its lib/, so a concurrent build cannot swap it mid-benchmark.
rm -rf "$WORK/app/lib"; cp -r "$(dirname "$JAR")/lib" "$WORK/app/lib"; cp "$JAR" "$WORK/app/task.jar"
JAR=$WORK/app/task.jar

# Same flags as docker/Dockerfile's ENTRYPOINT.
JVM=(-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData -XX:+UseSerialGC
     -Xlog:all=warning:stderr)
if [ "${NO_AOT:-0}" != 1 ]; then
  rm -f "$WORK/app.aot"
  TASKRUNNER_AOT_TRAIN=1 CLEANUP_ROOT=/nonexistent-training-root \
    "$JAVA" -XX:AOTCacheOutput="$WORK/app.aot" "${JVM[@]}" -Xlog:aot=error:stderr -jar "$JAR" >/dev/null
  JVM+=(-XX:AOTCache="$WORK/app.aot")
fi

master() { # name dirs files size
  if [ ! -d "$WORK/$1" ]; then
    echo "building $WORK/$1 ($2 x $3 files)" >&2
    python3 "$here/make_tree.py" "$WORK/$1.tmp" "$2" "$3" "$4" && mv "$WORK/$1.tmp" "$WORK/$1"
  fi
}

fresh() { # master
  rm -rf "$WORK/run"
  cp -a "$WORK/$1" "$WORK/run"
  sync
  if [ "${DROP_CACHES:-0}" = 1 ]; then echo 3 > /proc/sys/vm/drop_caches; fi
}

cmd_for() {
  case "$1" in
    find) echo "find $WORK/run -type f -mtime +30 -delete" ;;
    tmpreaper) echo "tmpreaper --runtime=86400 --mtime 30d $WORK/run" ;;
    cleanup) echo "$JAVA ${JVM[*]} -jar $JAR --root $WORK/run --older-than 30d $THREADS_ARG" ;;
    # The JVM sized as in a pod with a 256 MiB memory limit (heap = 75 % of that): what the
    # image's flags give in Kubernetes, where the host's RAM does not set the heap.
    cleanup-pod256m) echo "$JAVA ${JVM[*]} -XX:MaxRAM=256m -jar $JAR --root $WORK/run --older-than 30d $THREADS_ARG" ;;
  esac
}

# Runs a command under /usr/bin/time -v on DIR; appends "name wall_s rss_kib cpu_s" to
# $WORK/results and checks that exactly EXPECTED files are left.
measure() { # name dir expected command...
  local name=$1 dir=$2 expected=$3; shift 3
  "/usr/bin/time" -v -o "$WORK/time.txt" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || {
    echo "$name failed (exit $?):" >&2; tail -n 5 "$WORK/$name.err" "$WORK/$name.out" >&2; exit 1; }
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$WORK/time.txt")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
  cpu=$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$WORK/time.txt")
  left=$(find "$dir" -type f | wc -l)
  if [ "$left" -ne "$expected" ]; then echo "$name left $left files, expected $expected" >&2; exit 1; fi
  echo "$name $wall $rss $cpu" | tee -a "$WORK/results" >&2
}

# One tool on a fresh copy of a master tree.
timed() { # tool master expected_left
  fresh "$2"
  # shellcheck disable=SC2046
  measure "$1" "$WORK/run" "$3" $(cmd_for "$1")
}

summary() { # title
  python3 - "$WORK/results" "$1" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
by = {}
for tool, wall, rss, *cpu in rows:
    by.setdefault(tool, []).append((float(wall), int(rss), float(cpu[0]) if cpu else float("nan")))
print("## " + sys.argv[2])
print("| tool | runs | wall min | median | max | CPU (user+sys) median | peak RSS max |")
print("|---|---|---|---|---|---|---|")
med = {}
for tool, runs in by.items():
    w = [r[0] for r in runs]
    med[tool] = statistics.median(w)
    print("| %s | %d | %.2f s | %.2f s | %.2f s | %.2f s | %.1f MiB |" % (tool, len(w), min(w), med[tool], max(w), statistics.median(r[2] for r in runs), max(r[1] for r in runs) / 1024))
for peer in ("find", "tmpreaper"):
    if "cleanup" in med and peer in med:
        print("ratio cleanup/%s (median): %.2f" % (peer, med["cleanup"] / med[peer]))
PY
}

echo "# cleanup benchmark $(date -u +%FT%TZ) on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(df -T "$WORK" | awk 'NR==2 {print $2}')"
if [ "${SKIP_TREE:-0}" != 1 ]; then
  master tree "$DIRS" "$FILES" 1024
  : > "$WORK/results"
  for r in $(seq 1 "$ROUNDS"); do
    echo "round $r/$ROUNDS" >&2
    timed find tree $((DIRS * FILES / 2))
    timed tmpreaper tree $((DIRS * FILES / 2))
    timed cleanup tree $((DIRS * FILES / 2))
  done
  summary "$DIRS dirs x $FILES files (1 KiB each, half 40 d old), $ROUNDS rounds"
fi

if [ "${SKIP_HUGE:-0}" != 1 ]; then
  master huge 1 "$HUGE" 0
  : > "$WORK/results"
  # No fresh copy per run here: copying 2,000,000 entries takes longer than the runs. Dry runs
  # (they read all 2,000,000 entries and change nothing) with the host-sized and the pod-sized
  # JVM, then one real pass with the pod-sized JVM that deletes the old half.
  measure cleanup-dry "$WORK/huge" "$HUGE" "$JAVA" "${JVM[@]}" -jar "$JAR" --root "$WORK/huge" --dry-run --report-limit 0
  measure cleanup-pod256m-dry "$WORK/huge" "$HUGE" "$JAVA" "${JVM[@]}" -XX:MaxRAM=256m -jar "$JAR" --root "$WORK/huge" --dry-run --report-limit 0
  measure cleanup-pod256m "$WORK/huge" $((HUGE / 2)) "$JAVA" "${JVM[@]}" -XX:MaxRAM=256m -jar "$JAR" --root "$WORK/huge"
  rm -rf "$WORK/huge"
  summary "$HUGE empty files in one directory (half old), 1 run each"
fi
rm -rf "$WORK/run"
