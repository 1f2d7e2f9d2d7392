# The whole test suite, run one way for `test.sh` and `flaky.sh` (sourced by both).
#
# With cargo-nextest (https://nexte.st) on the machine, the test binaries run side by side,
# each test in a process of its own: most of the suite's time is spent waiting on servers
# and processes the tests start, and `cargo test` runs its ~160 binaries one after another.
# nextest does not run doc tests, nor the two binaries that bring their own `main`
# (`harness = false`: each sets a process-wide environment variable alone); `cargo test`
# runs those. Without nextest, `cargo test` runs everything.
#
# run_suite: every test of the workspace with every feature (the
# lessons' solutions switched in); --no-fail-fast, so a red run names every test that
# failed, not only the first binary's. Returns non-zero if any test failed. With
# --but-lab-stories, every test but the lab stories, which the test command runs beside the
# rest (`start_lab_stories`, below).

# The binaries with a `main` of their own (`harness = false` in their Cargo.toml).
own_main_tests=(consul_address_env consul_binary)

# Every test ends by a deadline. nextest ends each test of its own (`slow-timeout` in
# .config/nextest.toml); what `cargo test` runs has no deadline per test, so the command
# as a whole gets one: `timeout` ends it and every process it started (its process group),
# SIGTERM first, so that testkit names what each test was waiting for, then SIGKILL.
# bounded LIMIT COMMAND…: runs COMMAND, and says so when LIMIT ended it.
bounded() {
  local limit="$1" status=0
  shift
  timeout --kill-after=10s "$limit" "$@" || status=$?
  if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
    echo "TIMEOUT: \`$*\` was still running after $limit and was ended" >&2
  fi
  return "$status"
}

run_suite() {
  if has_nextest; then
    local failed=0 skip="" name
    for name in "${own_main_tests[@]}"; do
      skip="${skip:+$skip | }binary($name)"
    done
    if [ "${1:-}" = --but-lab-stories ]; then
      skip="$skip | $lab_stories"
    fi
    # Three tests a core: most of a test's time is spent waiting on what it started (on 2
    # cores, the suite takes 124 s with 6 at once, 168 s with 4, and more with 2).
    cargo nextest run --locked --workspace --all-features --no-fail-fast \
      --test-threads "$((3 * $(nproc 2>/dev/null || echo 2)))" \
      --failure-output final -E "not ($skip)" || failed=1
    local own=()
    for name in "${own_main_tests[@]}"; do own+=(--test "$name"); done
    # Each of these takes seconds once built; the doc tests are compiled here, about a minute.
    bounded 120s cargo test --locked --workspace --all-features --no-fail-fast "${own[@]}" || failed=1
    bounded 300s cargo test --locked --workspace --all-features --no-fail-fast --doc || failed=1
    return $failed
  else
    # One binary after another, the lab's story among them: about a quarter of an hour.
    bounded 40m cargo test --locked --workspace --all-features --no-fail-fast
  fi
}

# --- the lab stories, beside the rest (test.sh) ---------------------------------------------
# The suite's longest path is its two lab stories, one after the other (the `docker-labs`
# group: lesson 14's lab, then lesson 17's swarm), and most of their time is spent waiting on
# Docker. The test command runs them in a nextest run of their own (profile `labs`), started
# with the rest of the suite, so that verify, which starts when the rest is over, builds the
# stubs while the swarm's story waits on its nodes, instead of after it. Verify's own labs
# (chapters 14 and 17) wait for the stories to end: the run holds target/docker-labs.lock,
# which verify takes before it brings up a lab, so one lab's load at a time shares the
# machine with verify's builds. And verify starts only once lesson 14's story is over: its
# stub build replaces the lessons' programs in target/debug, `l14-deploy` among them, which
# that story runs to its end; the swarm's story took what it needs of target/debug when it
# built its images, at its start.
lab_stories='(package(l14-deploy) & binary(lab) & not test(/^the_consul_lab/)) | (package(l17-orchestrate) & binary(swarm_lab))'
first_lab_story='l14-deploy::lab the_lab_comes_up'

has_nextest() { cargo nextest --version >/dev/null 2>&1; }

# start_lab_stories: the lab stories in the background, their output in
# target/lab-stories.log; `wait_lab_stories` waits for them and prints it.
start_lab_stories() {
  local target="${CARGO_TARGET_DIR:-target}"
  lab_stories_log="$target/lab-stories.log"
  # -o: the lock is flock's own while nextest runs, not inherited by what the tests start.
  flock -o "$target/docker-labs.lock" \
    cargo nextest run --locked --workspace --all-features --no-fail-fast --profile labs \
    --test-threads 2 --failure-output final -E "$lab_stories" >"$lab_stories_log" 2>&1 &
  lab_stories_pid=$!
}

# Waits until lesson 14's lab story has ended (nextest printed its result), or the run of
# the stories has; each story's deadline is nextest's to keep.
wait_for_first_lab_story() {
  local ended='^ *(PASS|FAIL|TIMEOUT|SIGTERM|SIGKILL|SIGSEGV|SIGABRT|ABORT|LEAK[A-Z-]*) +\['
  while kill -0 "$lab_stories_pid" 2>/dev/null; do
    if grep -Eq "$ended.*$first_lab_story" "$lab_stories_log" 2>/dev/null; then
      return 0
    fi
    sleep 2
  done
}

# Waits for the lab stories and prints what their run printed; fails if one failed.
wait_lab_stories() {
  local status=0
  wait "$lab_stories_pid" || status=$?
  cat "$lab_stories_log"
  return "$status"
}
