//! A lesson's program run as a command-line tool, as a script runs it: to its end, with
//! its exit status and what it printed.
//!
//! Two promises every lesson's program keeps are checked here. A client whose calls failed
//! exits with a failure, so a script (`client && next-step`) can rely on it. And a program
//! whose reader has gone (`client | head -3`, once `head` has its lines) ends quietly, as
//! `cat` does, with no panic about a broken pipe.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Output, Stdio};

use tokio::process::Command;

use crate::PATIENCE;

/// `127.0.0.1:PORT` where nothing listens: a port that was free a moment ago, for a client
/// that must find no server there.
pub fn nothing_listens() -> String {
    let port = crate::process::free_ports(1)[0];
    format!("127.0.0.1:{port}")
}

/// Runs `program args…` to its end, with `env` set, nothing on its standard input, and
/// `RUST_LOG` and `RUST_BACKTRACE` unset: what it prints is what a learner sees by default.
/// Panics if it runs for longer than [`PATIENCE`].
pub async fn run(program: impl AsRef<Path>, args: &[&str], env: &[(&str, &str)]) -> Output {
    run_with_stdout(program.as_ref(), args, env, Stdio::piped()).await
}

/// Runs `program args…` as [`run`] does and asserts that it failed (a non-zero exit), the
/// way a client that could not make its calls must end. Returns what it printed on stderr,
/// for the test to check that it says why.
pub async fn fails(program: impl AsRef<Path>, args: &[&str], env: &[(&str, &str)]) -> String {
    let program = program.as_ref();
    let output = run(program, args, env).await;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        !output.status.success(),
        "`{} {}` should have failed, and exited with {}; it printed:\n{}{stderr}",
        name(program),
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stdout),
    );
    stderr
}

/// Runs `program args…` as [`run`] does, but with its standard output a pipe whose reader
/// has already gone, as `program | head` is once `head` has read its lines, and asserts that
/// the program ended as a Unix tool does: ended by the signal SIGPIPE at its first write,
/// with no panic and no "Broken pipe" error on stderr.
///
/// `args` must make the program print something on stdout, or there is nothing to check.
pub async fn ends_quietly_when_output_is_cut(
    program: impl AsRef<Path>,
    args: &[&str],
    env: &[(&str, &str)],
) {
    let program = program.as_ref();
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let output = run_with_stdout(program, args, env, writer.into()).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let said_so = stderr.contains("panicked") || stderr.to_lowercase().contains("broken pipe");
    // Ended by the signal, as `cat`; or, where the program had nothing more to do (clap's
    // `--help`, whose print ignores a closed pipe), with success. Either way, quietly.
    let ended = output.status.signal() == Some(libc::SIGPIPE) || output.status.success();
    assert!(
        ended && !said_so,
        "`{} {}` with nobody reading its output should end as `cat` does, by SIGPIPE and \
         quietly; it ended with {} and printed on stderr:\n{stderr}",
        name(program),
        args.join(" "),
        output.status,
    );
}

async fn run_with_stdout(
    program: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    stdout: Stdio,
) -> Output {
    let child = Command::new(program)
        .args(args)
        .env_remove("RUST_LOG")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {}: {error}", program.display()));
    match tokio::time::timeout(PATIENCE, child.wait_with_output()).await {
        Ok(output) => output.expect("the program's output"),
        Err(_) => panic!(
            "`{} {}` was still running after {PATIENCE:?}",
            name(program),
            args.join(" ")
        ),
    }
}

/// The program's file name, as a learner would type it (`l01-tcp`).
fn name(program: &Path) -> String {
    program
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| program.display().to_string())
}
