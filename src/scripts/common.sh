# Shared helpers for Empiric's scripts (sourced, not run).
log() { printf '[empiric] %s\n' "$*" >&2; }

# The docker CLI that talks to the engine we start: Debian's docker.io client, else any on PATH.
docker() {
  if [ -x /usr/bin/docker ]; then /usr/bin/docker "$@"; else command docker "$@"; fi
}

docker_ready() { docker info >/dev/null 2>&1; }

# The build needs JDK 21 or newer; the machine's default java may be older.
find_jdk() {
  local candidate version
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    version=$("$candidate/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')
    if [ "${version%%.*}" -ge 21 ] 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  log "no JDK 21+ found (set JAVA_HOME)"; return 1
}

# Prepares the machine (idempotently) and the build: Docker engine, base image, JDK 21+; with the
# argument `postgresql` a PostgreSQL server too. Leaves the caller in the repository's root.
prepare() {
  local scripts
  scripts="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  cd "$scripts/../.."
  bash "$scripts/setup.sh" "$@"
  JAVA_HOME="$(find_jdk)"
  export JAVA_HOME
}
