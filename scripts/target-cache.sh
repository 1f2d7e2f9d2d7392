# The dependencies' builds kept between runs of the test command on one machine, as the CI
# services of large Rust workspaces keep them (tokio's and rust-analyzer's CI restore
# `target/` from a cache keyed by the lock file, the toolchain and the build's settings): a
# new clone on a machine that has built the course before compiles the course's own crates,
# not the 700 packages under them again. Sourced by scripts/test.sh, on CI only.
#
# What is kept: the units of `target/debug` that are not the workspace's own packages (its
# crates change with every commit; cargo would find them out of date anyway, as a clone's
# files are newer than any build). What is used: a cache made with the same Cargo.lock, the
# same rustc and the same build settings, restored into a target folder that has no build
# yet. Cargo's fingerprints then decide, as always, what is up to date: its dep-info names
# files in the target folder relative to it, so a build moved to another clone stays valid.
#
# Where: under CARGO_HOME, beside the crates it was built from (a machine set up today, or
# `scripts/fresh-ci.sh` with its empty CARGO_HOME, has none). Only the newest cache is kept.
# TARGET_CACHE=off turns it off; removing the folder forgets it.

target_cache_root="${CARGO_HOME:-$HOME/.cargo}/target-cache"

# The cache's name: what the kept builds depend on besides the sources' own files.
target_cache_dir() {
  local key
  key="$({
    cat Cargo.lock
    rustc -vV
    env | grep -E '^(CARGO_INCREMENTAL|CARGO_PROFILE_[A-Z_]+|RUSTFLAGS|CARGO_ENCODED_RUSTFLAGS)=' | sort
    [ -n "${RUSTC_WORKSPACE_WRAPPER:-}" ] && echo "linted"
  } | sha256sum | cut -c1-16)"
  echo "$target_cache_root/sockets-to-services-$key"
}

# The file names of the workspace's own units, as a regular expression: `name-HASH` in
# .fingerprint/ and build/, `name-HASH…` and `libname-HASH…` in deps/ (with `-` as `_`).
workspace_units() {
  cargo metadata --no-deps --format-version 1 --offline 2>/dev/null | python3 -c '
import json, sys
names = {p["name"] for p in json.load(sys.stdin)["packages"]}
names |= {n.replace("-", "_") for n in names}
print("^(lib)?(" + "|".join(sorted(names)) + ")-[0-9a-f]{16}")
'
}

# Restores the cache into $1 (the target folder) if it has no build yet.
target_cache_restore() {
  local target="$1" cache
  [ "${TARGET_CACHE:-on}" != off ] || return 0
  cache="$(target_cache_dir)"
  if [ -d "$target/debug/deps" ]; then
    echo "target cache: $target/debug has a build already; cargo reuses that"
  elif [ -d "$cache" ]; then
    mkdir -p "$target/debug"
    if cp -a --reflink=auto "$cache"/. "$target/debug/"; then
      echo "target cache: the dependencies' builds restored from $cache ($(du -sh "$cache" | cut -f1))"
    else
      # Half a cache is no cache: cargo builds everything, as on a machine set up today.
      rm -rf "$target/debug"
      echo "target cache: $cache could not be restored (above); building from nothing"
    fi
  else
    echo "target cache: none yet for this lock file and toolchain; this run makes it"
  fi
}

# Keeps the dependencies' units of $1/debug as the cache, if there is none for this key yet;
# removes older caches.
target_cache_save() {
  local target="$1" cache units part
  [ "${TARGET_CACHE:-on}" != off ] || return 0
  cache="$(target_cache_dir)"
  [ ! -d "$cache" ] || return 0
  units="$(workspace_units)" || return 0
  [ -n "$units" ] || return 0
  rm -rf "$cache.partial"
  for part in deps build .fingerprint; do
    mkdir -p "$cache.partial/$part"
    (cd "$target/debug/$part" && find . -mindepth 1 -maxdepth 1 -printf '%f\n' | grep -Ev "$units" |
      xargs -r -d '\n' cp -a --reflink=auto -t "$cache.partial/$part/") || { rm -rf "$cache.partial"; return 0; }
  done
  find "$target_cache_root" -mindepth 1 -maxdepth 1 -name 'sockets-to-services-*' \
    ! -name "$(basename "$cache").partial" -exec rm -rf {} +
  mv "$cache.partial" "$cache"
  echo "target cache: the dependencies' builds kept in $cache ($(du -sh "$cache" | cut -f1))"
}
