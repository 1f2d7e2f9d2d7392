#!/usr/bin/env bash
# Hunts flaky tests: runs the whole test suite N times and prints every test that failed,
# with how many of the N runs it failed in.
#
#   scripts/flaky.sh 10            ten runs
#   scripts/flaky.sh 10 --stress   ten runs while `stress-ng --cpu 2` keeps both cores busy
#                                  (a test that waits on time rather than on an event fails
#                                  first on a busy machine)
#
# The suite is the test command's (`cargo test --workspace --all-features`), built once
# before the first run. Each run's whole output is kept in target/flaky/run-N.log.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-10}"
stress="${2:-}"
case "$runs" in
  '' | *[!0-9]*) echo "usage: scripts/flaky.sh N [--stress]" >&2; exit 2 ;;
esac
logs=target/flaky
mkdir -p "$logs"

# The same build settings as the test command on CI, so that its build is reused.
if [ -n "${CI:-}" ]; then
  export CARGO_INCREMENTAL=0 CARGO_PROFILE_DEV_DEBUG=0
fi
cargo test --locked --workspace --all-features --no-run --quiet

load=""
if [ "$stress" = "--stress" ]; then
  if ! command -v stress-ng >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq stress-ng
  fi
  stress-ng --cpu 2 --quiet &
  load=$!
  trap 'kill "$load" 2>/dev/null || true' EXIT
  echo "load: stress-ng --cpu 2 (pid $load)"
elif [ -n "$stress" ]; then
  echo "usage: scripts/flaky.sh N [--stress]" >&2
  exit 2
fi

for run in $(seq 1 "$runs"); do
  started=$SECONDS
  if cargo test --locked --workspace --all-features --no-fail-fast >"$logs/run-$run.log" 2>&1; then
    verdict=passed
  else
    verdict=failed
  fi
  echo "run $run/$runs: $verdict in $((SECONDS - started)) s"
done

# Each failed test, named with the test binary it is in ("Running tests/x.rs (…)" comes
# before a binary's results), counted once per run.
echo
echo "failed in how many of $runs runs:"
for run in $(seq 1 "$runs"); do
  awk '
    /^ +Running / { binary = $2 }
    /^test .* \.\.\. FAILED$/ { sub(/^test /, ""); sub(/ \.\.\. FAILED$/, ""); print binary " " $0 }
    /^error: test failed, to rerun pass/ { print "(binary) " $0 }
  ' "$logs/run-$run.log" | sort -u
done | sort | uniq -c | sort -rn | awk '{ n = $1; $1 = ""; printf "%4d  %s\n", n, substr($0, 2) } END { if (NR == 0) print "   none" }'
