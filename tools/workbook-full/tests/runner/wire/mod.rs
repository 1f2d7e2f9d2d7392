//! `workbook wire` from outside: the lessons' own servers and clients talk through the
//! relay as a learner's would, the calls succeed, and the relay's feed (what the book
//! server's `/wire` page reads) holds each message decoded. A client sending garbage leaves
//! the relay and the server up.
//!
//! The lessons' binaries are built once, with their reference answers, as the `cargo test
//! --workspace --all-features` that runs this test builds them.
//!
//! Here: the lessons' executables and their clients (run to the end, or a `Background`
//! one until Ctrl-C), shared with `wire_chapters`; `relay` starts a relay and reads its
//! feed; `calls` holds each lesson's calls going through, `garbage` what a broken client
//! sends.

mod calls;
mod garbage;
mod relay;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout};

pub(crate) use crate::real_course::course_root;

/// How long the feed may take to show what a test waits for.
pub(crate) const PATIENCE: Duration = Duration::from_secs(20);

/// Lessons 01, 02, 03, 05, 12 and 13's executables, built once, as the test command's build
/// made them: every package of the workspace with every feature (their answers in). A
/// selection of these six alone would resolve the features of the crates they share anew
/// and build them a second time, which took half a minute of the suite's two cores.
pub(crate) fn lesson(package: &str) -> PathBuf {
    static BUILT: OnceLock<HashMap<String, PathBuf>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        // As a shell would run it: none of the variables cargo gave this test, and every
        // one of the shell's own (CARGO_INCREMENTAL, CARGO_PROFILE_*…), so that it finds
        // the test command's build as it is.
        let mut command = workbook_core::environment::cargo();
        command.current_dir(course_root()).args([
            "build",
            "--workspace",
            "--all-features",
            "--bins",
            "--message-format=json-render-diagnostics",
        ]);
        // The build's progress goes where this test's output goes.
        let build = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cargo runs");
        // Mostly done by the test command's own build, so that it waits for little but
        // cargo's lock, which a test that builds may hold for minutes: the deadline of a
        // build (nextest.toml gives these tests the same).
        let output = testkit::child_output_within(
            "`cargo build --bins` of the lessons",
            build,
            testkit::deadline::TEST_THAT_BUILDS,
        );
        assert!(output.status.success(), "the lessons do not build");
        let mut found = HashMap::new();
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Ok(message) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            if let (Some(name), Some(executable)) = (
                message["target"]["name"].as_str(),
                message["executable"].as_str(),
            ) {
                found.insert(name.to_string(), PathBuf::from(executable));
            }
        }
        found
    });
    built[package].clone()
}

/// Runs a lesson's client to the end; its standard output.
pub(crate) fn client(package: &str, args: &[&str]) -> String {
    client_output(package, args).0
}

/// Runs a lesson's client to the end; its standard output and its log (standard error).
pub(crate) fn client_output(package: &str, args: &[&str]) -> (String, String) {
    let mut client = Command::new(lesson(package));
    client.args(args);
    let output = testkit::output_within(
        &format!("`{package} {}`", args.join(" ")),
        &mut client,
        PATIENCE,
    );
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "{package} {args:?} failed:\n{stdout}{stderr}"
    );
    (stdout, stderr)
}

/// A lesson's client that runs until Ctrl-C, beside the others: a subscriber.
pub(crate) struct Background {
    child: Child,
    stdout: Lines<BufReader<ChildStdout>>,
    /// What it has printed so far.
    pub(crate) printed: Vec<String>,
}

impl Background {
    pub(crate) fn start(package: &str, args: &[impl AsRef<std::ffi::OsStr>]) -> Background {
        let mut child = tokio::process::Command::new(lesson(package))
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the client runs");
        let stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        Background {
            child,
            stdout,
            printed: Vec::new(),
        }
    }

    /// Reads what it prints until it has printed `count` lines (or PATIENCE passed).
    pub(crate) async fn has_printed(&mut self, count: usize) {
        // deadline: PATIENCE for each of the `count` lines, one each time round
        while self.printed.len() < count {
            match tokio::time::timeout(PATIENCE, self.stdout.next_line()).await {
                Ok(Ok(Some(line))) => self.printed.push(line),
                _ => panic!("the client printed only {:?}", self.printed),
            }
        }
    }

    /// Ctrl-C, as in its terminal: everything it printed, and its log.
    pub(crate) async fn stop(mut self) -> (Vec<String>, Vec<String>) {
        let pid = self.child.id().expect("the client still runs");
        let mut kill = std::process::Command::new("kill");
        kill.args(["-INT", &pid.to_string()]);
        let kill = testkit::output_within("`kill -INT` of the client", &mut kill, PATIENCE);
        assert!(kill.status.success(), "kill -INT {pid}: {kill:?}");
        let exited = tokio::time::timeout(PATIENCE, self.child.wait()).await;
        assert!(
            exited
                .as_ref()
                .is_ok_and(|status| status.as_ref().is_ok_and(|s| s.success())),
            "the client did not stop cleanly on Ctrl-C: {exited:?}"
        );
        // The rest of what it printed, to the end of its pipes (closed as it exited).
        let mut log = String::new();
        let mut stderr = self.child.stderr.take().unwrap();
        let rest = tokio::time::timeout(PATIENCE, async {
            while let Ok(Some(line)) = self.stdout.next_line().await {
                self.printed.push(line);
            }
            stderr.read_to_string(&mut log).await.unwrap();
        })
        .await;
        assert!(
            rest.is_ok(),
            "the client's output stayed open after it exited; it printed {:?} and logged:\n{log}",
            self.printed
        );
        (self.printed, log.lines().map(String::from).collect())
    }
}
