//! How a lesson's program ends when it cannot go on: in one line a person can read.
//!
//! Two endings would bury that line. Returning an error from `main` prints it with Rust's
//! `Debug`, which for an [`anyhow::Error`] is the error, its causes on lines of their own,
//! and, under `RUST_BACKTRACE=1` (set in many shells), some sixty lines of backtrace; and a
//! worked example that calls an exercise not done yet would panic with "not yet
//! implemented". So every lesson's `main` returns a [`Failure`], which prints the error and
//! its causes on one line, and starts with [`say_unfinished_exercises`], which turns that
//! panic into one line naming the exercise and how to go on.
//!
//! A backtrace is still there for a real panic, and for an error when asked for with
//! `RUST_LIB_BACKTRACE=1` (the variable for errors' backtraces alone, which anyhow reads).

use std::fmt;
use std::panic::PanicHookInfo;

/// The error `main` returns: printed as `Error: ` and then [`one_line`], with the exit
/// status 1, as any error returned from `main`.
///
/// Every error `?` takes into an [`anyhow::Error`] becomes one, so `main` reads as it would
/// with `anyhow::Result<()>`, but for `anyhow::ensure!` and `bail!`, which return an
/// `anyhow::Error` itself: their error goes through `?` as any other.
///
/// ```no_run
/// use anyhow::Context;
///
/// fn main() -> Result<(), shared::program::Failure> {
///     let names = std::fs::read_to_string("names.txt")?;
///     let first = names.lines().next().context("names.txt is empty")?;
///     println!("{first}");
///     Ok(())
/// }
/// ```
pub struct Failure(anyhow::Error);

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(error: E) -> Failure {
        Failure(error.into())
    }
}

impl fmt::Debug for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&one_line(&self.0))?;
        let backtrace = self.0.backtrace();
        if backtrace_asked_for() && backtrace.status() == std::backtrace::BacktraceStatus::Captured
        {
            write!(f, "\n\nStack backtrace:\n{backtrace}")?;
        }
        Ok(())
    }
}

/// `error` and its causes on one line, each after a `: `. A cause whose words the line
/// already holds is left out: an HTTP client's error often repeats its own cause in its
/// message (`error trying to connect: tcp connect error: Connection refused`), and then
/// gives that cause again.
pub fn one_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let said = cause.to_string();
        if line.contains(&said) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&said);
    }
    line
}

/// Whether an error's backtrace is wanted: `RUST_LIB_BACKTRACE` set, and not to `0`.
fn backtrace_asked_for() -> bool {
    std::env::var_os("RUST_LIB_BACKTRACE").is_some_and(|value| value != "0")
}

/// From now on, a stub's `todo!()` reached by this program (in any thread or task) ends it
/// with one line instead of a panic: which exercise it is, how to check it, and how to run
/// the program with the answers instead. `package` is the lesson's package, and
/// `lesson_toml` its lesson.toml, which says which file is which exercise:
///
/// ```text
/// shared::program::say_unfinished_exercises(env!("CARGO_PKG_NAME"), include_str!("../lesson.toml"));
/// ```
///
/// Any other panic is reported as before.
pub fn say_unfinished_exercises(package: &'static str, lesson_toml: &'static str) {
    let before = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |panic| {
        if let Some(line) = unfinished(package, lesson_toml, panic) {
            eprintln!("Error: {line}");
            // The hook runs on the thread that reached the stub, before anything can catch
            // the panic (a task's panic would be caught by tokio): end the whole program.
            std::process::exit(1);
        }
        before(panic);
    }));
}

/// The line for `panic` when it is a stub's `todo!()` in one of the lesson's exercise files.
fn unfinished(package: &str, lesson_toml: &str, panic: &PanicHookInfo<'_>) -> Option<String> {
    let (id, file) = unfinished_exercise(lesson_toml, panic)?;
    Some(unfinished_line(package, &id, &file))
}

/// The exercise (its id, and its file as compiled) whose stub's `todo!()` `panic` is, if it
/// is one: its message is `todo!()`'s "not yet implemented", and its place one of the
/// exercise files that `lesson_toml` lists.
pub fn unfinished_exercise(
    lesson_toml: &str,
    panic: &PanicHookInfo<'_>,
) -> Option<(String, String)> {
    let message = panic
        .payload()
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.payload().downcast_ref::<String>().map(String::as_str))?;
    if !message.starts_with("not yet implemented") {
        return None;
    }
    let file = panic.location()?.file();
    Some((exercise_at(lesson_toml, file)?, file.to_string()))
}

