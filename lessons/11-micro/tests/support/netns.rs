//! Running a test inside a network namespace of its own, so that its multicast never leaves
//! the machine: the namespace has only a loopback interface, brought up with multicast on
//! and a route for 224.0.0.0/4.
//!
//! The test re-runs its own test binary, filtered to itself, under `unshare --net` (as root),
//! with [`INSIDE`] set; there the same test finds the variable and runs its body. Where no
//! namespace can be made (not root, no `unshare`, not Linux), the test says why and passes.

/// Set in the environment of the test binary run inside the namespace.
pub const INSIDE: &str = "L11_MICRO_IN_NETNS";

/// What brings the namespace's loopback up for multicast, then runs the test binary.
const SETUP: &str =
    "ip link set lo up multicast on && ip route add 224.0.0.0/4 dev lo && exec \"$@\"";

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
    if std::env::var_os(INSIDE).is_some() {
        return true;
    }
    if let Some(why) = cannot_make_one() {
        eprintln!("skipped {test}: {why}; it runs only inside a network namespace of its own");
        return false;
    }
    let binary = std::env::current_exe().expect("the test binary's path");
    let mut inside = std::process::Command::new("unshare");
    inside
        .args(["--net", "--", "sh", "-c", SETUP, "sh"])
        .arg(binary)
        .args([test, "--exact", "--nocapture", "--test-threads", "1"])
        .env(INSIDE, "1");
    let output = testkit::output_within(
        &format!("{test} inside its network namespace"),
        &mut inside,
        runner_deadline,
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{test} failed inside its network namespace:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("1 passed"),
        "{test} did not run inside its network namespace:\n{stdout}\n{stderr}"
    );
    false
}

/// Why no namespace can be made here, if none can.
fn cannot_make_one() -> Option<String> {
    if !cfg!(target_os = "linux") {
        return Some("network namespaces are Linux's".into());
    }
    let probe = std::process::Command::new("unshare")
        .args(["--net", "--", "ip", "link", "set", "lo", "up"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map(|probe| {
            testkit::child_output_within(
                "`unshare --net ip link set lo up`",
                probe,
                testkit::PATIENCE,
            )
        });
    match probe {
        Ok(output) if output.status.success() => None,
        Ok(output) => Some(format!(
            "`unshare --net ip link set lo up` failed (it needs root): {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )),
        Err(error) => Some(format!("cannot run `unshare` (util-linux): {error}")),
    }
}
