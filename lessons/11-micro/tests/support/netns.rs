//! Running a test inside a network namespace of its own, so that its multicast never leaves
//! the machine: the namespace has only a loopback interface, brought up with multicast on
//! and a route for 224.0.0.0/4.
//!
//! `testkit::netns` re-runs the test binary, filtered to the test, under `unshare --net` (as
//! root); where no namespace can be made (not root, no `unshare`, not Linux), the test says
//! why and passes.

/// What brings the namespace's loopback up for multicast.
const SETUP: &str = "ip link set lo up multicast on && ip route add 224.0.0.0/4 dev lo";

/// True inside the namespace: run the test's body. Outside, runs `test` (its name, as the
/// test binary filters it) in a new namespace, fails if it fails there, and returns false.
/// The run inside may take as long as the test runner gives a test of no group of its own
/// (`testkit::deadline::TEST`).
pub fn inside(test: &str) -> bool {
    inside_within(test, testkit::deadline::TEST)
}

/// [`inside`], for a test that builds crates with cargo inside its namespace: the run
/// inside may take as long as the test runner gives such a test
/// (`testkit::deadline::TEST_THAT_BUILDS`), since its build waits for cargo's lock and,
/// on a machine set up today, for crates to download.
pub fn inside_a_test_that_builds(test: &str) -> bool {
    inside_within(test, testkit::deadline::TEST_THAT_BUILDS)
}

fn inside_within(test: &str, runner_deadline: std::time::Duration) -> bool {
    testkit::netns::inside(test, SETUP, runner_deadline)
}
