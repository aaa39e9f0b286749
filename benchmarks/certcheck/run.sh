#!/usr/bin/env bash
# certcheck-task vs ssl-cert-check vs prometheus-blackbox-exporter (issue 5's benchmark). Outside CI.
#   bash benchmarks/certcheck/run.sh                 # all scenarios
#   ROUNDS=3 bash benchmarks/certcheck/run.sh
#   SCENARIOS="B" bash benchmarks/certcheck/run.sh   # only some scenarios (A B C); outcomes always
# One fixture process (BenchServer.java) serves TLS on ENDPOINTS loopback ports (8 valid
# certificates, every 10th endpoint expired, every 10th+1 expiring in 20 days, all behind one
# intermediate) plus TARPITS ports that accept and never answer. Scenarios, each interleaved:
#   A  ENDPOINTS endpoints: certcheck-task vs blackbox_exporter (xargs -P 16 curl /probe), ROUNDS rounds
#   B  the first SMALL endpoints: all three tools (ssl-cert-check runs ~1 s per host), SMALL_ROUNDS rounds
#   C  ENDPOINTS + TARPITS, deadline 5 s: certcheck-task vs blackbox_exporter, SMALL_ROUNDS rounds;
#      ssl-cert-check against one tarpit, once, killed after 30 s (it has no timeout)
# certcheck-task runs with the image's JVM flags and an AOT cache from its training run (loopback
# handshakes, as in the image), JVM start included, --concurrency 16 (= xargs -P 16).
# Scenario A also runs the floor, TlsFloor.java: the JDK's TLS client alone (handshakes and
# nothing else, same concurrency, its own AOT cache), and with C1=1 certcheck-task with
# JDK_JAVA_OPTIONS=-XX:TieredStopAtLevel=1 (less C2 compiling of the JDK's TLS and EC code, but
# slower crypto; it did not pay off on a quiet machine).
# blackbox_exporter runs as the daemon it is; its start is not timed, its peak RSS is the daemon's
# VmHWM over the whole benchmark.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
ROUNDS=${ROUNDS:-5}
SMALL_ROUNDS=${SMALL_ROUNDS:-3}
ENDPOINTS=${ENDPOINTS:-1000}
TARPITS=${TARPITS:-20}
SMALL=${SMALL:-100}
WORK=${BENCH_DIR:-/tmp/certcheck-bench}
JAR=${JAR:-$repo/certcheck-task/target/certcheck-task.jar}
JAVA=${JAVA:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java}
BC=${BC_VERSION:-1.82}
M2=${M2:-$HOME/.m2/repository}/org/bouncycastle
BB_PORT=${BB_PORT:-19115}

[ -f "$JAR" ] || { echo "build the jar first: ./mvnw -B -ntp -o -pl certcheck-task package -DskipTests" >&2; exit 2; }
for p in ssl-cert-check prometheus-blackbox-exporter; do
  command -v "$p" >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends ssl-cert-check prometheus-blackbox-exporter >/dev/null; }
done
rm -rf "$WORK"; mkdir -p "$WORK/app" "$WORK/fixture"
cp -r "$(dirname "$JAR")/lib" "$WORK/app/lib"; cp "$JAR" "$WORK/app/task.jar"
JAR=$WORK/app/task.jar

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

CP="$M2/bcprov-jdk18on/$BC/bcprov-jdk18on-$BC.jar:$M2/bcpkix-jdk18on/$BC/bcpkix-jdk18on-$BC.jar:$M2/bcutil-jdk18on/$BC/bcutil-jdk18on-$BC.jar"
"$JAVA" -cp "$CP" "$here/BenchServer.java" "$WORK/fixture" "$ENDPOINTS" "$TARPITS" >"$WORK/fixture.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do [ -f "$WORK/fixture/ready" ] && break; sleep 0.5; done
[ -f "$WORK/fixture/ready" ] || { echo "fixture did not start: $(cat "$WORK/fixture.log")" >&2; exit 1; }
F=$WORK/fixture
head -n "$SMALL" "$F/targets.txt" >"$F/small-targets.txt"
head -n "$SMALL" "$F/hosts.txt" >"$F/small-hosts.txt"
cat "$F/targets.txt" "$F/tarpits.txt" >"$F/all-targets.txt"

