#!/usr/bin/env bash
# backup-task against the recipes people use instead, on one local PostgreSQL and one local S3Proxy.
#
#   (a) pg_dump -Fc > /dev/null                          the floor: dump and compress, store nothing
#   (b) pg_dump -Fc | aws s3 cp - s3://...               the common streaming recipe (Debian's awscli)
#   (c) pg_dump -Fc -f FILE && aws s3 cp FILE s3://...   the two-phase recipe (needs disk for the dump)
#   (d) backup-task (default: pg_dump -Z0 into in-process zstd-3, multipart upload, sha256, HEAD check)
#   (e) backup-task --compression=pgdump (pg_dump's own gzip, the same compression as a-c)
#
# Data set: pgbench tables (pgbench -i -s SCALE) plus a table of random bytes, since pgbench's filler
# compresses about 50:1 and flatters every compressor. Runs are interleaved a b c d e, b c d e a, ...
# (the order rotates each round) after one unmeasured warm-up round; prints min/median/max wall time, the ratios of the medians, the
# archive sizes, and the peak RSS of (d) from /usr/bin/time -v. Then (d) alone on a smaller database
# of the same shape, to show its peak RSS does not grow with the database.
#
# (d) runs with the image's JVM flags (-XX:+UseSerialGC ..., a JDK AOT cache) and -Xmx192m: what
# -XX:MaxRAMPercentage=75 gives in a pod limited to 256 MiB. Outside CI; needs root (or a user that may run initdb), Debian's
# postgresql-15 and awscli (apt-installed when missing), a JDK 21+.
#
# Usage: benchmarks/backup/run.sh [--scale 50] [--random-mib 320] [--small-scale 10] [--small-random-mib 64]
#                                 [--rounds 5]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
SCALE=50
RANDOM_MIB=320
SMALL_SCALE=10
SMALL_RANDOM_MIB=64
ROUNDS=5
while [ $# -gt 0 ]; do
  case $1 in
  --scale) SCALE=$2 ;;
  --random-mib) RANDOM_MIB=$2 ;;
  --small-scale) SMALL_SCALE=$2 ;;
  --small-random-mib) SMALL_RANDOM_MIB=$2 ;;
  --rounds) ROUNDS=$2 ;;
  *)
    echo "unknown argument $1" >&2
    exit 2
    ;;
  esac
  shift 2
done
S3PROXY_VERSION=2.6.0
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.9.0

die() {
  echo "bench: $*" >&2
  exit 1
}
note() { echo "# $*" >&2; }

[ -z "${JAVA_HOME:-}" ] && [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ] &&
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$PG_BIN" ] || [ ! -x /usr/bin/aws ]; then
  [ "$(id -u)" = 0 ] || die "needs postgresql-15 and awscli (Debian packages)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 awscli >/dev/null
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
AWS=/usr/bin/aws # Debian's awscli, not whatever else is first on PATH
[ -x /usr/bin/time ] || die "needs GNU time (/usr/bin/time, Debian package time)"

JAR=$ROOT/backup-task/target/backup-task.jar
[ -f "$JAR" ] || ./mvnw -B -ntp -q -pl backup-task -am package -DskipTests
S3PROXY_JAR=${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}/org/gaul/s3proxy/$S3PROXY_VERSION/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar
[ -f "$S3PROXY_JAR" ] || ./mvnw -B -ntp -q -N "$DEPENDENCY_PLUGIN:get" -Dtransitive=false \
  -Dartifact="org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies"

WORK=$(mktemp -d /tmp/taskrunner-bench.XXXXXX)
chmod 755 "$WORK"
PGDATA=$WORK/pgdata
RUN_AS=()
PG_OWNER=$(id -un)
if [ "$(id -u)" = 0 ]; then
  PG_OWNER=postgres
  RUN_AS=(runuser -u postgres --)
fi
S3PROXY_PID=""
cleanup() {
  set +e
  [ -f "$PGDATA/postmaster.pid" ] && "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1
  [ -n "$S3PROXY_PID" ] && kill "$S3PROXY_PID" 2>/dev/null && wait "$S3PROXY_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  local p
  for p in $(seq "$1" $(($1 + 200))); do
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || {
      echo "$p"
      return
    }
  done
  die "no free port near $1"
}

export PGHOST=127.0.0.1 PGUSER=bench PGPASSWORD=bench-password PGSSLMODE=disable
PGPORT=$(free_port 56432)
export PGPORT
mkdir -p "$PGDATA"
printf '%s\n' "$PGPASSWORD" >"$WORK/pwfile"
chown "$PG_OWNER" "$PGDATA" "$WORK/pwfile"
"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$PGDATA" -U bench --pwfile="$WORK/pwfile" --auth=scram-sha-256 \
  -E UTF8 --locale=C.UTF-8 >/dev/null
