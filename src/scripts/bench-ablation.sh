#!/usr/bin/env bash
# Benchmark: built-in specialists with the lineage view, without it, and uniform random search, at
# equal trial budgets. Starts its own server; prints a table for docs/performance.md.
#   bash src/scripts/bench-ablation.sh [environment] [trials per campaign] [repeats]   (digits 30 3)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"
prepare
./mvnw -B -q -ntp package -DskipTests   # always: a benchmark measures the current code
python3 "$here/bench_ablation.py" "${1:-digits}" "${2:-30}" "${3:-3}"
