#!/usr/bin/env bash
# The main job: starts the Empiric server and a demo campaign on the bundled `digits` environment,
# run by the built-in specialists (DEMO_TRIALS trials, default 30), and follows it live. The server
# keeps running (API on http://localhost:8080) until Ctrl-C. Data goes to trials/ (EMPIRIC_DATA_DIR
# changes it; a relative path must start with ./), the server's log to <data dir>/server.log.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"
prepare
if [ ! -f target/quarkus-app/quarkus-run.jar ] || [ -n "$(find src pom.xml -newer target/quarkus-app/quarkus-run.jar -print -quit)" ]; then
  log "building the server"
  ./mvnw -B -q -ntp package -DskipTests
fi
port="${PORT:-8080}"
api="http://localhost:$port/api"
data="${EMPIRIC_DATA_DIR:-./trials}"
mkdir -p "$data"
"$JAVA_HOME/bin/java" --add-opens java.base/java.lang=ALL-UNNAMED -jar target/quarkus-app/quarkus-run.jar \
  >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT INT TERM
for _ in $(seq 1 120); do
  curl -fs "http://localhost:$port/q/health/ready" >/dev/null 2>&1 && break
  kill -0 $server 2>/dev/null || { log "the server did not start; see $data/server.log"; exit 1; }
  sleep 1
done
log "server ready: http://localhost:$port  (API $api, OpenAPI /q/openapi, log $data/server.log)"

campaign=$(curl -fs -X POST "$api/campaigns" -H 'Content-Type: application/json' \
  -d '{"environment": "digits", "name": "demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
log "campaign $campaign on digits: baseline queued"
python3 "$here/follow_campaign.py" "$api" "$campaign" "${DEMO_TRIALS:-30}"
log "the server keeps running; Ctrl-C stops it"
wait $server
