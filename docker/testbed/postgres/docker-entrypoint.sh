#!/bin/bash
# Entrypoint of the taskrunner-testbed/postgres stand-in. Mimics the official
# postgres image closely enough for Testcontainers' PostgreSQL module: env
# POSTGRES_USER/PASSWORD/DB, a temporary server for setup, then the real one.
set -euo pipefail

PGBIN=/usr/lib/postgresql/15/bin
export PGDATA=${PGDATA:-/var/lib/postgresql/data}
SOCKDIR=/var/run/postgresql
POSTGRES_USER=${POSTGRES_USER:-postgres}
POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}
POSTGRES_PASSWORD=${POSTGRES_PASSWORD:-}
POSTGRES_HOST_AUTH_METHOD=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}

say() { printf 'entrypoint: %s\n' "$*"; }
as_pg() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }

# `postgres -c fsync=off` -> server options; bare options are also accepted.
if [ "${1:-}" = postgres ]; then
  shift
elif [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  exec "$@"   # some other command, e.g. `psql` or `bash`
fi

if [ "$(id -u)" -ne 0 ]; then
  say "must start as root (it switches to the postgres user)" >&2
  exit 1
fi

mkdir -p "$PGDATA" "$SOCKDIR"
chown postgres:postgres "$PGDATA" "$SOCKDIR"
chmod 0700 "$PGDATA"
chmod 2775 "$SOCKDIR"

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    say "POSTGRES_PASSWORD is empty; set it or POSTGRES_HOST_AUTH_METHOD=trust" >&2
    exit 1
  fi
  say "initdb into $PGDATA"
  as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host="$POSTGRES_HOST_AUTH_METHOD" >/dev/null
  cat >"$PGDATA/pg_hba.conf" <<HBA
# written by docker-entrypoint.sh
local all all trust
host  all all all $POSTGRES_HOST_AUTH_METHOD
HBA
  chown postgres:postgres "$PGDATA/pg_hba.conf"

  # Temporary server: unix socket only, so nothing connects before setup ends.
  # It logs the first "database system is ready to accept connections".
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -w -t 60 \
    -o "-c listen_addresses='' -c unix_socket_directories=$SOCKDIR" start
  psql_args=(-v ON_ERROR_STOP=1 -X -q -h "$SOCKDIR" -U postgres -d postgres
             -v usr="$POSTGRES_USER" -v pw="$POSTGRES_PASSWORD" -v db="$POSTGRES_DB")
  as_pg "$PGBIN/psql" "${psql_args[@]}" <<'SQL'
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'usr') AS create_role \gset
\if :create_role
CREATE ROLE :"usr" WITH LOGIN SUPERUSER PASSWORD :'pw';
\else
ALTER ROLE :"usr" WITH LOGIN SUPERUSER PASSWORD :'pw';
\endif
SELECT NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') AS create_db \gset
\if :create_db
CREATE DATABASE :"db" OWNER :"usr";
\endif
SQL
  # Same hook as the official image: *.sql and *.sh run once, in order.
  if [ -d /docker-entrypoint-initdb.d ]; then
    for f in /docker-entrypoint-initdb.d/*; do
      case $f in
        *.sql) say "running $f"
               as_pg "$PGBIN/psql" -v ON_ERROR_STOP=1 -X -q -h "$SOCKDIR" \
                 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -f "$f" ;;
        *.sh)  say "running $f"; . "$f" ;;
      esac
    done
  fi
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop
  say "setup done; starting the server"
fi

ssl_opts=()
if [ -n "${POSTGRES_SSL_CERT_FILE:-}" ] && [ -n "${POSTGRES_SSL_KEY_FILE:-}" ]; then
  # The server refuses a key readable by others or owned by someone else.
  ssldir=/var/lib/postgresql/ssl
  install -d -o postgres -g postgres -m 0700 "$ssldir"
  install -o postgres -g postgres -m 0644 "$POSTGRES_SSL_CERT_FILE" "$ssldir/server.crt"
  install -o postgres -g postgres -m 0600 "$POSTGRES_SSL_KEY_FILE" "$ssldir/server.key"
  ssl_opts=(-c ssl=on -c "ssl_cert_file=$ssldir/server.crt" -c "ssl_key_file=$ssldir/server.key")
fi

exec setpriv --reuid=postgres --regid=postgres --init-groups \
  "$PGBIN/postgres" -D "$PGDATA" -c listen_addresses='*' \
  -c "unix_socket_directories=$SOCKDIR" "${ssl_opts[@]}" "$@"
