#!/usr/bin/env bash
# Idempotent PostgreSQL for Empiric: installs Debian's `postgresql` if missing, starts its cluster
# (whatever version Debian ships), and makes a login role and a database for the server and the
# store tests. Safe to run again and again; each step checks first. Needs root on a fresh machine.
# The role may create databases: each PostgreSQL test run works in a fresh one of its own.
#   EMPIRIC_DB_USER (empiric), EMPIRIC_DB_PASSWORD (empiric), EMPIRIC_PG_DATABASE (empiric)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"

role="${EMPIRIC_DB_USER:-empiric}"
password="${EMPIRIC_DB_PASSWORD:-empiric}"
database="${EMPIRIC_PG_DATABASE:-empiric}"

# From /, which the postgres user can always enter.
as_postgres() { (cd / && runuser -u postgres -- "$@"); }
# psql as the superuser; variables are bound by psql (:'name'), never spliced into the SQL.
superuser_sql() { as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$port" "$@"; }

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  [ "$(id -u)" -eq 0 ] || { log "installing postgresql needs root"; exit 1; }
  log "installing postgresql"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql >/dev/null
fi

# The first cluster Debian knows; a fresh install has created one ("main") for its version.
cluster="$(pg_lsclusters -h | head -n 1)"
if [ -z "$cluster" ]; then
  version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
  log "creating cluster $version/main"
  pg_createcluster "$version" main >/dev/null
  cluster="$(pg_lsclusters -h | head -n 1)"
fi
read -r version name port status _ <<<"$cluster"
# Already done (also without root): the role logs in over TCP, as the server and the tests do.
role_ready() {
  [ "$(PGPASSWORD="$password" psql -X -At -h localhost -p "$port" -U "$role" -d "$database" \
    -c "SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user" 2>/dev/null)" = t ]
}
if [[ "$status" == online* ]] && role_ready; then
  log "postgresql $version/$name on port $port: role $role, database $database"
  exit 0
fi
[ "$(id -u)" -eq 0 ] || { log "setting up postgresql $version/$name needs root"; exit 1; }
if [[ "$status" != online* ]]; then
  log "starting postgresql $version/$name"
  pg_ctlcluster "$version" "$name" start
fi
for _ in $(seq 1 30); do
  pg_isready -q -p "$port" && break
  sleep 1
done
pg_isready -q -p "$port" || { log "postgresql $version/$name does not accept connections on port $port"; exit 1; }

if [ -z "$(superuser_sql -At -v role="$role" <<<"SELECT 1 FROM pg_roles WHERE rolname = :'role'")" ]; then
  log "creating role $role"
  superuser_sql -v role="$role" <<<"SELECT format('CREATE ROLE %I', :'role') \gexec"
fi
# The password is set whenever setup is needed, so the one in the environment is the one that works.
superuser_sql -v role="$role" -v password="$password" \
  <<<"SELECT format('ALTER ROLE %I LOGIN CREATEDB PASSWORD %L', :'role', :'password') \gexec"
if [ -z "$(superuser_sql -At -v database="$database" <<<"SELECT 1 FROM pg_database WHERE datname = :'database'")" ]; then
  log "creating database $database"
  superuser_sql -v role="$role" -v database="$database" \
    <<<"SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'role') \gexec"
fi
log "postgresql $version/$name on port $port: role $role, database $database"
