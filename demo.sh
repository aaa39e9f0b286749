#!/usr/bin/env bash
# The README's first command. On a fresh Debian/Ubuntu machine it:
#   1. finds the machine's PostgreSQL server binaries (apt-installs postgresql-15 as root if there are none),
#   2. builds backup-task if its jar is missing or older than the sources,
#   3. starts a throwaway PostgreSQL (initdb in a temp dir, TCP on 127.0.0.1 only) and a local S3 server
#      (S3Proxy 2.6.0 from Maven Central, filesystem storage in the same temp dir),
#   4. loads sample data, runs a real backup with the task jar, lists the stored objects over the S3 API,
#   5. restores the archive into a new database with the task's own `restore`,
#   6. compares row counts and a checksum over every row of every table, stops everything, removes the
#      temp dir, and exits 0 only if everything is equal.
# Needs: bash, curl, a JDK 21+ (JAVA_HOME, else /usr/lib/jvm/temurin-25-jdk-amd64, else java on PATH).
# Nothing listens beyond 127.0.0.1; nothing is left running.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
S3PROXY_VERSION=2.6.0
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.9.0

step() { printf '\n==> %s\n' "$*"; }
die() {
  printf 'demo: %s\n' "$*" >&2
  exit 1
}

# --- Java -------------------------------------------------------------------------------------------
if [ -z "${JAVA_HOME:-}" ] && [ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]; then
  export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64
fi
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
command -v "$JAVA" >/dev/null || die "no java found: set JAVA_HOME to a JDK 21 or newer"
command -v curl >/dev/null || die "curl is needed (apt-get install curl)"

# --- PostgreSQL binaries ----------------------------------------------------------------------------
pg_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/pg_dump" ] && echo "$d"
  done | tail -1
}
PG_BIN=$(pg_bin)
if [ -z "$PG_BIN" ]; then
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null ||
    die "no PostgreSQL server binaries under /usr/lib/postgresql: install postgresql-15 (or run as root)"
  step "installing postgresql-15 from Debian (no cluster is created or started)"
  created_conf=""
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
    created_conf=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null
  [ -n "$created_conf" ] && rm -f /etc/postgresql-common/createcluster.conf
  PG_BIN=$(pg_bin)
  [ -n "$PG_BIN" ] || die "postgresql-15 installed, but no binaries under /usr/lib/postgresql"
fi
echo "PostgreSQL binaries: $PG_BIN ($("$PG_BIN/pg_dump" --version))"

# initdb and the server refuse to run as root.
RUN_AS=()
PG_OWNER=$(id -un)
if [ "$(id -u)" = 0 ]; then
  PG_OWNER=postgres
  id postgres >/dev/null 2>&1 || PG_OWNER=nobody
  RUN_AS=(runuser -u "$PG_OWNER" --)
fi

# --- the task jar and S3Proxy -----------------------------------------------------------------------
JAR=$ROOT/backup-task/target/backup-task.jar
if [ ! -f "$JAR" ] || [ ! -d "$ROOT/backup-task/target/lib" ] ||
  [ -n "$(find "$ROOT/backup-task/src/main" "$ROOT/common/src/main" "$ROOT/backup-task/pom.xml" \
    "$ROOT/common/pom.xml" "$ROOT/pom.xml" -newer "$JAR" -print -quit 2>/dev/null)" ]; then
  step "building backup-task (./mvnw -pl backup-task -am package -DskipTests)"
  ./mvnw -B -ntp -q -pl backup-task -am package -DskipTests
fi
REPO=${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}
S3PROXY_JAR=$REPO/org/gaul/s3proxy/$S3PROXY_VERSION/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar
if [ ! -f "$S3PROXY_JAR" ]; then
  step "fetching S3Proxy $S3PROXY_VERSION from Maven Central"
  ./mvnw -B -ntp -q -N "$DEPENDENCY_PLUGIN:get" -Dtransitive=false \
    -Dartifact="org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies"
fi

