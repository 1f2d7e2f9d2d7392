#!/usr/bin/env bash
# Makes l14-base:bookworm, the base image of lesson 14's lab hosts, for a machine that
# cannot pull debian:bookworm-slim: debootstrap writes a minimal Debian bookworm with every
# package the hosts need into a folder, `docker import` makes an image of it, and the folder
# is deleted. Takes about two minutes, mostly downloading packages.
#
# The packages come from where apt on this machine gets bookworm's: the mirror its sources
# name (read with `apt-get indextargets`, whatever their format) and the proxy its
# configuration sets (Acquire::http::Proxy), as apt itself would. Elsewhere (no apt, or no
# bookworm in its sources) from deb.debian.org; L14_DEBIAN_MIRROR chooses another.
#
# The one place that makes this base: `cargo run -p l14-deploy -- image --local-base`
# runs this script, and scripts/test.sh starts it in the background early so that the
# lab's test finds the image ready. It is idempotent (an image that exists is kept) and one
# run at a time: a second run waits for the first (a lock file) and then finds the image.
#
# Needs root (debootstrap) and debootstrap itself (`apt-get install debootstrap`).
# Prints one line per step, into target/lab-base.log too, where debootstrap writes its own.
set -euo pipefail
cd "$(dirname "$0")/.."

image="${L14_BASE_IMAGE:-l14-base:bookworm}"
target="${CARGO_TARGET_DIR:-target}"
mkdir -p "$target"
log="$target/lab-base.log"

# Each line this script says goes to its log too: run in the background, it is read there.
say() { echo "$*"; echo "$*" >>"$log"; }
fail() { echo "$*" >&2; echo "$*" >>"$log"; exit 1; }

exec 9>"$target/lab-base.lock"
if ! flock -n 9; then
  say "another run is making $image already; waiting for it (its log: $log)"
  flock 9
fi

if docker image inspect "$image" >/dev/null 2>&1; then
  say "$image exists"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  fail "making $image needs root (debootstrap): run as root, e.g. sudo $0"
fi
debootstrap="$(command -v debootstrap || echo /usr/sbin/debootstrap)"
if [ ! -x "$debootstrap" ]; then
  fail "making $image needs debootstrap: apt-get install debootstrap"
fi

# The mirror apt uses here for bookworm's main packages, or Debian's own.
debian_mirror() {
  if [ -n "${L14_DEBIAN_MIRROR:-}" ]; then
    echo "$L14_DEBIAN_MIRROR"
    return
  fi
  local uri=""
  if command -v apt-get >/dev/null 2>&1; then
    uri="$(apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT) $(TARGET_OF)' 2>/dev/null |
      awk '$2 == "bookworm" && $3 == "main" && $4 == "deb" { print $1; exit }')"
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}
mirror="$(debian_mirror)"
# apt's proxy, for debootstrap's downloads, unless the environment names one already.
if command -v apt-config >/dev/null 2>&1; then
  for scheme in http https; do
    proxy=""
    eval "$(apt-config shell proxy "Acquire::$scheme::Proxy")"
    variable="${scheme}_proxy"
    if [ -n "$proxy" ] && [ "$proxy" != DIRECT ] && [ -z "${!variable:-}" ]; then
      export "$variable=$proxy"
      say "the $scheme proxy apt is configured with: $proxy"
    fi
  done
fi

rootfs="$(mktemp -d "$target/lab-base.XXXXXX")"
# Whatever happens, the folder goes: what debootstrap mounted in it first, then its files
# (and never anything on another file system).
remove_rootfs() {
  for mounted in proc sys dev/pts; do
    if mountpoint -q "$rootfs/$mounted" 2>/dev/null; then umount -l "$rootfs/$mounted" || true; fi
  done
  rm -rf --one-file-system "$rootfs"
}
trap remove_rootfs EXIT
say "debootstrap: a minimal Debian bookworm from $mirror in $rootfs (about 2 minutes; log: $log)"
echo "--- $(date -u +%FT%TZ) debootstrap of $image" >>"$log"
if ! "$debootstrap" --variant=minbase \
  --include=etcd-server,etcd-client,iproute2,curl,ca-certificates,libssl3,procps \
  bookworm "$rootfs" "$mirror" >>"$log" 2>&1; then
  echo "debootstrap failed; the end of $log:" >&2
  tail -n 5 "$log" >&2
  exit 1
fi
say "docker import: $image"
tar -C "$rootfs" --exclude='./var/cache/apt/archives/*.deb' -c . |
  docker import --message "debootstrap bookworm, by scripts/lab-base.sh" - "$image" >>"$log"
say "made $image"
