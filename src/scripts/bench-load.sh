#!/usr/bin/env bash
# Benchmark (issue 13): 1,000 submissions from 50 concurrent clients against a private server that
# evaluates nothing (as an API-only server of a scale-out), once with room for all of them and once
# against a queue limit of 500. Prints throughput, latency percentiles and what the store holds.
#   bash src/scripts/bench-load.sh [submissions] [clients]      (default 1000 50)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"
prepare
./mvnw -B -q -ntp package -DskipTests   # always: a benchmark measures the current code
python3 "$here/bench_load.py" "${1:-1000}" "${2:-50}"