/// The id of the exercise whose file is `file` (as the compiler names a source file, from
/// wherever it ran), among those `lesson_toml` lists.
pub fn exercise_at(lesson_toml: &str, file: &str) -> Option<String> {
    exercise_files(lesson_toml)
        .into_iter()
        .find(|(_, exercise)| is_the_file(file, exercise))
        .map(|(id, _)| id)
}

/// What program `package` says when it meets exercise `id`, not done yet, in `file`: the
/// exercise, how to check it, and this same command with the answers.
pub fn unfinished_line(package: &str, id: &str, file: &str) -> String {
    let args: Vec<String> = std::env::args().skip(1).map(|arg| quoted(&arg)).collect();
    let release = if cfg!(debug_assertions) {
        ""
    } else {
        " --release"
    };
    format!(
        "exercise {id} is not done yet ({file}): check yours with `cargo run -p workbook -- \
         check {id}`, or run this with the answers: `cargo run{release} -p {package} \
         --features solution -- {}`",
        args.join(" ")
    )
}

/// Whether the source file `compiled` (as the compiler named it, from wherever it was run)
/// is the exercise's `file`, given relative to the lesson's folder.
fn is_the_file(compiled: &str, file: &str) -> bool {
    let compiled = compiled.replace('\\', "/");
    compiled == file || compiled.ends_with(&format!("/{file}"))
}

/// Each exercise of a lesson.toml, as (id, file): the `id` and `file` of each
/// `[[exercise]]` table. (lesson.toml's every value is a string on a line of its own.)
fn exercise_files(lesson_toml: &str) -> Vec<(String, String)> {
    let mut exercises: Vec<(String, String)> = Vec::new();
    let mut in_exercise = false;
    for line in lesson_toml.lines().map(str::trim) {
        if line.starts_with('[') {
            in_exercise = line == "[[exercise]]";
            if in_exercise {
                exercises.push((String::new(), String::new()));
            }
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"').to_string();
        match (in_exercise, key.trim(), exercises.last_mut()) {
            (true, "id", Some(exercise)) => exercise.0 = value,
            (true, "file", Some(exercise)) => exercise.1 = value,
            _ => {}
        }
    }
    exercises
}

/// `arg` as a shell reads it back: as it is when it holds nothing the shell would change,
/// else in single quotes.
fn quoted(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_and_its_causes_are_one_line_without_repeats() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let error = anyhow::Error::new(refused)
            .context("tcp connect error: connection refused")
            .context("cannot connect to 127.0.0.1:1");
        assert_eq!(
            one_line(&error),
            "cannot connect to 127.0.0.1:1: tcp connect error: connection refused"
        );
        let printed = format!("{:?}", Failure::from(error));
        assert_eq!(printed.lines().count(), 1, "{printed}");
    }

    #[test]
    fn each_exercise_is_found_by_its_file() {
        let toml = r#"
id = "tcp"
title = "TCP sockets"

[[exercise]]
id = "tcp.echo"
file = "src/exercises/echo.rs"
hints = [
    "a hint = with an equals sign",
]

[[exercise]]
id = "tcp.many"
file = "src/exercises/many.rs"
"#;
        assert_eq!(
            exercise_files(toml),
            [
                ("tcp.echo".to_string(), "src/exercises/echo.rs".to_string()),
                ("tcp.many".to_string(), "src/exercises/many.rs".to_string()),
            ]
        );
        assert!(is_the_file(
            "lessons/01-tcp/src/exercises/echo.rs",
            "src/exercises/echo.rs"
        ));
        assert!(!is_the_file(
            "lessons/01-tcp/src/exercises/echo.rs",
            "src/exercises/ho.rs"
        ));
    }

    #[test]
    fn an_argument_is_quoted_only_where_a_shell_needs_it() {
        assert_eq!(quoted("--for"), "--for");
        assert_eq!(quoted("35s"), "35s");
        assert_eq!(quoted("hello world"), "'hello world'");
        assert_eq!(quoted("it's"), r"'it'\''s'");
        assert_eq!(quoted(""), "''");
    }
}
