#!/usr/bin/env bash
# Builds the base image that environment Dockerfiles start FROM (empiric/base). Idempotent: the tag
# carries a hash of the package list, so an existing image is reused and a changed list rebuilds.
# With a reachable registry it builds FROM debian:bookworm-slim; offline it uses debootstrap from
# Debian's package archive and `docker import` (the only way on machines that reach no registry).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/common.sh"

# fortunes: 2.6 MB of English text, the golf environment's corpus.
packages="python3,python3-numpy,python3-sklearn,python3-torch,fortunes"
tag="empiric/base:bookworm-$(printf '%s' "$packages" | sha256sum | cut -c1-12)"

if docker image inspect "$tag" >/dev/null 2>&1; then
  log "base image $tag present"
else
  if docker pull -q debian:bookworm-slim >/dev/null 2>&1; then
    log "building $tag FROM debian:bookworm-slim"
    printf 'FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends %s && rm -rf /var/lib/apt/lists/*\n' \
      "${packages//,/ }" | docker build -q -t "$tag" - >/dev/null
  else
    rootfs="$(mktemp -d /var/tmp/empiric-rootfs.XXXXXX)"
    # debootstrap mounts proc and sys inside the target; an interrupted run leaves them there.
    cleanup() {
      { grep -o " $rootfs/[^ ]*" /proc/mounts || true; } | sort -r | xargs -r -n1 umount -l
      rm -rf --one-file-system "$rootfs"
    }
    trap cleanup EXIT
    log "no registry reachable: debootstrap $packages (about 2-3 minutes)"
    debootstrap --variant=minbase --include="$packages" bookworm "$rootfs" >/var/tmp/empiric-debootstrap.log 2>&1 \
      || { log "debootstrap failed, see /var/tmp/empiric-debootstrap.log"; exit 1; }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | docker import -c 'ENV LANG=C.UTF-8' - "$tag" >/dev/null
  fi
  log "built $tag"
fi
docker tag "$tag" empiric/base:latest
