#!/usr/bin/env bash
# Benchmark: export throughput and peak heap on a synthetic campaign (issue 10). Builds a real git
# repository with one commit per trial in a temporary folder, exports it three times, prints the
# median records per second and the heap's peak; with --verify, also runs verify.py on the export.
#   bash src/scripts/bench-export.sh [trials] [--verify]      (default 10000 trials, heap capped at 128 MB)
# With --server, exports a campaign of submitted trials through a private server instead
# (bench_export_server.py: 21 zip exports, the median of the last ten printed):
#   bash src/scripts/bench-export.sh --server [trials]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"
cd "$here/../.."
if [ "${1:-}" = --server ]; then
  prepare
  ./mvnw -B -q -ntp package -DskipTests   # always: a benchmark measures the current code
  exec python3 "$here/bench_export_server.py" "${2:-10000}"
fi
JAVA_HOME="$(find_jdk)"
export JAVA_HOME
./mvnw -B -q -ntp test-compile   # always: a benchmark measures the current code
./mvnw -B -q -ntp dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
"$JAVA_HOME/bin/java" "-Xmx${EXPORT_BENCH_HEAP:-128m}" \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.empiric.export.ExportBenchmark "$@"
