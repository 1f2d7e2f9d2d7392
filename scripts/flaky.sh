#!/usr/bin/env bash
# Hunts flaky tests: runs the whole test suite N times and prints every test that failed,
# with how many of the N runs it failed in.
#
#   scripts/flaky.sh 10            ten runs
#   scripts/flaky.sh 10 --stress   ten runs on a machine as loaded as a person's: stress-ng
#                                  keeps both cores busy (--cpu 2), 2 GB of memory in use
#                                  and rewritten (--vm 1 --vm-bytes 2G), and the disk busy
#                                  with syncs and writes (--io 1 --hdd 1, in the temporary
#                                  folder); a test that waits on time rather than on an
#                                  event fails first on a busy machine
#
# The suite is the test command's (`run_suite` in suite.sh: nextest where it is installed),
# built once before the first run. Each run's whole output is kept in target/flaky/run-N.log.
#
# It also finds tests that come near their deadline: nextest runs with the `flaky` profile
# (.config/nextest.toml), whose deadlines are half the suite's, so a test that takes half
# its deadline here fails as TIMEOUT and is listed with the others. After the runs, the
# slowest tests are listed with their longest time over all runs (from nextest's JUnit
# report of each run, kept as target/flaky/run-N.xml).
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
# On a machine set up today, the same packages as the test command (redis, etcd, protoc, …).
source scripts/needs.sh
source scripts/suite.sh
cargo test --locked --workspace --all-features --all-targets --no-run --quiet
wait_for_test_needs

load=""
if [ "$stress" = "--stress" ]; then
  if ! command -v stress-ng >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq stress-ng
  fi
  # CPU, memory and disk together, as a person's machine is loaded (a browser, an editor,
  # a build); the disk's files go to the temporary folder, not the checkout.
  stressors=(--cpu 2 --vm 1 --vm-bytes 2G --io 1 --hdd 1)
  stress-ng "${stressors[@]}" --temp-path "${TMPDIR:-/tmp}" --quiet &
  load=$!
  trap 'kill "$load" 2>/dev/null || true' EXIT
  echo "load: stress-ng ${stressors[*]} (pid $load)"
elif [ -n "$stress" ]; then
  echo "usage: scripts/flaky.sh N [--stress]" >&2
  exit 2
fi

export NEXTEST_PROFILE=flaky
junit="${CARGO_TARGET_DIR:-target}/nextest/flaky/junit.xml"
for run in $(seq 1 "$runs"); do
  started=$SECONDS
  rm -f "$junit"
  if run_suite >"$logs/run-$run.log" 2>&1; then
    verdict=passed
  else
    verdict=failed
  fi
  [ -f "$junit" ] && cp "$junit" "$logs/run-$run.xml"
  echo "run $run/$runs: $verdict in $((SECONDS - started)) s"
done

# Each test's longest time over the runs, the slowest fifteen.
echo
echo "the slowest tests (longest time over $runs runs; the flaky profile's deadline is half the suite's):"
python3 - "$logs" "$runs" <<'PY'
import sys, xml.etree.ElementTree as tree
logs, runs = sys.argv[1], int(sys.argv[2])
longest = {}
for run in range(1, runs + 1):
    try:
        suites = tree.parse(f"{logs}/run-{run}.xml").getroot()
    except (OSError, tree.ParseError):
        continue
    for case in suites.iter("testcase"):
        name = f"{case.get('classname')} {case.get('name')}"
        longest[name] = max(longest.get(name, 0.0), float(case.get("time") or 0))
for name, seconds in sorted(longest.items(), key=lambda item: -item[1])[:15]:
    print(f"{seconds:7.1f} s  {name}")
if not longest:
    print("   no JUnit report (is cargo-nextest installed?)")
PY

# Each failed test, counted once per run: nextest names it with its crate and binary
# ("FAIL [ 1.2s] workbook::runner real_course::x"); cargo test's "test x ... FAILED" is
# named with the binary whose "Running tests/x.rs (…)" came before it. A run whose suite
# did not build (the checkout changed under it) counts as the crate that did not compile.
echo
echo "failed in how many of $runs runs:"
for run in $(seq 1 "$runs"); do
  awk '
    /^ +(FAIL|TIMEOUT|SIGSEGV|SIGABRT|SIGKILL|LEAK-FAIL) \[/ { sub(/^ +[A-Z-]+ \[[^]]*\] +/, ""); print; next }
    /^ +Running / { binary = $2 }
    /^test .* \.\.\. FAILED$/ { sub(/^test /, ""); sub(/ \.\.\. FAILED$/, ""); print binary " " $0 }
    /^error: test failed, to rerun pass/ { print "(binary) " $0 }
    /^error: could not compile / { print "(build) " $0 }
  ' "$logs/run-$run.log" | sort -u
done | sort | uniq -c | sort -rn | awk '{ n = $1; $1 = ""; printf "%4d  %s\n", n, substr($0, 2) } END { if (NR == 0) print "   none" }'
