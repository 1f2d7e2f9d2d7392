#!/usr/bin/env bash
# The workbook's test command, for CI and for people.
#
# 1. Installs what the tests need from the system's packages when it is missing
#    (redis-server, OpenSSL headers, pkg-config, Python's py-consul client, for lesson
#    11 etcd, etcdctl and protoc, for lesson 12 nats-server; Chromium and a CJK font for the browser check;
#    Go and grpc-go for micro's test against a Go peer over mutual TLS).
# 2. Checks formatting.
# 3. Builds and runs the tools' own tests and every lesson's tests with the solutions
#    switched in, clippy's lints checked as it builds (-D warnings).
# 4. Runs `workbook-dev verify` (the maintainers' checks): every exercise fails on its stub and passes on its solution,
#    every exercise has a hint and a TODO, and every book include resolves; beside lesson
#    17's swarm story, the suite's last test.
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
# Ctrl-C (or TERM) ends the test command: once what runs in the foreground has ended (cargo,
# verify), the run stops there, with the status of a program a signal ended, rather than go
# on to its next step as if that step had failed.
trap 'exit 130' INT
trap 'exit 143' TERM

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

# --- the dependencies' builds of an earlier run on this machine -----------------------------
# On CI, a new clone on a machine that has built the course before starts from that run's
# builds of the dependencies (scripts/target-cache.sh says how, and why it is safe). Its
# cache is chosen by the build's settings, so this comes after the lints' wrapper is set.
target="${CARGO_TARGET_DIR:-target}"
if [ -n "${CI:-}" ]; then
  source scripts/target-cache.sh
  step "the dependencies' builds of an earlier run"
  target_cache_restore "$target"
fi

# --- tests ----------------------------------------------------------------------------------
step "cargo build of every target, linted (tools, and every lesson with its solutions)"
# Every target `cargo clippy --all-targets` would lint, benches included (built, not run).
# On CI, cargo's report of where the build's time went is kept as
# target/cargo-timings/cargo-timing.html (scripts/fresh-ci.sh lists its longest crates).
cargo test --locked --workspace --all-features --all-targets --no-run ${CI:+--timings}

step "what the tests need, installed in the background since the start"
wait_for_test_needs

step "the tests (cargo nextest where it is installed, else cargo test)"
source scripts/suite.sh
failed=0
# The suite's report of this run, and none older, is what verify reads below.
junit="$target/nextest/default/junit.xml"
rm -f "$junit"

# The build above made workbook-dev with every feature (`browser-check`, the check of the
# book's pages in headless Chromium, among them) in the workspace's build. `cargo run -p
# workbook-dev` would select it alone, resolve anew the features of the crates it shares
# with the lessons (micro, shared, testkit, workbook-full) and build them all a second time.
# The tools the chapters run (devconsul, grpc-fast) were built above with the workspace's
# features: verify runs them as they are instead of building them alone, with other features.
# The solutions' side is the suite's own run of the same build, read from nextest's report
# (verify runs them itself where the report lacks one: no nextest, or a suite cut short).
verify() {
  TOOLS_BUILT_WITH_THE_WORKSPACE=1 "$target/debug/workbook-dev" verify --solutions-from "$junit" "$@"
}

if ! have_nextest; then
  run_suite || failed=1
  step "workbook-dev verify (stubs linted and failing, solutions passing, hints, TODOs, the book)"
  verify || failed=1
