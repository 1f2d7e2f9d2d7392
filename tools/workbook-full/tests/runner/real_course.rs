//! The runner's checks and a learner's own cargo commands share every dependency's build,
//! and neither undoes the other's.
//!
//! The runner is started by `cargo run -p workbook`, which gives it cargo's variables
//! (`CARGO_MANIFEST_DIR`, …). If it handed them on to the cargo that builds a check,
//! that cargo would see a changed configuration and rebuild ring and all above it; and
//! the next `cargo build` typed in a shell would rebuild them back. This test runs a
//! check of the real course as `cargo run` would (with this test's own environment,
//! which carries cargo's variables in the same way), then builds the same lesson the way
//! a shell does, twice over, and asserts from cargo's own messages that no dependency was
//! compiled again. A check of an exercise whose test does not run the lesson's program
//! leaves the program out (`--no-default-features`), so the shell's build may compile the
//! lesson's own crates once, the program among them; after that, checks and shell builds
//! alternate with nothing compiled at all. It shares the target folder, and so the
//! dependency builds, with the `cargo test` that runs it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// How long a build of the real course may take: seconds once the test command's build is
/// done, minutes from nothing. As long as the test runner gives a test that builds (these
/// run one at a time, in group `cargo-builds`); past it, the runner's report names this wait.
const BUILD_PATIENCE: Duration = testkit::deadline::TEST_THAT_BUILDS;

/// The course this crate belongs to: `tools/workbook-full/../..`.
pub(crate) fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("tools/workbook is two folders below the course")
        .to_path_buf()
}

/// The learner's progress file of the real course, put back as it was when dropped:
/// the checks below are the test's, not the learner's.
struct KeptProgress {
    path: PathBuf,
    before: Option<Vec<u8>>,
}

impl KeptProgress {
    fn keep(root: &Path) -> KeptProgress {
        let path = root.join(".workbook/state.toml");
        let before = fs::read(&path).ok();
        KeptProgress { path, before }
    }
}

impl Drop for KeptProgress {
    fn drop(&mut self) {
        match &self.before {
            Some(bytes) => {
                let _ = fs::write(&self.path, bytes);
            }
            None => {
                let _ = fs::remove_file(&self.path);
            }
        }
    }
}

/// A check through the runner, with this test's environment: what `cargo run -p
/// workbook -- check tcp.echo` does.
fn check(root: &Path) {
    let mut check = Command::new(env!("CARGO_BIN_EXE_workbook-full"));
    check
        .args(["check", "tcp.echo"])
        .current_dir(root)
        .env("NO_COLOR", "1");
    let output = testkit::output_within("`workbook check tcp.echo`", &mut check, BUILD_PATIENCE);
    let text = String::from_utf8_lossy(&output.stdout);
    // Stub or answer, the test must have run: a verdict, not a build failure.
    assert!(
        text.contains("✗ tcp.echo:") || text.contains("✓ tcp.echo passed"),
        "the check did not run its test:\n{text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Whether cargo put `name` in the environment of the program it runs; a shell has
/// none of these.
fn set_by_cargo(name: &str) -> bool {
    ["CARGO_PKG_", "CARGO_BIN_", "CARGO_MANIFEST_"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
        || [
            "CARGO",
            "CARGO_CRATE_NAME",
            "CARGO_PRIMARY_PACKAGE",
            "OUT_DIR",
        ]
        .contains(&name)
}

/// `cargo build -p l01-tcp --test echo` as typed in a shell: the names of the crates it
/// compiled (rather than found fresh).
fn plain_build(root: &Path) -> Vec<String> {
    let mut command = Command::new(env!("CARGO"));
    command
        .args([
            "build",
            "-p",
            "l01-tcp",
            "--test",
            "echo",
            "--message-format=json",
        ])
        .current_dir(root)
        .stdin(Stdio::null());
    for (name, _) in std::env::vars() {
        if set_by_cargo(&name) || name == "LD_LIBRARY_PATH" || name.starts_with("DYLD_") {
            command.env_remove(&name);
        }
    }
    let output = testkit::output_within(
        "`cargo test --no-run` of lesson 01's echo test",
        &mut command,
        BUILD_PATIENCE,
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact" && message["fresh"] != true)
        .map(|message| {
            message["target"]["name"]
                .as_str()
                .unwrap_or("?")
                .to_string()
        })
        .collect()
}

#[test]
fn checks_and_a_shell_s_cargo_share_every_build() {
    // This runs inside `cargo test`, whose variables the runner sees just as it sees
    // `cargo run`'s.
    assert!(std::env::var_os("CARGO_MANIFEST_DIR").is_some());
    let root = course_root();
    let _progress = KeptProgress::keep(&root);

    check(&root);
    let lessons_own = ["l01_tcp", "echo", "l01-tcp"];
    let rebuilt = plain_build(&root);
    assert!(
        rebuilt
            .iter()
            .all(|name| lessons_own.contains(&name.as_str())),
        "cargo rebuilt more than lesson 01's own crates after a check: {rebuilt:?}"
    );
    check(&root);
    assert_eq!(
        plain_build(&root),
        Vec::<String>::new(),
        "cargo rebuilt these after a second check"
    );
}