cat >"$WORK/bb.yml" <<YML
modules:
  tls:
    prober: tcp
    timeout: 5s
    tcp:
      tls: true
      tls_config:
        ca_file: $F/ca.pem
YML
prometheus-blackbox-exporter --config.file="$WORK/bb.yml" --web.listen-address=127.0.0.1:$BB_PORT >"$WORK/bb.log" 2>&1 &
bb_pid=$!; pids+=($bb_pid)
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$BB_PORT/-/healthy" >/dev/null && break; sleep 0.2; done

# Same flags as docker/Dockerfile's ENTRYPOINT, plus the AOT cache of the training run.
JVM=(-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData -XX:+UseSerialGC -Xlog:all=warning:stderr)
if [ "${NO_AOT:-0}" != 1 ]; then
  # The image's training run (docker/Dockerfile): loopback handshakes with a throwaway EC and RSA key.
  export TASKRUNNER_AOT_TRAIN_KEYSTORE_PASSWORD=aot-training-only
  for key in "EC -groupname secp256r1" "RSA -keysize 2048"; do
    # shellcheck disable=SC2086 # $key is two keytool options
    "$(dirname "$JAVA")/keytool" -genkeypair -alias "${key%% *}" -keyalg $key -dname CN=localhost \
      -ext SAN=ip:127.0.0.1 -validity 2 -storetype PKCS12 -keystore "$WORK/aot-training.p12" \
      -storepass:env TASKRUNNER_AOT_TRAIN_KEYSTORE_PASSWORD 2>/dev/null
  done
  TASKRUNNER_AOT_TRAIN=1 CERTCHECK_TARGET=localhost:443 TASKRUNNER_AOT_TRAIN_KEYSTORE="$WORK/aot-training.p12" \
    "$JAVA" -XX:AOTCacheOutput="$WORK/app.aot" "${JVM[@]}" -Xlog:aot=error:stderr -jar "$JAR" >/dev/null
  JVM+=(-XX:AOTCache="$WORK/app.aot")
fi

# The floor: the JDK's TLS client alone (TlsFloor.java), same JVM flags, its own AOT cache.
# A jar, not a class directory: the AOT cache refuses non-empty directories on the class path.
"$(dirname "$JAVA")/javac" -d "$WORK/floor" "$here/TlsFloor.java"
"$(dirname "$JAVA")/jar" cf "$WORK/floor.jar" -C "$WORK/floor" .
FLOOR_JVM=(-XX:-UsePerfData -XX:+UseSerialGC -Xlog:all=warning:stderr)
if [ "${NO_AOT:-0}" != 1 ]; then
  "$JAVA" -XX:AOTCacheOutput="$WORK/floor.aot" "${FLOOR_JVM[@]}" -Xlog:aot=error:stderr \
    -cp "$WORK/floor.jar" TlsFloor "$F/targets.txt" 16 >/dev/null
  FLOOR_JVM+=(-XX:AOTCache="$WORK/floor.aot")
fi

now() { date +%s.%N; }
declare -A times rss cpus
record() { times[$1]+="$2 "; rss[$1]+="$3 "; }
# user + system CPU seconds of a /usr/bin/time -v run: less load-sensitive than wall time.
record_cpu() { cpus[$1]+="$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$WORK/time-$1") "; }

