# The whole test suite, run one way for `test.sh` and `flaky.sh` (sourced by both).
#
# With cargo-nextest (https://nexte.st) on the machine, the test binaries run side by side,
# each test in a process of its own: most of the suite's time is spent waiting on servers
# and processes the tests start, and `cargo test` runs its ~160 binaries one after another.
# nextest does not run doc tests, nor the two binaries that bring their own `main`
# (`harness = false`: each sets a process-wide environment variable alone); `cargo test`
# runs those. Without nextest, `cargo test` runs everything.
#
# run_suite: every test of the workspace with every feature (the lessons' solutions switched
# in), as `flaky.sh` runs it. Returns non-zero if any test failed. The test command runs its
# parts itself (`run_nextest`, `run_own_main_and_doc_tests`), so as to run lesson 17's swarm
# story apart, beside verify.

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

# Lesson 17's swarm story: the one test the test command runs apart from the rest, beside
# verify (test.sh says why); `run_suite` runs it with the rest.
swarm_story='package(l17-orchestrate) & binary(swarm_lab)'

have_nextest() {
  cargo nextest --version >/dev/null 2>&1
}

# exec_nextest FILTER [ARGS…]: becomes nextest running the tests FILTER selects, side by side
# (`exec`: a signal sent to this process reaches nextest itself, which passes it on to its
# tests); --no-fail-fast, so a red run names every test that failed, not only the first
# binary's. run_nextest: the same, as a command that returns.
exec_nextest() {
  local filter="$1"
  shift
  # Three tests a core: most of a test's time is spent waiting on what it started (on 2
  # cores, the suite takes 124 s with 6 at once, 168 s with 4, and more with 2).
  exec cargo nextest run --locked --workspace --all-features --no-fail-fast \
    --test-threads "$((3 * $(nproc 2>/dev/null || echo 2)))" \
    --failure-output final -E "$filter" "$@"
}

run_nextest() {
  (exec_nextest "$@")
}

# What nextest does not run: the binaries with a `main` of their own, and the doc tests.
run_own_main_and_doc_tests() {
  local failed=0 own=() name
  for name in "${own_main_tests[@]}"; do own+=(--test "$name"); done
  # Each of these takes seconds once built; the doc tests are compiled here, about a minute.
  bounded 120s cargo test --locked --workspace --all-features --no-fail-fast "${own[@]}" || failed=1
  bounded 300s cargo test --locked --workspace --all-features --no-fail-fast --doc || failed=1
  return $failed
}

# Everything nextest runs but the binaries with their own `main`, and but the swarm's story
# too when asked (`but_the_story`).
nextest_filter() {
  local skip="" name
  for name in "${own_main_tests[@]}"; do
    skip="${skip:+$skip | }binary($name)"
  done
  if [ "${1:-}" = but_the_story ]; then
    echo "not ($skip | ($swarm_story))"
  else
    echo "not ($skip)"
  fi
}

run_suite() {
  if have_nextest; then
    local failed=0
    run_nextest "$(nextest_filter)" || failed=1
    run_own_main_and_doc_tests || failed=1
    return $failed
  else
    # One binary after another, the lab's story among them: about a quarter of an hour.
    bounded 40m cargo test --locked --workspace --all-features --no-fail-fast
  fi
}
