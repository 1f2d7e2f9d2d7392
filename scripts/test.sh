#!/usr/bin/env bash
# The workbook's test command, for CI and for people.
#
# 1. Installs what the tests need from the system's packages when it is missing
#    (redis-server, OpenSSL headers, pkg-config, Python's py-consul client, for lesson
#    11 etcd, etcdctl and protoc, for lesson 12 nats-server; Chromium and a CJK font for the browser check).
# 2. Checks formatting.
# 3. Builds and runs the tools' own tests and every lesson's tests with the solutions
#    switched in, clippy's lints checked as it builds (-D warnings).
# 4. Runs `workbook-dev verify` (the maintainers' checks): every exercise fails on its stub and passes on its solution,
#    every exercise has a hint and a TODO, and every book include resolves; beside the
#    tests of step 3 once its own builds are done.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step's seconds, printed at the end so the next person sees where the time goes.
timings=()
step_name=""
step_start=$SECONDS
step_end() {
  if [ -n "$step_name" ]; then timings+=("$(printf '%5d s  %s' $((SECONDS - step_start)) "$step_name")"); fi
  step_name=""
}
step() {
  step_end
  step_name="$*"
  step_start=$SECONDS
  printf '\n\033[1m==> %s\033[0m\n' "$*"
}
print_timings() {
  step_end
  printf '\n\033[1m==> Where the time went\033[0m\n'
  printf '%s\n' "${timings[@]}"
  printf '%5d s  in all\n' "$SECONDS"
}
trap print_timings EXIT

# --- what the tests need from the system ----------------------------------------------------
source scripts/needs.sh

# --- the build's footprint ------------------------------------------------------------------
# A one-off build gains nothing from incremental caches or debug info, and both cost disk
# (a clean build of the workspace's tests is about half the size without them). People
# running this script keep their usual settings, so it reuses their builds.
if [ -n "${CI:-}" ]; then
  export CARGO_INCREMENTAL=0 CARGO_PROFILE_DEV_DEBUG=0
fi
df -h . | awk 'NR == 2 { print "disk: " $4 " free on " $6 }'

# --- formatting ----------------------------------------------------------------------------
step "cargo fmt --check"
cargo fmt --all --check

# --- lints, as the course is built ---------------------------------------------------------
# `cargo clippy` is `cargo check` with clippy-driver compiling the workspace's own crates.
# clippy-driver is rustc with more lints and builds what rustc builds (clippy's README,
# "Using Clippy as a rustc wrapper"), so every build below is made through it: each crate
# of the course is linted as it is compiled, and the dependencies are compiled once, for the
# tests, not a second time for `cargo check` (2½ of CI's minutes on two cores). CLIPPY_ARGS
# is how `cargo clippy -- -D warnings` hands its lint levels to the driver. The solutions
# and the tools are linted by the test build, the learner's stubs by verify's stub build
# (a warning there is an error, and verify fails on it).
if driver="$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver)"; then
  export RUSTC_WORKSPACE_WRAPPER="$driver"
  export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
else
  echo "clippy-driver is missing: rustup component add clippy" >&2
  exit 1
fi

# --- tests ----------------------------------------------------------------------------------
step "cargo build of every target, linted (tools, and every lesson with its solutions)"
# Every target `cargo clippy --all-targets` would lint, benches included (built, not run).
cargo test --locked --workspace --all-features --all-targets --no-run

# verify and the test suite, side by side. verify builds first (the stubs, the isolation
# probe, then the solutions, which put the answers' programs back in target/debug); from then
# on it only runs what is built and reads, mostly waiting on the servers it starts and on a
# browser, so the suite runs beside it. Its report is printed after the suite's.
# The build above made workbook-dev with every feature (`browser-check`, the check of the
# book's pages in headless Chromium, among them) in the workspace's build. `cargo run -p
# workbook-dev` would select it alone, resolve anew the features of the crates it shares
# with the lessons (micro, shared, testkit, workbook-full) and build them all a second time.
# The tools the chapters run (devconsul, grpc-fast) were built above with the workspace's
# features: verify runs them as they are instead of building them alone, with other features.
step "what the tests need, installed in the background since the start"
wait_for_test_needs

step "workbook-dev verify's builds (the stubs, the isolation probe, the solutions)"
target="${CARGO_TARGET_DIR:-target}"
built_note="$target/verify-built"
verify_log="$target/verify.log"
rm -f "$built_note"
# At a lower priority: what verify runs beside the suite mostly waits, and the suite holds
# time bounds (the lab's p99) that a machine shared with verify's programs must still meet.
TOOLS_BUILT_WITH_THE_WORKSPACE=1 nice -n 10 "$target/debug/workbook-dev" verify \
  --built-note "$built_note" >"$verify_log" 2>&1 &
verify=$!
# Its builds are shown as they go; the rest of its report waits for the suite's to end.
tail -n +1 -f --pid "$verify" "$verify_log" &
showing=$!
until [ -s "$built_note" ] || ! kill -0 "$verify" 2>/dev/null; do sleep 0.5; done
kill "$showing" 2>/dev/null || true
wait "$showing" 2>/dev/null || true
shown=$(wc -c <"$verify_log")

step "the tests (cargo nextest where it is installed, else cargo test), beside the rest of verify"
source scripts/suite.sh
failed=0
run_suite || failed=1

step "the rest of workbook-dev verify (solutions passing, the transcripts, the book)"
wait "$verify" || failed=1
tail -c +$((shown + 1)) "$verify_log"

du -sh "$target" 2>/dev/null | awk '{ print "target/: " $1 }'
exit $failed
du -sh target 2>/dev/null | awk '{ print "target/: " $1 }'
