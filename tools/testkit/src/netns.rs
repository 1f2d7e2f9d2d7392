//! Running a test inside a network namespace of its own, whose only interface is its
//! loopback: what the test starts reaches nothing beyond the machine (lesson 11's
//! multicast never leaves it; the room's mirror is proved to need no network but the
//! teacher's).
//!
//! The test re-runs its own test binary, filtered to itself, under `unshare --net` (as root),
//! with [`INSIDE`] set, after `setup` (a shell line, `ip link set lo up` and whatever else the
//! test needs); there the same test finds the variable and runs its body. Where no namespace
//! can be made (not root, no `unshare`, not Linux), the test says why and passes.

use std::time::Duration;

/// Set in the environment of the test binary run inside the namespace.
pub const INSIDE: &str = "TESTKIT_IN_NETNS";

/// The least setup: the loopback up.
pub const LOOPBACK_UP: &str = "ip link set lo up";

/// True inside the namespace: run the test's body. Outside, runs `test` (its name, as the
/// test binary filters it) in a new namespace set up by the shell line `setup`, fails if it
/// fails there, and returns false. The run inside may take `runner_deadline` (the test
/// runner's deadline for such a test).
pub fn inside(test: &str, setup: &str, runner_deadline: Duration) -> bool {
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
        .args(["--net", "--", "sh", "-c"])
        .arg(format!("{setup} && exec \"$@\""))
        .arg("sh")
        .arg(binary)
        .args([test, "--exact", "--nocapture", "--test-threads", "1"])
        .env(INSIDE, "1");
    let output = crate::output_within(
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
    // What the test said of itself inside (its figures), passed on as its own.
    eprint!("{stderr}");
    false
}

/// Why no namespace can be made here, if none can.
pub fn cannot_make_one() -> Option<String> {
    if !cfg!(target_os = "linux") {
        return Some("network namespaces are Linux's".into());
    }
    let probe = std::process::Command::new("unshare")
        .args(["--net", "--", "ip", "link", "set", "lo", "up"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map(|probe| {
            crate::child_output_within("`unshare --net ip link set lo up`", probe, crate::PATIENCE)
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
