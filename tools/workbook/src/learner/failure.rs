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

use std::path::Path;

use workbook_core::course::test_source::{self, Call};
use workbook_core::course::{Course, Exercise, Lesson};
use workbook_core::language::lessons::test_message;
use workbook_core::language::messages::{Msg, say_in};
use workbook_core::language::{self, Lang};

mod assertion;

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
    /// The tests' messages in the learner's language (`Lesson::test_messages`), empty in
    /// English.
    pub test_messages: Vec<(String, String)>,
    /// The language the failure is told in: the runner's.
    pub lang: Lang,
}

impl Context {
    /// Where the learner's and the test's code of `exercise` is, as panics name it.
    pub fn of(course: &Course, lesson: &Lesson, exercise: &Exercise) -> Context {
        let shown = |path: &Path| course.relative(path).display().to_string();
        let tests = lesson.dir.join("tests");
        Context {
            exercise_file: shown(&lesson.exercise_path(exercise)),
            learner_files: lesson
                .exercises
                .iter()
                .map(|e| shown(&lesson.exercise_path(e)))
                .collect(),
            test_sources: vec![
                shown(&tests.join(format!("{}.rs", exercise.test))),
                format!("{}/", shown(&tests.join(&exercise.test))),
            ],
            root: course.root.clone(),
            test_messages: lesson.test_messages.clone(),
            lang: language::current(),
        }
    }
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
    source_line(panic, root).is_some_and(|line| line.trim_start().starts_with("assert"))
}

/// The test's source that `panic` points into, and the line it points at.
fn source_of(panic: &Panic, root: &std::path::Path) -> Option<(String, usize)> {
    let number = panic.line.parse::<usize>().ok()?;
    Some((
        std::fs::read_to_string(root.join(&panic.file)).ok()?,
        number,
    ))
}

fn source_line(panic: &Panic, root: &std::path::Path) -> Option<String> {
    let (source, number) = source_of(panic, root)?;
    Some(source.lines().nth(number.checked_sub(1)?)?.to_string())
}

/// The assertion (or `expect`, or wait) that `panic` points at, read from the test.
fn call_of(panic: &Panic, root: &std::path::Path) -> Option<Call> {
    let (source, number) = source_of(panic, root)?;
    test_source::call_at(&source, number)
}

/// testkit's `within`: `gave up after 5s waiting for the echo` → (`5s`, `the echo`).
fn gave_up(message: &str) -> Option<(&str, &str)> {
    let rest = message.strip_prefix("gave up after ")?;
    rest.split_once(" waiting for ")
}

/// One thing a failed test says: its heading as the learner reads it, the same reason in
/// words without its place (for the class's wall), the place, and the lines that follow.
struct Said {
    heading: String,
    reason: String,
    at: Option<String>,
    rest: String,
}

/// The failure of one test, told as described at the top of this module.
pub fn explain(text: &str, context: &Context) -> String {
    let said = said(text, context);
    if said.is_empty() {
        return printable(text.trim());
    }
    let mut lines: Vec<String> = Vec::new();
    for said in said {
        lines.push(said.heading);
        lines.extend(said.rest.lines().map(|line| format!("  {line}")));
    }
    printable(&lines.join("\n"))
}

/// The failure of one test on one line, for the class's wall: the reason in words first
/// (the test's own assertion with the values it compared, what a `todo!()` says is not
/// written, what the test waited for), then where, as a path in the lesson
/// (`the echo: left `reply`: []; right `b"hi\n"`: [104, 105, 10] (tests/echo.rs:42)`):
/// a line cut short loses the place, never the reason.
pub fn in_one_line(text: &str, context: &Context) -> String {
    let Some(first) = said(text, context).into_iter().next() else {
        return printable(&text.split_whitespace().collect::<Vec<_>>().join(" "));
    };
    let mut line = first.reason;
    let rest: Vec<&str> = first
        .rest
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    if !rest.is_empty() {
        line.push_str(": ");
        line.push_str(&rest.join("; "));
    }
    if let Some(at) = first.at {
        line.push_str(&format!(" ({})", in_the_lesson(&at)));
    }
    printable(&line)
}

