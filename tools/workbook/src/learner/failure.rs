//! One clear failure per test: what went wrong in the learner's code first, then what the
//! test itself asserted, and nothing that merely follows from the first.
//!
//! A stub's test usually panics twice. The learner's server panics at its `todo!()`, and
//! then the test's client, whose server just vanished, panics too: "could not connect:
//! Connection reset by peer". Printed as they come, the second reads like a second problem.
//! So the panics of a failed test are sorted by where they happened:
//!
//! - in the learner's files (`src/exercises/…`): the cause, shown first, in plain words;
//! - in the test's own file (`lessons/01-tcp/tests/echo.rs`): the test's assertion, shown second — or,
//!   when it is no assertion (a `panic!`, an `expect`, a `todo!()` that reached the test),
//!   "the test panicked";
//! - anywhere else (the tests' shared helpers, testkit, a library) after a panic in the
//!   learner's code: a knock-on, left out.
//!
//! A test that gives up waiting (testkit's `within`) panics inside testkit, which is no
//! place for a learner to look: it is shown as what the test waited for, and the
//! exercise's file that should have made it happen.

use workbook_core::language::messages::{Msg, say};

/// What the explanation needs to know about the exercise, with paths as panics name them
/// (relative to the workspace root: `lessons/01-tcp/src/exercises/echo.rs`).
#[derive(Debug, Clone)]
pub struct Context {
    /// The exercise's own file.
    pub exercise_file: String,
    /// Every learner's file of the lesson (the exercise's among them).
    pub learner_files: Vec<String>,
    /// The test target's source: `lessons/01-tcp/tests/echo.rs`, or for a test made of a
    /// folder, `lessons/01-tcp/tests/echo/`.
    pub test_sources: Vec<String>,
    /// The workspace root the paths above are relative to, to read the line a test
    /// panicked on.
    pub root: std::path::PathBuf,
}

/// One panic in a test's output.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Panic {
    file: String,
    line: String,
    message: String,
}

/// What a failure's text is made of: panics, and whatever else the test printed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Panic(Panic),
    Output(String),
}

/// Splits libtest's text for one failed test into panics (each with the lines of its
/// message) and other output.
fn parts(text: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    for line in text.lines() {
        if let Some(panic) = panic_line(line) {
            parts.push(Part::Panic(panic));
            continue;
        }
        match parts.last_mut() {
            Some(Part::Panic(panic)) => {
                if !panic.message.is_empty() {
                    panic.message.push('\n');
                }
                panic.message.push_str(line);
            }
            Some(Part::Output(output)) => {
                output.push('\n');
                output.push_str(line);
            }
            None => parts.push(Part::Output(line.to_string())),
        }
    }
    for part in &mut parts {
        match part {
            Part::Panic(panic) => panic.message = panic.message.trim_end().to_string(),
            Part::Output(output) => *output = output.trim().to_string(),
        }
    }
    parts.retain(|part| !matches!(part, Part::Output(output) if output.is_empty()));
    parts
}

/// `thread 'name' (12) panicked at lessons/01-tcp/src/exercises/echo.rs:17:5:` → where.
fn panic_line(line: &str) -> Option<Panic> {
    if !line.starts_with("thread '") {
        return None;
    }
    let (_, location) = line.split_once(" panicked at ")?;
    let location = location.strip_suffix(':').unwrap_or(location);
    let mut pieces = location.rsplitn(3, ':');
    let _column = pieces.next()?;
    let line_number = pieces.next()?;
    let file = pieces.next()?;
    Some(Panic {
        file: file.to_string(),
        line: line_number.to_string(),
        message: String::new(),
    })
}

/// How `todo!()` and `unimplemented!()` begin their messages.
const NOT_WRITTEN_YET: [&str; 2] = ["not yet implemented", "not implemented"];

/// `todo!()`'s and `unimplemented!()`'s message, without their preamble.
fn not_written_yet(message: &str) -> Option<&str> {
    NOT_WRITTEN_YET
        .iter()
        .find_map(|preamble| message.strip_prefix(preamble))
        .map(|rest| rest.trim_start_matches(':').trim_start())
}

/// Whether the test's panic is one of its assertions: `assert_eq!` says so in its
/// message; `assert!(ok, "…")` prints only its own words, so the line it stands on tells.
/// A `todo!()` or `unimplemented!()` that reached the test is never an assertion.
fn is_assertion(panic: &Panic, root: &std::path::Path) -> bool {
    let first = panic.message.lines().next().unwrap_or_default();
    if NOT_WRITTEN_YET
        .iter()
        .any(|preamble| first.contains(preamble))
    {
        return false;
    }
    if first.starts_with("assertion") {
        return true;
    }
    let Ok(number) = panic.line.parse::<usize>() else {
        return false;
    };
    std::fs::read_to_string(root.join(&panic.file))
        .ok()
        .and_then(|source| {
            let line = source.lines().nth(number.checked_sub(1)?)?;
            Some(line.trim_start().starts_with("assert"))
        })
        .unwrap_or(false)
}

