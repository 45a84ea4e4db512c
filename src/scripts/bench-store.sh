#!/usr/bin/env bash
# Benchmark: the store at scale (issue 13): TRIALS trials over CAMPAIGNS campaigns through the real
# schema, then the latency of the trials list, lineage view, dashboard and summaries on one campaign,
# and the server's RSS. H2 by default; BENCH_DB=postgresql on the local PostgreSQL (set up here).
#   bash src/scripts/bench-store.sh [trials] [campaigns]      (default 1000000 100)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"
if [ "${BENCH_DB:-h2}" = postgresql ]; then prepare postgresql; else prepare; fi
./mvnw -B -q -ntp package -DskipTests   # always: a benchmark measures the current code
python3 "$here/bench_store.py" "${1:-1000000}" "${2:-100}"