# --- throwaway PostgreSQL and S3 --------------------------------------------------------------------
WORK=$(mktemp -d /tmp/taskrunner-demo.XXXXXX)
chmod 755 "$WORK"
PGDATA=$WORK/pgdata
S3PROXY_PID=""
cleanup() {
  local rc=$?
  set +e
  if [ -f "$PGDATA/postmaster.pid" ]; then
    "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1
  fi
  if [ -n "$S3PROXY_PID" ]; then
    kill "$S3PROXY_PID" 2>/dev/null
    wait "$S3PROXY_PID" 2>/dev/null
  fi
  if [ "$rc" != 0 ]; then
    echo "demo FAILED (exit $rc); logs:" >&2
    for f in "$WORK"/*.log; do
      [ -f "$f" ] && { echo "--- $f" >&2; tail -20 "$f" >&2; }
    done
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  local p
  for p in $(seq "$1" $(($1 + 200))); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  die "no free port near $1"
}

# A password with the characters that break naive quoting: it must reach pg_dump untouched.
export PGPASSWORD="demo p@ss:w/rd#%&\$'\"\\-x"
export PGHOST=127.0.0.1 PGUSER=demo PGSSLMODE=disable
PGPORT=$(free_port 55432)
export PGPORT

step "starting a throwaway PostgreSQL on 127.0.0.1:$PGPORT (data in $PGDATA)"
mkdir -p "$PGDATA" "$WORK/sock"
printf '%s\n' "$PGPASSWORD" >"$WORK/pwfile"
chown "$PG_OWNER" "$PGDATA" "$WORK/sock" "$WORK/pwfile" 2>/dev/null || true
"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$PGDATA" -U demo --pwfile="$WORK/pwfile" --auth=scram-sha-256 \
  -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1
rm -f "$WORK/pwfile"
touch "$WORK/postgres.log" && chown "$PG_OWNER" "$WORK/postgres.log" 2>/dev/null || true
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$WORK/postgres.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $WORK/sock -c fsync=off" start >/dev/null

S3PORT=$(free_port 58080)
S3_KEY=demo-access-key
S3_SECRET=demo-secret-key
BUCKET=demo-backups
S3=http://127.0.0.1:$S3PORT
step "starting S3Proxy $S3PROXY_VERSION on $S3 (filesystem storage in $WORK/s3)"
mkdir -p "$WORK/s3"
cat >"$WORK/s3proxy.properties" <<EOF
s3proxy.endpoint=$S3
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_KEY
s3proxy.credential=$S3_SECRET
s3proxy.ignore-unknown-headers=true
jclouds.provider=filesystem
jclouds.filesystem.basedir=$WORK/s3
EOF
cat >"$WORK/s3proxy-logback.xml" <<'EOF'
<configuration>
  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d %-5level %logger{20} %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="OUT"/></root>
</configuration>
EOF
"$JAVA" -Xmx256m -Dlogback.configurationFile="$WORK/s3proxy-logback.xml" -jar "$S3PROXY_JAR" \
  --properties "$WORK/s3proxy.properties" >"$WORK/s3proxy.log" 2>&1 &
S3PROXY_PID=$!
s3() { # signed S3 request: s3 METHOD PATH [curl args...]
  local method=$1 path=$2
  shift 2
  curl -sS -f --aws-sigv4 "aws:amz:us-east-1:s3" --user "$S3_KEY:$S3_SECRET" \
    -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X "$method" "$S3$path" "$@"
}
for _ in $(seq 120); do
  curl -s -o /dev/null "$S3/" && break
  kill -0 "$S3PROXY_PID" 2>/dev/null || die "S3Proxy did not start"
  sleep 0.5
done
s3 PUT "/$BUCKET" -o /dev/null

psql_() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

step "loading sample data into database 'shop'"
psql_ -d postgres -c "create database shop"
psql_ -d shop <<'SQL'
create table customers (id int primary key, name text not null, email text, country char(2),
                        created timestamptz not null);
insert into customers
select g, 'Customer ' || g || case when g % 7 = 0 then ' O''Brien; -- «ü»' else '' end,
       case when g % 11 = 0 then null else 'c' || g || '@example.org' end,
       (array['DE','FR','US','JP','BR'])[1 + g % 5],
       timestamptz '2024-01-01 00:00:00+00' + g * interval '17 minutes'
from generate_series(1, 20000) g;
create table orders (id bigserial primary key, customer_id int not null references customers,
                     amount numeric(12,2) not null, items jsonb, receipt bytea, note text);
insert into orders (customer_id, amount, items, receipt, note)
select 1 + (g * 7919) % 20000, round((g % 1000) * 1.37, 2),
       jsonb_build_object('sku', 'SKU-' || g % 500, 'qty', 1 + g % 4),
       decode(md5(g::text), 'hex'),
       case when g % 3 = 0 then E'line one\nline two\ttab' end
from generate_series(1, 200000) g;
create index on orders (customer_id);
create view big_spenders as
  select customer_id, sum(amount) as total from orders group by customer_id having sum(amount) > 7000;
SQL

step "backing up 'shop' with backup-task (custom format, zstd in-process, --verify)"
export BACKUP_S3_ACCESS_KEY_ID=$S3_KEY BACKUP_S3_SECRET_ACCESS_KEY=$S3_SECRET
COMMON=(--bucket="$BUCKET" --prefix=demo --s3-endpoint="$S3" --s3-path-style
  --s3-checksum=when_required --pg-bin-dir="$PG_BIN")
# Text logs for a terminal (JSON is the default); the long effective-configuration line is kept in the log file.
LOG_FORMAT=text "$JAVA" -jar "$JAR" --database=shop --verify "${COMMON[@]}" | tee "$WORK/backup.log" |
  grep -v 'event=config.effective' || die "the backup failed (exit ${PIPESTATUS[0]})"

step "objects in s3://$BUCKET/demo/shop/ (ListObjectsV2)"
LISTING=$(s3 GET "/$BUCKET?list-type=2&prefix=demo%2Fshop%2F")
KEYS=$(printf '%s' "$LISTING" | grep -o '<Key>[^<]*</Key>' | sed 's/<[^>]*>//g')
SIZES=$(printf '%s' "$LISTING" | grep -o '<Size>[^<]*</Size>' | sed 's/<[^>]*>//g')
paste <(printf '%s\n' "$SIZES") <(printf '%s\n' "$KEYS") | awk '{ printf "  %10d  %s\n", $1, $2 }'
KEY=$(printf '%s\n' "$KEYS" | grep -v '\.manifest\.json$' | head -1)
[ -n "$KEY" ] || die "no backup object in the listing"
printf '%s\n' "$KEYS" | grep -qx "$KEY.manifest.json" || die "no manifest next to $KEY"
echo "manifest: $(s3 GET "/$BUCKET/$KEY.manifest.json")"

step "restoring $KEY into a new database 'shop_restored' (backup-task restore)"
LOG_FORMAT=text "$JAVA" -jar "$JAR" restore --key="$KEY" --target-database=shop_restored \
  --create-target "${COMMON[@]}" | tee "$WORK/restore.log" |
  grep -v 'event=config.effective' || die "the restore failed (exit ${PIPESTATUS[0]})"

step "comparing row counts and a checksum over all rows, table by table"
TABLES=$(psql_ -d shop -At -c "select tablename from pg_tables where schemaname = 'public' order by 1")
[ -n "$TABLES" ] || die "no tables in shop"
fingerprint() { # database table -> "rows md5"
  psql_ -d "$1" -At -c "select count(*) || ' ' || coalesce(md5(string_agg(t::text, '|' order by t::text)), '-') from $2 t"
}
different=0
printf '  %-12s %-42s %s\n' table shop shop_restored
for t in $TABLES; do
  a=$(fingerprint shop "$t")
  b=$(fingerprint shop_restored "$t")
  mark=equal
  [ "$a" = "$b" ] || {
    mark=DIFFERENT
    different=1
  }
  printf '  %-12s %-42s %-42s %s\n' "$t" "$a" "$b" "$mark"
done
va=$(psql_ -d shop -At -c "select count(*) from big_spenders")
vb=$(psql_ -d shop_restored -At -c "select count(*) from big_spenders")
printf '  %-12s %-42s %-42s %s\n' "view" "$va rows" "$vb rows" "$([ "$va" = "$vb" ] && echo equal || echo DIFFERENT)"
[ "$va" = "$vb" ] || different=1

if [ "$different" != 0 ]; then
  die "the restored database differs from the original"
fi
step "demo passed: the restored database equals the original; stopping PostgreSQL and S3Proxy"