else
  run_nextest "$(nextest_filter but_the_story)" || failed=1

  step "lesson 17's swarm story, beside the doc tests and workbook-dev verify"
  # The swarm's story takes five minutes and, alone, half of two cores: it waits on its five
  # engines, on the swarm's timers and on its load. Run alone after the suite, it left the
  # other half idle for its length, and verify's builds took as long again after it. So the
  # story runs beside what comes after the suite, with two rules, as it holds every fault
  # to no failed call:
  #
  # - What runs beside it runs at the idle priority (SCHED_IDLE, `chrt --idle`): it gets a
  #   core only when the story's load, its nodes' engines and their replicas leave one.
  #   Beside a build of two jobs so scheduled, the story lost no call; beside a build at nice
  #   19 and verify's own labs, it lost calls twice in three runs (3 of 450, 8 of 634, in a
  #   drain): nice weighs a process only against the processes of its own control group,
  #   and Docker's containers are a group of their own. Once the story is done, verify
  #   goes back to the usual priority (its `priority.rs`): its own lab chapters' engines,
  #   in Docker at the usual priority, left a chapter's programs at the idle one without a
  #   core for seconds.
  # - No other lab beside it: verify's lab chapters (14's hosts, 17's swarm) wait until the
  #   story is done (`--labs-after`, a lock the story holds), as their engines would share
  #   Docker's part of the machine with the story's. Chapter 17's block of faults is the
  #   story's own commands: verify reads from the story's report that it ran them
  #   (`--story-from`), rather than run each fault again on a swarm of its own.
  #
  # verify builds lesson 11 with its stubs meanwhile, in target/debug, where the story finds
  # the l11-micro it puts in the course's image: the story gets a copy of the solutions'.
  # Its report is its own (nextest's profile `swarm-story`), apart from the suite's, which
  # verify reads meanwhile; what it prints is shown when it ends.
  story_dir="$(cd "$target" && pwd)/swarm-story"
  mkdir -p "$story_dir"
  # Its report of this run, and none older: verify reads there which of chapter 17's lab
  # commands the story ran (each fault the chapter lists), and does not run them again on
  # its own swarm.
  story_junit="$target/nextest/swarm-story/junit.xml"
  rm -f "$story_junit"
  cp "$target/debug/l11-micro" "$story_dir/l11-micro"
  lock="$story_dir/lab.lock"
  # The lock is taken here, before verify starts, and held by the story's subshell (fd 8)
  # until the story ends; nextest and the tests get no copy of it, so nothing the story
  # leaves running could hold it.
  exec 8>"$lock"
  flock 8
  (
    export L17_MICRO_BINARY="$story_dir/l11-micro"
    exec_nextest "$swarm_story" --profile swarm-story 8>&- &
    nextest=$!
    # Ended early (the test command's end, below): nextest takes the swarm down, then ends.
    trap 'kill -TERM "$nextest" 2>/dev/null' TERM
    status=0
    wait "$nextest" || status=$?
    while kill -0 "$nextest" 2>/dev/null; do wait "$nextest" || status=$?; done
    exit "$status"
  ) >"$story_dir/story.log" 2>&1 &
  story=$!
  exec 8>&-
  # A test command ended early ends the story too: nextest takes its swarm down.
  trap 'kill -TERM "$story" 2>/dev/null && wait "$story"; print_timings' EXIT
  (
    # The idle priority, for this subshell and everything it starts (cargo, rustc, the
    # chapters' programs, Chromium).
    chrt --idle -p 0 "$BASHPID" >/dev/null ||
      echo "note: verify runs at the usual priority (chrt --idle failed)" >&2
    # A subshell starts with the signals' usual handling: Ctrl-C ends it here too.
    trap 'exit 130' INT
    status=0
    run_own_main_and_doc_tests || status=1
    printf '\n\033[1m==> workbook-dev verify (stubs linted and failing, solutions passing, hints, TODOs, the book)\033[0m\n'
    verify --labs-after "$lock" --story-from "$story_junit" || status=1
    exit $status
  ) || failed=1
  printf "\n\033[1m==> lesson 17's swarm story (%s)\033[0m\n" "$story_dir/story.log"
  wait "$story" || failed=1
  trap print_timings EXIT
  cat "$story_dir/story.log"
fi

du -sh "$target" 2>/dev/null | awk '{ print "target/: " $1 }'
# A green run's builds of the dependencies, for the next clone (once per lock file).
if [ -n "${CI:-}" ] && [ "$failed" -eq 0 ]; then
  step "the dependencies' builds kept for the next run"
  target_cache_save "$target"
fi
exit $failed