/// testkit's `within`: `gave up after 5s waiting for the echo` → (`5s`, `the echo`).
fn gave_up(message: &str) -> Option<(&str, &str)> {
    let rest = message.strip_prefix("gave up after ")?;
    rest.split_once(" waiting for ")
}

/// The failure of one test, told as described at the top of this module.
pub fn explain(text: &str, context: &Context) -> String {
    let parts = parts(text);
    let is_learner = |panic: &Panic| context.learner_files.contains(&panic.file);
    let is_test = |panic: &Panic| {
        context.test_sources.iter().any(|source| {
            panic.file == *source || (source.ends_with('/') && panic.file.starts_with(source))
        })
    };
    let causes: Vec<&Panic> = parts
        .iter()
        .filter_map(|part| match part {
            Part::Panic(panic) if is_learner(panic) => Some(panic),
            _ => None,
        })
        .collect();

    let mut lines: Vec<String> = Vec::new();
    let mut told: Vec<&Panic> = Vec::new();
    let tell = |lines: &mut Vec<String>, heading: String, rest: &str| {
        lines.push(heading);
        lines.extend(rest.lines().map(|line| format!("  {line}")));
    };

    // The cause first: each distinct panic in the learner's code.
    for cause in &causes {
        if told
            .iter()
            .any(|t| t.file == cause.file && t.message == cause.message)
        {
            continue;
        }
        told.push(cause);
        let at = format!("{}:{}", cause.file, cause.line);
        let (first, rest) = cause
            .message
            .split_once('\n')
            .unwrap_or((&cause.message, ""));
        match not_written_yet(first) {
            Some("") => tell(&mut lines, say(Msg::NotWrittenYet, &[("at", &at)]), rest),
            Some(what) => tell(
                &mut lines,
                say(Msg::NotWrittenYetWhat, &[("at", &at), ("what", &what)]),
                rest,
            ),
            None => tell(
                &mut lines,
                say(Msg::YourCodePanicked, &[("at", &at), ("message", &first)]),
                rest,
            ),
        }
    }

    for part in &parts {
        match part {
            Part::Output(output) => {
                // What the test printed, where it printed it.
                if causes.is_empty() {
                    lines.push(output.clone());
                }
            }
            Part::Panic(panic) if is_learner(panic) => {}
            Part::Panic(panic) => {
                let repeats_a_cause = causes.iter().any(|cause| {
                    let first = cause.message.lines().next().unwrap_or_default();
                    !first.is_empty() && panic.message.contains(first)
                });
                let knock_on = !causes.is_empty() && (!is_test(panic) || repeats_a_cause);
                if knock_on {
                    continue;
                }
                let (first, rest) = panic
                    .message
                    .split_once('\n')
                    .unwrap_or((&panic.message, ""));
                let at = format!("{}:{}", panic.file, panic.line);
                match gave_up(first) {
                    Some((after, what)) => tell(
                        &mut lines,
                        say(
                            Msg::TestGaveUp,
                            &[
                                ("after", &after),
                                ("file", &context.exercise_file),
                                ("what", &what),
                            ],
                        ),
                        rest,
                    ),
                    None if is_test(panic) && is_assertion(panic, &context.root) => tell(
                        &mut lines,
                        say(Msg::TestAssertion, &[("at", &at), ("message", &first)]),
                        rest,
                    ),
                    None if is_test(panic) => tell(
                        &mut lines,
                        say(Msg::TestPanicked, &[("at", &at), ("message", &first)]),
                        rest,
                    ),
                    None => tell(
                        &mut lines,
                        say(Msg::TestStopped, &[("at", &at), ("message", &first)]),
                        rest,
                    ),
                }
            }
        }
    }
    if lines.is_empty() {
        return printable(text.trim());
    }
    printable(&lines.join("\n"))
}

/// How many times in a row a control character is shown before the rest are counted.
const REPEATS_SHOWN: usize = 4;