touch "$WORK/postgres.log" && chown "$PG_OWNER" "$WORK/postgres.log"
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$WORK/postgres.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off -c shared_buffers=512MB" start >/dev/null

S3PORT=$(free_port 59080)
S3=http://127.0.0.1:$S3PORT
export AWS_ACCESS_KEY_ID=bench-key AWS_SECRET_ACCESS_KEY=bench-secret AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=$WORK/aws-config AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_PAGER=""
printf '[default]\ns3 =\n  addressing_style = path\n' >"$AWS_CONFIG_FILE"
mkdir -p "$WORK/s3"
cat >"$WORK/s3proxy.properties" <<EOF
s3proxy.endpoint=$S3
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$AWS_ACCESS_KEY_ID
s3proxy.credential=$AWS_SECRET_ACCESS_KEY
s3proxy.ignore-unknown-headers=true
jclouds.provider=filesystem
jclouds.filesystem.basedir=$WORK/s3
EOF
cat >"$WORK/logback.xml" <<'EOF'
<configuration><root level="WARN"/></configuration>
EOF
"$JAVA" -Xmx512m -Dlogback.configurationFile="$WORK/logback.xml" -jar "$S3PROXY_JAR" \
  --properties "$WORK/s3proxy.properties" >"$WORK/s3proxy.log" 2>&1 &
S3PROXY_PID=$!
for _ in $(seq 120); do
  curl -s -o /dev/null "$S3/" && break
  sleep 0.5
done
s3api() { "$AWS" --endpoint-url "$S3" "$@"; }
s3api s3 mb s3://bench >/dev/null

psql_() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
load() { # database scale random_mib
  psql_ -d postgres -c "create database $1"
  "$PG_BIN/pgbench" -i -q -s "$2" "$1" >/dev/null 2>&1
  psql_ -d "$1" <<SQL
create extension pgcrypto;
create table random_bytes (id int primary key, data bytea);
insert into random_bytes select g, gen_random_bytes(1024) from generate_series(1, $3 * 1024) g;
vacuum analyze;
SQL
  psql_ -d "$1" -At -c "select pg_database_size(current_database())"
}

note "loading: pgbench -s $SCALE + ${RANDOM_MIB} MiB of random bytes"
BIG_BYTES=$(load bench "$SCALE" "$RANDOM_MIB")
note "loading the small database: pgbench -s $SMALL_SCALE + ${SMALL_RANDOM_MIB} MiB of random bytes"
SMALL_BYTES=$(load bench_small "$SMALL_SCALE" "$SMALL_RANDOM_MIB")

# The image's JVM flags, and its JDK AOT cache recorded the same way (a training start that builds the
# clients and exits); without the cache every run pays about 2-4 s more of class loading here.
TASK_JVM=(-XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:-UsePerfData -Xmx192m)
TASKRUNNER_AOT_TRAIN=1 BACKUP_BUCKET=bench "$JAVA" "${TASK_JVM[@]}" -XX:AOTCacheOutput="$WORK/app.aot" \
  -jar "$JAR" --database=bench >"$WORK/aot-train.log" 2>&1 || die "AOT training run failed"
TASK_JVM+=(-XX:AOTCache="$WORK/app.aot")
TASK_ARGS=(--bucket=bench --s3-endpoint="$S3" --s3-path-style --s3-checksum=when_required
  --s3-access-key-id="$AWS_ACCESS_KEY_ID" --pg-bin-dir="$PG_BIN")
export BACKUP_S3_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY

# variant database -> runs it once; writes "seconds rss_kib bytes" to $WORK/result
run_variant() {
  local v=$1 db=$2 cmd
  case $v in
  a) cmd="\"$PG_BIN/pg_dump\" -Fc -d $db > /dev/null" ;;
  b) cmd="set -o pipefail; \"$PG_BIN/pg_dump\" -Fc -d $db | \"$AWS\" --endpoint-url $S3 s3 cp --only-show-errors - s3://bench/b/$db.dump" ;;
  c) cmd="\"$PG_BIN/pg_dump\" -Fc -d $db -f $WORK/two-phase.dump && \"$AWS\" --endpoint-url $S3 s3 cp --only-show-errors $WORK/two-phase.dump s3://bench/c/$db.dump; rc=\$?; rm -f $WORK/two-phase.dump; exit \$rc" ;;
  d) cmd="\"$JAVA\" ${TASK_JVM[*]} -jar \"$JAR\" --database=$db --prefix=d ${TASK_ARGS[*]} > $WORK/task.log" ;;
  e) cmd="\"$JAVA\" ${TASK_JVM[*]} -jar \"$JAR\" --database=$db --prefix=e --compression=pgdump ${TASK_ARGS[*]} > $WORK/task.log" ;;
  esac
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -v -o "$WORK/time.txt" bash -c "$cmd" || die "variant $v failed: $(tail -3 "$WORK/task.log" 2>/dev/null)"
  t1=$(date +%s.%N)
  local rss bytes=0
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
  case $v in
  b | c) bytes=$(s3api s3api head-object --bucket bench --key "$v/$db.dump" --query ContentLength --output text) ;;
  d | e) bytes=$(grep -o '"event":"backup.completed"[^}]*' "$WORK/task.log" | grep -o '"bytes":[0-9]*' | head -1 | cut -d: -f2) ;;
  esac
  s3api s3 rm --quiet --recursive s3://bench/ >/dev/null
  sync
  sleep 2
  echo "$(echo "$t1 - $t0" | bc -l) $rss ${bytes:-0}" >"$WORK/result"
}