/// A place as a panic names it, from the lesson's folder: `tests/echo.rs:42` for
/// `lessons/01-tcp/tests/echo.rs:42`.
fn in_the_lesson(at: &str) -> &str {
    at.strip_prefix("lessons/")
        .and_then(|rest| rest.split_once('/'))
        .map_or(at, |(_, inside)| inside)
}

/// What each panic of a failed test says, the cause first (see the top of this module).
fn said(text: &str, context: &Context) -> Vec<Said> {
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

    let mut said: Vec<Said> = Vec::new();
    let mut told: Vec<&Panic> = Vec::new();
    let say = |msg: Msg, args: &[(&str, &dyn std::fmt::Display)]| say_in(context.lang, msg, args);

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
        let (heading, reason) = match not_written_yet(first) {
            Some("") => (
                say(Msg::NotWrittenYet, &[("at", &at)]),
                say(Msg::ReasonNotWrittenYet, &[]),
            ),
            Some(what) => {
                // The stub's own words, in the runner's language where the lesson has them.
                let what = test_message(&context.test_messages, what).unwrap_or(what.into());
                (
                    say(Msg::NotWrittenYetWhat, &[("at", &at), ("what", &what)]),
                    say(Msg::ReasonNotWrittenYetWhat, &[("what", &what)]),
                )
            }
            None => (
                say(Msg::YourCodePanicked, &[("at", &at), ("message", &first)]),
                say(Msg::ReasonYourCodePanicked, &[("message", &first)]),
            ),
        };
        said.push(Said {
            heading,
            reason,
            at: Some(at),
            rest: rest.to_string(),
        });
    }

    for part in &parts {
        match part {
            Part::Output(output) => {
                // What the test printed, where it printed it.
                if causes.is_empty() {
                    said.push(Said {
                        heading: output.clone(),
                        reason: output.split_whitespace().collect::<Vec<_>>().join(" "),
                        at: None,
                        rest: String::new(),
                    });
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
                let translate = |text: &str| test_message(&context.test_messages, text);
                said.push(match gave_up(first) {
                    Some((after, what)) => {
                        let what = translate(what).unwrap_or(what.to_string());
                        let file = &context.exercise_file;
                        Said {
                            heading: say(
                                Msg::TestGaveUp,
                                &[("after", &after), ("file", file), ("what", &what)],
                            ),
                            reason: say(
                                Msg::ReasonTestGaveUp,
                                &[("after", &after), ("what", &what)],
                            ),
                            // Where to look: the exercise, not testkit's wait.
                            at: Some(file.clone()),
                            rest: rest.to_string(),
                        }
                    }
                    None if is_test(panic) => {
                        let call = call_of(panic, &context.root);
                        let (first, rest) = assertion::told(
                            context.lang,
                            &panic.message,
                            call.as_ref(),
                            &translate,
                        );
                        // On the wall, the test's words alone, whichever way it failed:
                        // an assertion's, or those of its own `panic!`.
                        let reason = assertion::own_words(context.lang, &first)
                            .unwrap_or(&first)
                            .to_string();
                        let heading = if is_assertion(panic, &context.root) {
                            Msg::TestAssertion
                        } else {
                            Msg::TestPanicked
                        };
                        Said {
                            heading: say(heading, &[("at", &at), ("message", &first)]),
                            reason,
                            at: Some(at),
                            rest,
                        }
                    }
                    None => {
                        let message = translate(first).unwrap_or(first.into());
                        Said {
                            heading: say(Msg::TestStopped, &[("at", &at), ("message", &message)]),
                            reason: message,
                            at: Some(at),
                            rest: rest.to_string(),
                        }
                    }
                });
            }
        }
    }
    said
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
mod tests;
