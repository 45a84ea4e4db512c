#!/usr/bin/env bash
# The test command: prepares the machine (Docker engine, offline base image, PostgreSQL), then runs
# every test against real containers, real git repositories and a real H2 database, and the
# store-level tests (JUnit tag `store`) once more against PostgreSQL, in a fresh database.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"
prepare postgresql
log "testing with $JAVA_HOME"
./mvnw -B -ntp verify -Ppostgresql "$@"