stats() { # file -> "min median max"
  sort -g "$1" | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f %.2f %.2f\n", v[1], m, v[NR] }'
}

VARIANTS=(a b c d e)
note "warm-up round (not measured)"
for v in "${VARIANTS[@]}"; do run_variant "$v" bench; done
for r in $(seq "$ROUNDS"); do
  # The order rotates every round, so no variant always runs right after the same other one (S3Proxy
  # and the page cache are still busy with the previous upload for a moment).
  order=("${VARIANTS[@]:$(((r - 1) % ${#VARIANTS[@]}))}" "${VARIANTS[@]:0:$(((r - 1) % ${#VARIANTS[@]}))}")
  for v in "${order[@]}"; do
    run_variant "$v" bench
    read -r secs rss bytes <"$WORK/result"
    echo "$secs" >>"$WORK/wall.$v"
    echo "$rss" >>"$WORK/rss.$v"
    echo "$bytes" >"$WORK/bytes.$v"
    note "round $r $v ${secs}s rss ${rss} KiB archive ${bytes} B"
  done
done
for r in $(seq 3); do
  run_variant d bench_small
  read -r secs rss bytes <"$WORK/result"
  echo "$rss" >>"$WORK/rss.small"
  echo "$secs" >>"$WORK/wall.small"
done

median() { stats "$1" | awk '{print $2}'; }
echo
echo "backup benchmark $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM,"
echo "$("$PG_BIN/pg_dump" --version), $("$AWS" --version 2>&1 | cut -d' ' -f1), S3Proxy $S3PROXY_VERSION (filesystem), $ROUNDS rounds"
echo "database: pgbench -s $SCALE + ${RANDOM_MIB} MiB random bytes = $((BIG_BYTES / 1048576)) MiB (pg_database_size)"
echo
printf '%-58s %8s %8s %8s %10s %12s\n' variant min median max "peak RSS" archive
for v in "${VARIANTS[@]}"; do
  case $v in
  a) name="(a) pg_dump -Fc > /dev/null" ;;
  b) name="(b) pg_dump -Fc | aws s3 cp -" ;;
  c) name="(c) pg_dump -Fc -f file && aws s3 cp file" ;;
  d) name="(d) backup-task (zstd-3 in-process, pg_dump -Z0)" ;;
  e) name="(e) backup-task --compression=pgdump" ;;
  esac
  read -r mn md mx < <(stats "$WORK/wall.$v")
  printf '%-58s %7ss %7ss %7ss %7s MiB %10s B\n' "$name" "$mn" "$md" "$mx" \
    "$(($(sort -n "$WORK/rss.$v" | tail -1) / 1024))" "$(cat "$WORK/bytes.$v")"
done
da=$(echo "$(median "$WORK/wall.d") / $(median "$WORK/wall.a")" | bc -l)
db=$(echo "$(median "$WORK/wall.d") / $(median "$WORK/wall.b")" | bc -l)
dc=$(echo "$(median "$WORK/wall.d") / $(median "$WORK/wall.c")" | bc -l)
ea=$(echo "$(median "$WORK/wall.e") / $(median "$WORK/wall.a")" | bc -l)
echo
printf 'ratios of medians: d/a %.2f  d/b %.2f  d/c %.2f  e/a %.2f\n' "$da" "$db" "$dc" "$ea"
printf 'peak RSS of (d): %d MiB at %d MiB database, %d MiB at %d MiB database (%s runs)\n' \
  "$(($(sort -n "$WORK/rss.d" | tail -1) / 1024))" "$((BIG_BYTES / 1048576))" \
  "$(($(sort -n "$WORK/rss.small" | tail -1) / 1024))" "$((SMALL_BYTES / 1048576))" "$(wc -l <"$WORK/rss.small")"