/// `text` with its control characters (but newlines and tabs) written as escapes, `\0` for
/// NUL: a buffer of zeroes a test printed would otherwise be thousands of invisible
/// characters, or a terminal's escape sequence run. A long run is counted, not repeated.
fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if !c.is_control() || c == '\n' || c == '\t' {
            out.push(c);
            continue;
        }
        let mut run = 1;
        while chars.peek() == Some(&c) {
            chars.next();
            run += 1;
        }
        let escaped = match c {
            '\0' => "\\0".to_string(),
            '\r' => "\\r".to_string(),
            c => format!("\\x{:02x}", u32::from(c)),
        };
        if run > REPEATS_SHOWN {
            out.push_str(&format!("{escaped}…(×{run})"));
        } else {
            out.push_str(&escaped.repeat(run));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> Context {
        Context {
            exercise_file: "lessons/01-tcp/src/exercises/echo.rs".into(),
            learner_files: vec![
                "lessons/01-tcp/src/exercises/echo.rs".into(),
                "lessons/01-tcp/src/exercises/many.rs".into(),
            ],
            test_sources: vec!["lessons/01-tcp/tests/echo.rs".into()],
            root: std::path::PathBuf::from("/nonexistent"),
        }
    }

    /// What a stub's echo test prints (from `cargo test -p l01-tcp --test echo`).
    const STUB: &str = "thread 'echoes_what_it_reads' (9025) panicked at lessons/01-tcp/src/exercises/echo.rs:17:5:\nnot yet implemented: accept one connection and echo it until EOF\n\nthread 'echoes_what_it_reads' (9025) panicked at lessons/01-tcp/tests/support/mod.rs:23:33:\ncould not connect to the server at 127.0.0.1:45715: Connection reset by peer (os error 104)";

    #[test]
    fn control_bytes_a_test_printed_are_escaped_and_a_run_counted() {
        let nul = "\0".repeat(4000);
        let text = format!(
            "thread 't' (3) panicked at lessons/01-tcp/tests/echo.rs:17:5:\nassertion failed: got \"hi{nul}\" and \u{1b}[2J\r\n"
        );
        let shown = explain(&text, &context());
        assert!(
            !shown.chars().any(|c| c.is_control() && c != '\n'),
            "{shown:?}"
        );
        assert!(shown.contains("hi\\0…(×4000)\" and \\x1b[2J"), "{shown}");
        assert!(shown.len() < 300, "{shown}");
    }

    #[test]
    fn a_stub_failure_is_the_todo_alone() {
        assert_eq!(
            explain(STUB, &context()),
            "your code is not written yet: lessons/01-tcp/src/exercises/echo.rs:17: accept one connection and echo it until EOF"
        );
    }

    #[test]
    fn the_test_s_own_assertion_comes_second() {
        let text = "thread 't' (3) panicked at lessons/01-tcp/src/exercises/echo.rs:20:9:\ncalled `Option::unwrap()` on a `None` value\n\nthread 't' (3) panicked at lessons/01-tcp/tests/echo.rs:17:5:\nassertion `left == right` failed: sent \"hello\\n\", got \"\"\n  left: []\n right: [104]\n\nthread 't' (3) panicked at lessons/01-tcp/tests/echo.rs:30:5:\necho_one panicked: JoinError::Panic(Id(4), \"called `Option::unwrap()` on a `None` value\", ..)";
        assert_eq!(
            explain(text, &context()),
            "your code panicked: lessons/01-tcp/src/exercises/echo.rs:20: called `Option::unwrap()` on a `None` value\n\
             the test's assertion: lessons/01-tcp/tests/echo.rs:17: assertion `left == right` failed: sent \"hello\\n\", got \"\"\n    left: []\n   right: [104]"
        );
    }

    #[test]
    fn a_test_that_gave_up_names_what_it_waited_for_and_the_exercise() {
        let text = "thread 'a_silent_client' (8) panicked at tools/testkit/src/lib.rs:40:19:\ngave up after 5s waiting for the second client's echo";
        assert_eq!(
            explain(text, &context()),
            "the test gave up after 5s waiting for the second client's echo; look at lessons/01-tcp/src/exercises/echo.rs"
        );
    }

    #[test]
    fn without_a_panic_in_the_learner_s_code_everything_is_shown() {
        let text = "got 3 lines\nthread 't' (3) panicked at lessons/01-tcp/tests/support/mod.rs:44:10:\nread a line from the server: unexpected end of file";
        assert_eq!(
            explain(text, &context()),
            "got 3 lines\nthe test stopped at lessons/01-tcp/tests/support/mod.rs:44: read a line from the server: unexpected end of file"
        );
        assert_eq!(explain("something odd", &context()), "something odd");
    }

    #[test]
    fn a_test_s_own_panic_is_no_assertion() {
        // A `todo!()` that reached the test (here through a task's JoinError).
        let text = "thread 't' (3) panicked at lessons/01-tcp/tests/echo.rs:30:5:\necho_one panicked: JoinError::Panic(Id(4), \"not yet implemented\", ..)";
        assert_eq!(
            explain(text, &context()),
            "the test panicked: lessons/01-tcp/tests/echo.rs:30: echo_one panicked: JoinError::Panic(Id(4), \"not yet implemented\", ..)"
        );
        // `panic!` and `assert!(ok, "…")` print the same; the test's line tells them apart.
        let fx = crate::testutil::Fixture::empty();
        fx.write(
            "lessons/01-tcp/tests/echo.rs",
            "fn t() {\n    panic!(\"expected an error, got Ok\");\n    assert!(ok, \"the reply is empty\");\n}\n",
        );
        let context = Context {
            root: fx.path().to_path_buf(),
            ..context()
        };
        let at = |line: u32, message: &str| {
            format!("thread 't' (3) panicked at lessons/01-tcp/tests/echo.rs:{line}:5:\n{message}")
        };
        assert_eq!(
            explain(&at(2, "expected an error, got Ok"), &context),
            "the test panicked: lessons/01-tcp/tests/echo.rs:2: expected an error, got Ok"
        );
        assert_eq!(
            explain(&at(3, "the reply is empty"), &context),
            "the test's assertion: lessons/01-tcp/tests/echo.rs:3: the reply is empty"
        );
    }
}
