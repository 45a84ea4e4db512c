#!/usr/bin/env bash
# Benchmark (issue 12): the built-in roster with and without the lineage, uniform random search,
# Optuna's TPE as an external agent and a greedy single chain, at equal trial budgets on one private
# server. Prints a table for docs/performance.md and writes a best-so-far plot (see bench_search.py).
#   bash src/scripts/bench-search.sh [environment] [trials per campaign] [repeats]   (digits 50 3)
#   BENCH_ARMS=roster,random,model BENCH_EVALUATORS=2 bash src/scripts/bench-search.sh digits 30 2
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"
prepare
# Debian's Optuna and matplotlib, for /usr/bin/python3 (the python3 on PATH may be a bare build).
if ! /usr/bin/python3 -c "import optuna, matplotlib" 2>/dev/null; then
  log "installing python3-optuna and python3-matplotlib"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-optuna python3-matplotlib >/dev/null
fi
./mvnw -B -q -ntp package -DskipTests   # always: a benchmark measures the current code
/usr/bin/python3 "$here/bench_search.py" "${1:-digits}" "${2:-50}" "${3:-3}"
