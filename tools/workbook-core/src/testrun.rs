//! Running test executables and reading what libtest reports.
//!
//! Each executable runs in its package folder with the environment `cargo test` gives it
//! (see `environment`), with a timeout (a stub must never hang a check), and several may
//! run at once. From libtest's output the
//! runner keeps what a learner needs: which tests passed, and each failure's message
//! without backtraces, with tests that failed the same way shown once.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use tokio::process::Command;

use crate::environment;

/// One test executable to run.
#[derive(Debug, Clone)]
pub struct TestJob {
    pub executable: PathBuf,
    /// The package folder: the working directory, as under `cargo test`.
    pub package_dir: PathBuf,
    pub filter: Option<String>,
    /// What `cargo test` adds to the environment for it (`CARGO_MANIFEST_DIR`, …).
    pub env: Vec<(OsString, OsString)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    TimedOut,
}

/// What one test executable did.
#[derive(Debug, Clone)]
pub struct TestRun {
    pub outcome: Outcome,
    pub report: TestReport,
    /// The executable's stderr (libtest writes its report on stdout).
    pub stderr: String,
}

/// Runs one test executable, killing it after `timeout`.
pub async fn run_test(job: &TestJob, timeout: Duration) -> Result<TestRun> {
    let mut command = std::process::Command::new(&job.executable);
    environment::as_from_a_shell(&mut command);
    let mut command = Command::from(command);
    command
        .current_dir(&job.package_dir)
        .envs(job.env.iter().map(|(name, value)| (name, value)))
        .args(["--color", "never"]);
    if let Some(filter) = &job.filter {
        command.arg(filter);
    }
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = command
        .spawn()
        .with_context(|| format!("starting {}", job.executable.display()))?;
    match tokio::time::timeout(timeout, child.wait_with_output()).await {
        Ok(output) => {
            let output = output.with_context(|| format!("running {}", job.executable.display()))?;
            let stdout = String::from_utf8_lossy(&output.stdout);
            Ok(TestRun {
                outcome: if output.status.success() {
                    Outcome::Passed
                } else {
                    Outcome::Failed
                },
                report: TestReport::parse(&stdout),
                stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            })
        }
        Err(_) => Ok(TestRun {
            outcome: Outcome::TimedOut,
            report: TestReport::default(),
            stderr: String::new(),
        }),
    }
}

/// Runs many test executables, `parallel` at a time, and returns their runs in order.
pub async fn run_tests(
    jobs: Vec<TestJob>,
    parallel: usize,
    timeout: Duration,
) -> Vec<Result<TestRun>> {
    let permits = Arc::new(tokio::sync::Semaphore::new(parallel.max(1)));
    let mut handles = Vec::new();
    for job in jobs {
        let permits = Arc::clone(&permits);
        handles.push(tokio::spawn(async move {
            let _permit = permits
                .acquire_owned()
                .await
                .expect("semaphore is never closed");
            run_test(&job, timeout).await
        }));
    }
    let mut runs = Vec::new();
    for handle in handles {
        runs.push(
            handle
                .await
                .unwrap_or_else(|e| Err(anyhow::anyhow!("test runner task failed: {e}"))),
        );
    }
    runs
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestResult {
    Ok,
    Failed,
    Ignored,
}

/// What libtest reported: each test's result and each failure's captured output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestReport {
    pub tests: Vec<(String, TestResult)>,
    /// (test name, what it printed: the panic message and any captured output).
    pub failures: Vec<(String, String)>,
    /// The `test result: …` line.
    pub summary: Option<String>,
}

