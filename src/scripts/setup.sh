#!/usr/bin/env bash
# Idempotent machine setup for Empiric: a Docker engine, the offline base image that every
# environment's Dockerfile builds FROM, and Debian's headless Chromium with its driver for the web
# UI's browser tests (Selenium drives /usr/bin/chromium through /usr/bin/chromedriver; nothing is
# downloaded by the tests themselves); with the argument `postgresql` also a PostgreSQL server, role
# and database (src/scripts/postgres.sh), which the tests need and the H2 default does not.
# Safe to run again and again; each step checks first. Used by the README's commands and by .ci/run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"

need_root() {
  if [ "$(id -u)" -ne 0 ]; then
    log "this step needs root: $*"; exit 1
  fi
}

install_packages() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  if [ ${#missing[@]} -gt 0 ]; then
    need_root "apt-get install ${missing[*]}"
    log "installing ${missing[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
  fi
}

start_docker() {
  if docker_ready; then return; fi
  need_root "start dockerd"
  log "starting dockerd (log: /var/log/empiric-dockerd.log)"
  nohup dockerd >/var/log/empiric-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker_ready && return
    sleep 1
  done
  log "dockerd did not come up; see /var/log/empiric-dockerd.log"; exit 1
}

install_packages
start_docker
"$here/build-base-image.sh"
if [ "${1:-}" = postgresql ]; then
  "$here/postgres.sh"
fi
