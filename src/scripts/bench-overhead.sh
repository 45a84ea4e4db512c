#!/usr/bin/env bash
# Benchmark: the platform's overhead per trial against a bare `docker run` of the same two containers.
# Starts its own server on a free port with a throw-away data directory; prints a table.
#   bash src/scripts/bench-overhead.sh [runs]      (default 20)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"
prepare
./mvnw -B -q -ntp package -DskipTests   # always: a benchmark measures the current code
python3 "$here/bench_overhead.py" "${1:-20}"