impl TestReport {
    pub fn parse(stdout: &str) -> TestReport {
        let mut report = TestReport::default();
        let mut current_failure: Option<(String, Vec<&str>)> = None;
        let mut in_failures = false;

        for line in stdout.lines() {
            if let Some(rest) = line.strip_prefix("test ") {
                if let Some((name, result)) = rest.rsplit_once(" ... ") {
                    let result = match result.trim() {
                        "ok" => Some(TestResult::Ok),
                        "FAILED" => Some(TestResult::Failed),
                        r if r.starts_with("ignored") => Some(TestResult::Ignored),
                        _ => None,
                    };
                    if let Some(result) = result {
                        report.tests.push((name.to_string(), result));
                        continue;
                    }
                }
                if let Some(summary) = line.strip_prefix("test result: ") {
                    report.summary = Some(summary.to_string());
                }
            }
            if line == "failures:" {
                if let Some((name, body)) = current_failure.take() {
                    report.failures.push((name, tidy_failure(&body)));
                }
                in_failures = !in_failures;
                continue;
            }
            if in_failures {
                if let Some(name) = line
                    .strip_prefix("---- ")
                    .and_then(|rest| rest.strip_suffix(" stdout ----"))
                {
                    if let Some((name, body)) = current_failure.take() {
                        report.failures.push((name, tidy_failure(&body)));
                    }
                    current_failure = Some((name.to_string(), Vec::new()));
                } else if let Some((_, body)) = current_failure.as_mut() {
                    body.push(line);
                }
            }
        }
        if let Some((name, body)) = current_failure.take() {
            report.failures.push((name, tidy_failure(&body)));
        }
        report
    }

    pub fn count(&self, result: TestResult) -> usize {
        self.tests.iter().filter(|(_, r)| *r == result).count()
    }

    /// The first line of the first failure that says something, for one-line reports.
    pub fn first_reason(&self) -> Option<String> {
        self.failures.first().map(|(name, text)| {
            let reason = text
                .lines()
                .find(|l| !l.starts_with("thread '") && !l.trim().is_empty())
                .unwrap_or("failed");
            format!("{name}: {}", reason.trim())
        })
    }
}

/// Drops what does not help a learner read a failure: blank edges, backtrace notes and
/// backtraces (the panic's own line already says where it happened).
fn tidy_failure(lines: &[&str]) -> String {
    let mut kept: Vec<&str> = Vec::new();
    let mut in_backtrace = false;
    for line in lines {
        if line.starts_with("stack backtrace:") {
            in_backtrace = true;
            continue;
        }
        if in_backtrace {
            let trimmed = line.trim_start();
            let is_frame =
                line.starts_with(' ') || trimmed.starts_with("note: Some details are omitted");
            if is_frame {
                continue;
            }
            in_backtrace = false;
        }
        if !line.starts_with("note: run with `RUST_BACKTRACE=1`") {
            kept.push(line);
        }
    }
    kept.join("\n").trim_matches('\n').to_string()
}

/// A failure's text without the test's name and thread id in the panic line, and with
/// long numbers (ports, pids) blanked, so that tests failing the same way (a stub's
/// `todo!()`) can be shown once.
pub fn failure_gist(text: &str) -> String {
    let mut gist = String::with_capacity(text.len());
    for line in text.lines() {
        let line = match (line.starts_with("thread '"), line.find(" panicked at ")) {
            (true, Some(at)) => &line[at + 1..],
            _ => line,
        };
        let mut digits = String::new();
        for c in line.chars().chain(std::iter::once('\n')) {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            gist.push_str(if digits.len() >= 4 { "#" } else { &digits });
            digits.clear();
            gist.push(c);
        }
    }
    gist
}

/// Failures, (test name, text), grouped by what they say: (test names, the text of the
/// first).
pub fn grouped_failures(failures: &[(String, String)]) -> Vec<(Vec<&str>, &str)> {
    let mut groups: Vec<(Vec<&str>, &str, String)> = Vec::new();
    for (name, text) in failures {
        let gist = failure_gist(text);
        match groups.iter_mut().find(|(_, _, g)| *g == gist) {
            Some((names, _, _)) => names.push(name),
            None => groups.push((vec![name], text, gist)),
        }
    }
    groups
        .into_iter()
        .map(|(names, text, _)| (names, text))
        .collect()
}

#[cfg(test)]
mod tests;
