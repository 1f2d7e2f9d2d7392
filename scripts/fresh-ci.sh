#!/usr/bin/env bash
# The test command as a new contributor meets it first, measured: a new clone of this
# checkout's HEAD, then `CI=true bash .ci/run` in it, as CI runs it on a machine set up today.
#
#   scripts/fresh-ci.sh           a machine set up today: an empty CARGO_HOME of the run's own
#                                 (every crate downloaded, as a new machine does), the lab's
#                                 Docker images and Docker's build cache removed first
#   scripts/fresh-ci.sh --warm    a machine that has built the course before: this machine's
#                                 own CARGO_HOME (its crates downloaded already, and the
#                                 dependencies' builds a green run kept there, see
#                                 scripts/target-cache.sh) and the lab's images kept; the
#                                 clone is still new, so its target folder starts empty
#   scripts/fresh-ci.sh N [--warm]  N runs in a row, each in a clone of its own
#
# Nothing else is changed: the system's packages are the machine's, and the test command
# installs what it lacks as it would on CI. Only what is committed is in the clone: commit
# first. Each run's whole output, and cargo's report of the build (`--timings`), are kept
# under $FRESH_CI_DIR (default /tmp/fresh-ci); the clone's target folder and a fresh run's
# cargo home (gigabytes) are removed after the run unless FRESH_CI_KEEP=1.
#
# After each run it prints where the time went: the test command's own steps (its table),
# the suite's count, and the crates whose builds took longest.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"

runs=1
warm=""
kind="fresh"
for arg in "$@"; do
  case "$arg" in
    --warm) warm=1 kind="warm" ;;
    '' | *[!0-9]*) echo "usage: scripts/fresh-ci.sh [N] [--warm]" >&2; exit 2 ;;
    *) runs="$arg" ;;
  esac
done

if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no)" ]; then
  echo "note: uncommitted changes are not in the clone; it holds HEAD ($(git -C "$repo" rev-parse --short HEAD))" >&2
fi

base="${FRESH_CI_DIR:-/tmp/fresh-ci}"
mkdir -p "$base"

# The labs' images (lesson 14: its hosts' base, the test's hosts, a service's; lesson 17: its
# nodes' and the course's), and Docker's
# build cache: a machine set up today has none of them.
remove_lab_images() {
  command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1 || return 0
  local images
  images="$(docker images --format '{{.Repository}}:{{.Tag}}' | grep -E '^l1[47]-' || true)"
  if [ -n "$images" ]; then
    echo "removing the lab's images: $(echo "$images" | tr '\n' ' ')"
    # shellcheck disable=SC2086
    docker rmi -f $images >/dev/null
  fi
  docker builder prune -af >/dev/null 2>&1 || true
}

# The crates whose builds took longest, from cargo's --timings report (its UNIT_DATA).
slowest_crates() {
  local report="$1"
  [ -f "$report" ] || return 0
  python3 - "$report" <<'PY'
import json, re, sys
html = open(sys.argv[1], encoding="utf-8").read()
found = re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S)
if not found:
    sys.exit(0)
units = json.loads(found.group(1))
total = sum(u["duration"] for u in units)
print(f"the build's {len(units)} units took {total:.0f} s of CPU in all; the longest:")
for u in sorted(units, key=lambda u: -u["duration"])[:12]:
    what = f'{u["name"]} {u["version"]}' + (f' ({u["target"].strip()})' if u["target"].strip() else "")
    print(f'{u["duration"]:7.1f} s  {what}')
PY
}

summary=()
for run in $(seq 1 "$runs"); do
  stamp="$(date +%Y%m%d-%H%M%S)"
  dir="$base/$stamp-$kind"
  mkdir -p "$dir"
  if [ -n "$warm" ]; then
    cargo_home="${CARGO_HOME:-$HOME/.cargo}"
  else
    cargo_home="$dir/cargo-home"
    remove_lab_images
  fi
  mkdir -p "$cargo_home"
  git clone --quiet --no-hardlinks "$repo" "$dir/course"
  echo "run $run/$runs: $(git -C "$dir/course" rev-parse --short HEAD) in $dir/course," \
    "CARGO_HOME=$cargo_home ($(du -sh "$cargo_home" | cut -f1))"
  started=$SECONDS
  status=0
  (cd "$dir/course" && CI=true CARGO_HOME="$cargo_home" bash .ci/run) >"$dir/ci.log" 2>&1 || status=$?
  took=$((SECONDS - started))
  verdict="green"
  [ "$status" -eq 0 ] || verdict="RED (exit $status)"

  echo "run $run/$runs: $verdict in $took s (its output: $dir/ci.log)"
  sed -n '/==> Where the time went/,$p' "$dir/ci.log" | sed 's/\x1b\[[0-9;]*m//g'
  grep -E '^ +Summary \[|TIMEOUT|^ +FAIL ' "$dir/ci.log" | sed 's/\x1b\[[0-9;]*m//g' | head -20 || true
  report="$dir/course/target/cargo-timings/cargo-timing.html"
  if [ -f "$report" ]; then
    cp "$report" "$dir/cargo-timing.html"
    slowest_crates "$dir/cargo-timing.html"
  fi
  # The run's own cargo home (a fresh run's: its crates, and the target cache the run made)
  # goes too; a warm run's is the machine's, kept.
  if [ -z "${FRESH_CI_KEEP:-}" ]; then
    rm -rf "$dir/course/target"
    [ -n "$warm" ] || rm -rf "$cargo_home"
  fi
  summary+=("$(printf 'run %d: %-16s %5d s  %s' "$run" "$verdict" "$took" "$dir")")
done

echo
echo "$kind runs of $(git -C "$repo" rev-parse --short HEAD):"
printf '%s\n' "${summary[@]}"
printf '%s\n' "${summary[@]}" | grep -q RED && exit 1
exit 0
