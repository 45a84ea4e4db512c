#!/usr/bin/env bash
# The test command: prepares the machine (Docker engine, offline base image), then runs every test
# against real containers, real git repositories and a real H2 database.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"
prepare
log "testing with $JAVA_HOME"
./mvnw -B -ntp verify "$@"
