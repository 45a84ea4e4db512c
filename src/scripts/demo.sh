#!/usr/bin/env bash
# The main job: starts the Empiric server and a demo campaign on the bundled `digits` environment,
# run by the built-in specialists (DEMO_TRIALS trials, default 30), and follows it live. The server
# keeps running (http://localhost:8080) until Ctrl-C; with DEMO_EXIT=1 it stops once the demo ends
# (the smoke mode CI runs). Data goes to trials/ (EMPIRIC_DATA_DIR changes it), the server's log to
# <data dir>/server.log. The demo writes with the server's admin token (<data dir>/admin-token, made at its
# first start). Exits non-zero, with one line saying why, when the demo's baseline gets no score.
# EMPIRIC_JVM_OPTIONS go to the server's JVM (docs/configuration.md has a measured small-memory set).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"
prepare
if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ -n "$(find src pom.xml -newer target/quarkus-app/quarkus-run.jar -print -quit)" ]; then
  log "building the server"
  ./mvnw -B -q -ntp package -DskipTests
fi
port="${PORT:-8080}"
base="http://localhost:$port"
data="$(mkdir -p "${EMPIRIC_DATA_DIR:-trials}" && cd "${EMPIRIC_DATA_DIR:-trials}" && pwd)"
if curl -fs "$base/q/health/live" >/dev/null 2>&1; then
  log "something already answers on port $port; stop it or choose another port with PORT=..."; exit 1
fi
# shellcheck disable=SC2086 # the options are words on purpose
"$JAVA_HOME/bin/java" ${EMPIRIC_JVM_OPTIONS:-} --add-opens java.base/java.lang=ALL-UNNAMED -jar target/quarkus-app/quarkus-run.jar \
  >"$data/server.log" 2>&1 &
server=$!
# the server's own exit status (143 after SIGTERM) must not become the demo's: errexit applies in traps
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 180); do
  curl -fs "$base/q/health/ready" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { log "the server did not start; see $data/server.log"; exit 1; }
  sleep 1
done
curl -fs "$base/q/health/ready" >/dev/null 2>&1 || { log "the server is not ready after 3 minutes; see $data/server.log"; exit 1; }
log "server ready: web UI $base/  (API $base/api, OpenAPI $base/q/openapi, log $data/server.log)"
EMPIRIC_TOKEN="$(cat "$data/admin-token")"
export EMPIRIC_URL="$base" EMPIRIC_TOKEN
log "admin token: $data/admin-token  (the CLI: src/scripts/empiric campaigns; it reads EMPIRIC_URL and EMPIRIC_TOKEN)"

campaign=$(curl -fs -X POST "$base/api/campaigns" -H 'Content-Type: application/json' \
  -H "Authorization: Bearer $EMPIRIC_TOKEN" -d '{"environment": "digits", "name": "demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])') \
  || { log "could not create the demo campaign; see $data/server.log"; exit 1; }
python3 "$here/follow_campaign.py" "$base/api" "$campaign" "${DEMO_TRIALS:-30}" "$data/server.log"
log "demo campaign $campaign: $base/#/campaigns/$campaign  (API $base/api/campaigns/$campaign)"
if [ "${DEMO_EXIT:-0}" = "1" ]; then
  log "DEMO_EXIT=1: stopping the server"
  exit 0
fi
log "the server keeps running; web UI: $base/  (Ctrl-C stops it)"
wait $server