run_certcheck() { # key targets-file deadline
  local out=$WORK/out-$1.json t0 t1
  t0=$(now)
  /usr/bin/time -v -o "$WORK/time-$1" "$JAVA" "${JVM[@]}" -jar "$JAR" --targets-file "$2" \
    --ca-file "$F/ca.pem" --no-system-trust --concurrency 16 --per-host 16 --deadline "$3" >"$out" || true
  t1=$(now)
  record "$1" "$(echo "$t1 - $t0" | bc)" "$(awk '/Maximum resident/ {print $6}' "$WORK/time-$1")"
  record_cpu "$1"
  grep '"certcheck.summary"' "$out" | grep -o '"by_status":{[^}]*}' >"$WORK/outcome-$1"
}
run_floor() { # key targets-file
  local t0 t1
  t0=$(now)
  /usr/bin/time -v -o "$WORK/time-$1" "$JAVA" "${FLOOR_JVM[@]}" -cp "$WORK/floor.jar" TlsFloor "$2" 16 >"$WORK/outcome-$1"
  t1=$(now)
  record "$1" "$(echo "$t1 - $t0" | bc)" "$(awk '/Maximum resident/ {print $6}' "$WORK/time-$1")"
  record_cpu "$1"
}
run_blackbox() { # key targets-file
  local out=$WORK/out-$1.txt t0 t1
  t0=$(now)
  xargs -P 16 -I{} sh -c "curl -s 'http://127.0.0.1:$BB_PORT/probe?module=tls&target={}' | grep -E '^probe_success' | sed 's|^|{} |'" <"$2" >"$out"
  t1=$(now)
  record "$1" "$(echo "$t1 - $t0" | bc)" "$(awk '/VmHWM/ {print $2}' /proc/$bb_pid/status)"
  echo "success=$(grep -c ' 1$' "$out") failed=$(grep -c ' 0$' "$out")" >"$WORK/outcome-$1"
}
run_sslcertcheck() { # key hosts-file
  local out=$WORK/out-$1.txt t0 t1
  t0=$(now)
  /usr/bin/time -v -o "$WORK/time-$1" ssl-cert-check -f "$2" -x 28 >"$out" 2>&1 || true
  t1=$(now)
  record "$1" "$(echo "$t1 - $t0" | bc)" "$(awk '/Maximum resident/ {print $6}' "$WORK/time-$1")"
  echo "$(awk '{print $2}' "$out" | sort | uniq -c | tr '\n' ' ')" >"$WORK/outcome-$1"
}

stats() { # key -> "min median max"
  echo "${times[$1]}" | tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f %.2f %.2f", a[1], m, a[NR]}'
}
peak() { echo "${rss[$1]}" | tr ' ' '\n' | grep -v '^$' | sort -n | tail -1; }
report() { # key label
  read -r mn md mx <<<"$(stats "$1")"
  printf "  %-34s min %6.2f  median %6.2f  max %6.2f s   peak RSS %6d MiB   %s\n" "$2" "$mn" "$md" "$mx" $(( $(peak "$1") / 1024 )) "$(cat "$WORK/outcome-$1")"
  if [ -n "${cpus[$1]:-}" ]; then
    echo "  ${2:0:34}: CPU (user+sys) median $(echo "${cpus[$1]}" | tr ' ' '\n' | grep -v '^$' | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m}') s"
  fi
}
median() { stats "$1" | awk '{print $2}'; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%FT%TZ)"
SCENARIOS=${SCENARIOS:-A B C}
if [[ " $SCENARIOS " == *" A "* ]]; then
echo "A: $ENDPOINTS endpoints, $ROUNDS rounds"
for r in $(seq 1 "$ROUNDS"); do
  run_certcheck A-cc "$F/targets.txt" 5s
  [ "${C1:-0}" = 1 ] && JDK_JAVA_OPTIONS=-XX:TieredStopAtLevel=1 run_certcheck A-c1 "$F/targets.txt" 5s
  run_floor A-floor "$F/targets.txt"
  run_blackbox A-bb "$F/targets.txt"
