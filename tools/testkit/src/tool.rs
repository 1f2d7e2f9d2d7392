//! A lesson's program run as a command-line tool, as a script runs it: to its end, with
//! its exit status and what it printed.
//!
//! Two promises every lesson's program keeps are checked here. A client whose calls failed
//! exits with a failure, so a script (`client && next-step`) can rely on it. And a program
//! whose reader has gone (`client | head -3`, once `head` has its lines) ends quietly, as
//! `cat` does, with no panic about a broken pipe.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;

use crate::{PATIENCE, child_output_within_async};

/// `127.0.0.1:PORT` where nothing listens, for a client that must find no server there: a
/// [`ReservedPort`](crate::ReservedPort), kept until the test's process ends, so that no
/// server another test starts meanwhile lands on it.
pub fn nothing_listens() -> String {
    static KEPT: Mutex<Vec<crate::ReservedPort>> = Mutex::new(Vec::new());
    let port = crate::ReservedPort::new();
    let addr = port.addr();
    KEPT.lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push(port);
    addr.to_string()
}

/// Runs `program args…` to its end, with `env` set, nothing on its standard input, and
/// `RUST_LOG` and `RUST_BACKTRACE` unset: what it prints is what a learner sees by default.
/// Past [`PATIENCE`], kills it and panics with what it printed so far
/// ([`child_output_within`]).
pub async fn run(program: impl AsRef<Path>, args: &[&str], env: &[(&str, &str)]) -> Output {
    run_with_stdout(program.as_ref(), args, env, Stdio::piped()).await
}

/// Runs `program args…` as [`run`] does, but with `RUST_BACKTRACE=1` as many learners'
/// shells have it, and asserts that it failed (a non-zero exit), the way a client that could
/// not make its calls must end, and that its error is its last line: one line with its
/// causes, with no backtrace and no `Caused by:` list under it. Returns what it printed on
/// stderr, for the test to check that it says why.
pub async fn fails(program: impl AsRef<Path>, args: &[&str], env: &[(&str, &str)]) -> String {
    let program = program.as_ref();
    let mut with_backtraces = vec![("RUST_BACKTRACE", "1")];
    with_backtraces.extend(env);
    let output = run(program, args, &with_backtraces).await;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let command = format!("`{} {}`", name(program), args.join(" "));
    assert!(
        !output.status.success(),
        "{command} should have failed, and exited with {}; it printed:\n{}{stderr}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
    );
    let last = stderr.trim_end().lines().last().unwrap_or_default();
    assert!(
        last.to_lowercase().starts_with("error: ") && !stderr.contains("Caused by:"),
        "{command} should end with its error on one line, even with RUST_BACKTRACE=1; it \
         printed on stderr:\n{stderr}"
    );
    stderr
}

/// Whether a lesson's program meets the stub of exercise `id`: it was built without the
/// answers (`with_answers` is the lesson's `cfg!(feature = "solution")`) and `source`, the
/// exercise's file, still has its `todo!()`. When it does not, says why a test of the
/// program with its stubs has nothing to check here: `workbook-dev verify` runs such tests
/// with every stub in place; the suite, with the answers, skips them.
pub fn meets_the_stub(id: &str, with_answers: bool, source: &str) -> bool {
    if with_answers {
        eprintln!(
            "skipped: the program is built with the answers (--features solution), not {id}'s stub"
        );
        false
    } else if !source.contains("todo!(") {
        eprintln!("skipped: {id} is written (its file has no todo!() left)");
        false
    } else {
        true
    }
}

/// Runs `program args…` as [`run`] does, with `RUST_BACKTRACE=1`, where it reaches an
/// exercise of `lesson` that is not done yet, and asserts that it said so as
/// [`names_an_unfinished_exercise`] checks and exited with a failure (1). Returns the
/// exercise's id.
pub async fn stops_at_an_unfinished_exercise(
    program: impl AsRef<Path>,
    args: &[&str],
    env: &[(&str, &str)],
    lesson: &str,
) -> String {
    let mut with_backtraces = vec![("RUST_BACKTRACE", "1")];
    with_backtraces.extend(env);
    let output = run(program, args, &with_backtraces).await;
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "`{}` should have stopped with a failure; it printed:\n{printed}",
        args.join(" ")
    );
    names_an_unfinished_exercise(&printed, lesson)
}

/// Checks what a lesson's program printed (`printed`: its stdout and stderr) when it reached
/// an exercise of lesson `lesson` (`discover`) that is not done yet: one line that names the
/// exercise, how to check it and how to run the program with the answers, and no panic.
/// Returns the exercise's id.
pub fn names_an_unfinished_exercise(printed: &str, lesson: &str) -> String {
    assert!(
        !printed.contains("panicked") && !printed.contains("not yet implemented"),
        "an exercise not done yet should be said in one line, not with a panic; it \
         printed:\n{printed}"
    );
    let prefix = format!("exercise {lesson}.");
    let line = printed
        .lines()
        .find(|line| line.contains(&prefix))
        .unwrap_or_else(|| panic!("no line names an exercise of {lesson}; it printed:\n{printed}"));
    let id = line[line.find(&prefix).expect("found above") + "exercise ".len()..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .trim_end_matches([',', ':', ';', '.'])
        .to_string();
    assert!(
        line.contains(&format!("cargo run -p workbook -- check {id}"))
            && line.contains("--features solution"),
        "the line should say how to check {id} and how to run with the answers: {line}"
    );
    id
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
    let mut command = Command::new(program);
    command
        .args(args)
        .env_remove("RUST_LOG")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped());
    let child = command
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {}: {error}", program.display()));
    let what = format!("`{} {}`", name(program), args.join(" "));
    child_output_within_async(&what, child, PATIENCE).await
}

/// The program's file name, as a learner would type it (`l01-tcp`).
fn name(program: &Path) -> String {
    program
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| program.display().to_string())
}
