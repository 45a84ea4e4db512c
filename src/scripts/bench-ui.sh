#!/usr/bin/env bash
# Benchmark: the web UI's endpoints on a campaign with N trials (default 10000); prints a table.
# Starts its own server on a free port with a throw-away data directory.
#   bash src/scripts/bench-ui.sh [trials]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"
prepare
./mvnw -B -q -ntp package -DskipTests   # always: a benchmark measures the current code
python3 "$here/bench_ui.py" "${1:-10000}"