done
report A-cc "certcheck-task"
[ "${C1:-0}" = 1 ] && report A-c1 "certcheck-task, C1 only"
report A-floor "floor: JDK TLS client alone"
report A-bb "blackbox_exporter (xargs -P 16)"
echo "  ratio certcheck/floor (median): $(echo "scale=2; $(median A-cc) / $(median A-floor)" | bc)"
echo "  ratio certcheck/blackbox (median): $(echo "scale=2; $(median A-cc) / $(median A-bb)" | bc)"
[ "${C1:-0}" = 1 ] && echo "  ratio certcheck C1-only/blackbox (median): $(echo "scale=2; $(median A-c1) / $(median A-bb)" | bc)"

fi
if [[ " $SCENARIOS " == *" B "* ]]; then
echo "B: first $SMALL endpoints, $SMALL_ROUNDS rounds"
for r in $(seq 1 "$SMALL_ROUNDS"); do
  run_certcheck B-cc "$F/small-targets.txt" 5s
  run_blackbox B-bb "$F/small-targets.txt"
  run_sslcertcheck B-scc "$F/small-hosts.txt"
done
report B-cc "certcheck-task"
report B-bb "blackbox_exporter (xargs -P 16)"
report B-scc "ssl-cert-check -f (sequential)"
echo "  ratio certcheck/ssl-cert-check (median): $(echo "scale=3; $(median B-cc) / $(median B-scc)" | bc)"
echo "  ratio certcheck/blackbox (median): $(echo "scale=2; $(median B-cc) / $(median B-bb)" | bc)"

fi
pit=$(head -n1 "$F/tarpits.txt")
if [[ " $SCENARIOS " == *" C "* ]]; then
echo "C: $ENDPOINTS endpoints + $TARPITS tarpits, deadline 5 s, $SMALL_ROUNDS rounds"
for r in $(seq 1 "$SMALL_ROUNDS"); do
  run_certcheck C-cc "$F/all-targets.txt" 5s
  run_blackbox C-bb "$F/all-targets.txt"
done
report C-cc "certcheck-task"
report C-bb "blackbox_exporter (xargs -P 16)"
echo "  ratio certcheck/blackbox (median): $(echo "scale=2; $(median C-cc) / $(median C-bb)" | bc)"
fi

echo "Outcomes for one expired endpoint and one tarpit (each tool run on just these two):"
expired=$(head -n1 "$F/targets.txt")
printf '%s\n%s\n' "$expired" "$pit" >"$F/two.txt"
"$JAVA" "${JVM[@]}" -jar "$JAR" --targets-file "$F/two.txt" --ca-file "$F/ca.pem" --no-system-trust --deadline 5s >"$WORK/out-two.json" || true
grep '"certcheck.result"' "$WORK/out-two.json" | sed -E 's/.*"target":"([^"]*)".*"status":"([A-Z_]*)".*/  certcheck-task  \1 \2/' | sort
grep '"certcheck.result"' "$WORK/out-two.json" | grep -o '"target":"[^"]*"\|"days_left":-*[0-9]*\|"phase":"[a-z]*"' | tr '\n' ' '; echo
for t in "$expired" "$pit"; do
  echo "  blackbox_exporter $t: $(curl -s "http://127.0.0.1:$BB_PORT/probe?module=tls&target=$t" | grep -E '^probe_(success|ssl_earliest_cert_expiry|duration_seconds)' | tr '\n' ' ')"
done
echo "127.0.0.1 ${expired##*:}" >"$F/expired-hosts.txt"
echo "  ssl-cert-check $expired: $(ssl-cert-check -f "$F/expired-hosts.txt" -x 28 2>&1 | grep 127.0.0.1 | tr -s ' ')"
echo "127.0.0.1 ${pit##*:}" >"$F/pit-hosts.txt"
rc=0; t0=$(now); timeout 30 ssl-cert-check -f "$F/pit-hosts.txt" -x 28 >"$WORK/out-pit.txt" 2>&1 || rc=$?; t1=$(now)
echo "  ssl-cert-check $pit: exit $rc after $(echo "$t1 - $t0" | bc | cut -c1-5) s (124 = killed by timeout 30; it has no timeout of its own)"
