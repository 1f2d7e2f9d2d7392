//! The wait check: every wait in a test has a deadline, and fails saying what it saw.
//!
//! A test waits on servers and programs it started, and a wait that nothing ends (a reply
//! never sent, a process that never exits, a stream kept open by its keep-alives) holds the
//! suite until the test runner's own deadline ends it, with nothing said but "TIMEOUT". So
//! every wait in the tests and their helpers gets a deadline of its own, and this check finds
//! the one written without: it reads every `.rs` file under a `tests/` folder of the
//! workspace (an integration test, or a `#[cfg(test)]` module's support under `src/`) and
//! under `tools/testkit/src`, and reports each wait it finds unbounded, by file and line.
//!
//! The rules, on the code with its comments and string literals blanked out:
//!
//! - A **wait** is a call that blocks or awaits until someone else acts: a channel's
//!   `.recv()`, a process's or a barrier's `.wait()`, `.wait_with_output()`, a command's
//!   `.output()` or `.status()` (a statement that names `Command`), a `Notify`'s
//!   `.notified()`, a reader's `.read_line(`, `.next_line()`, `.read_to_string(`,
//!   `.read_to_end(` and `.read_exact(` (not `fs::read_to_string(path)`, a free function, nor
//!   a `File`'s), a thread's `.join()`, a join set's `.join_next()`, a spawned task's handle
//!   or a one-shot channel's receiver awaited (`let server = tokio::spawn(…)` …
//!   `server.await`), a blocking reader's next line (`lines.next()` of
//!   `let mut lines = BufReader::new(stream).lines()`), and a `for` over a reader's
//!   `.lines()` or a listener's `.incoming()`.
//! - It is **bounded** when the statement it stands in names a bound (`timeout`, as in
//!   `recv_timeout` and `tokio::time::timeout`; `within`; `deadline`; `PATIENCE`; `Instant`;
//!   `elapsed`), or when a statement around it does (`within("the reply", async { … })`),
//!   out to the function it is written in. A future made in one statement
//!   (`let run = command.output();`, no `.await`) is bounded by a later statement of its
//!   block that awaits it within a bound (`within("…", run)`) or hands it to a spawned
//!   task (a server's shutdown signal). A loop around a wait bounds
//!   nothing: a loop checks its deadline between waits, not during one. A `.wait()` or an
//!   `.await` just after a `kill(` or an `.abort()` is bounded too: what was killed ends
//!   at once.
//! - A **polling loop** is a `loop` or a `while` whose condition or body waits (an `.await`,
//!   a `sleep(`, a `recv_timeout(`, a `.read(`, or a wait above). It is bounded only by a
//!   deadline for the whole loop: `deadline`, `Instant` or `elapsed` in it, or a
//!   `timeout`/`within` around it (or around the future it is written in). A timeout on
//!   each step is no bound (a reader whose read timeout each keep-alive resets never ends),
//!   nor is one on the socket. A loop that only drains what is there (`try_recv`) waits
//!   on nothing.
//! - A program's output read to its end (`.output()`, `.wait_with_output()`) is bounded one
//!   way only, wherever it stands: with testkit's `output_within` (and its kin), which kills
//!   the program at its deadline and fails with what it printed so far. A `within` around
//!   `output()` gives up on the program but leaves it running, and says nothing of it.
//! - Not a wait of the test: what a spawned task or thread does (`spawn(…)`): such a task
//!   is a peer of the test (a fake server holding its reply), which ends with the test; the
//!   test's own wait for it (its `.join()`, its handle awaited) is checked. A loop that
//!   accepts connections is a server, not a wait.
//! - Where the bound is elsewhere, a comment says where, on the wait's line or in the
//!   comment lines above it or above its statement: `// deadline: <why>` ("the process was killed above",
//!   "the caller's within"). The check takes the comment's word for it; a reviewer reads it.
//!
//! Lexical, so not a proof: a wait hidden behind a helper is checked in the helper, and an
//! await of anything else (a call of the code under test) is bounded by the test runner's
//! deadline only.

use std::fs;
use std::path::{Path, PathBuf};

use crate::proof::bookcheck::files_under;
use code::Code;
use rules::{blocking_readers, bounded, bounded_around, is_wait, polls, receiver, spawned_handles};
use workbook_core::course::{Course, Lesson};
use workbook_core::problem::Problem;
use workbook_core::ui;

/// Folders the walk never enters: build output, the runner's state, Git's.
const NOT_SOURCES: [&str; 4] = ["target", ".git", "node_modules", ".workbook"];

mod code;
mod rules;

/// Words that bound the statement they stand in.
const BOUNDS: [&str; 7] = [
    "timeout", "within", "deadline", "PATIENCE", "Instant", "elapsed", "at_most",
];

/// Words that bound a polling loop as a whole when written in it.
const LOOP_BOUNDS: [&str; 3] = ["deadline", "Instant", "elapsed"];

/// One wait with no deadline: where, and what it waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 1-based.
    pub line: usize,
    /// The line as written, trimmed.
    pub text: String,
    pub what: &'static str,
}

/// The files the check reads, under `root`: the Rust files under every `tests/` folder and
/// testkit's sources.
pub fn files(root: &Path) -> Vec<PathBuf> {
    let keep = |path: &Path| {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if path.is_dir() {
            return !NOT_SOURCES.contains(&name) && path != root.join("book/build");
        }
        let relative = path.strip_prefix(root).unwrap_or(path);
        name.ends_with(".rs")
            && (relative.starts_with("tools/testkit/src")
                || relative
                    .parent()
                    .is_some_and(|dir| dir.components().any(|part| part.as_os_str() == "tests")))
    };
    files_under(root, &keep)
}

/// Every unbounded wait in the workspace at `root`.
pub fn check(root: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    for file in files(root) {
        let Ok(source) = fs::read_to_string(&file) else {
            continue;
        };
        let relative = file.strip_prefix(root).unwrap_or(&file);
        for finding in scan(&source) {
            let why = if finding.what == OUTPUT {
                "outside testkit::output_within, which kills it at its deadline"
            } else {
                "with no deadline"
            };
            problems.push(Problem {
                location: format!("{}:{}", relative.display(), finding.line),
                message: format!("waits for {} {why}: {}", finding.what, finding.text),
            });
        }
    }
    problems
}

/// Prints the check's findings (with `only`, those in these lessons' folders); returns how
/// many.
pub fn print(course: &Course, only: Option<&[&Lesson]>) -> usize {
    let mut problems = check(&course.root);
    if let Some(lessons) = only {
        problems.retain(|problem| {
            lessons.iter().any(|lesson| {
                problem
                    .location
                    .starts_with(&format!("lessons/{}/", lesson.folder))
            })
        });
    }
    println!();
    println!("{}", ui::bold("The tests' waits"));
    if problems.is_empty() {
        println!(
            "  {} every wait in the tests and testkit has a deadline",
            ui::pass_mark()
        );
    }
    for problem in &problems {
        println!("  {} {problem}", ui::fail_mark());
    }
    if !problems.is_empty() {
        println!(
            "  give each a deadline that fails saying what it saw (testkit::within, \
             tokio::time::timeout, recv_timeout, testkit::output_within), or say \
             where its bound is: `// deadline: <why>`"
        );
    }
    problems.len()
}

/// What a program's output read to its end waits for.
const OUTPUT: &str = "a process's output to its end";

/// The waits for a program's output to its end, which testkit's `output_within` replaces.
const OUTPUTS: [&str; 2] = [".wait_with_output()", ".output()"];

/// The calls that wait, as written in code, and what each waits for.
const WAITS: [(&str, &str); 14] = [
    (".recv()", "a message on a channel"),
    (".wait()", "a process or a barrier"),
    (".wait_with_output()", OUTPUT),
    (".output()", OUTPUT),
    (".status()", "a process to end"),
    (".notified()", "a notification"),
    (".read_line(", "a line"),
    (".next_line()", "a line"),
    (".read_to_string(", "a reader's end"),
    (".read_to_end(", "a reader's end"),
    (".read_exact(", "bytes to read"),
    (".join()", "a thread to end"),
    (".join_next()", "a task to end"),
    (".await", "a spawned task to end"),
];

/// Every unbounded wait in one file's `source`.
pub fn scan(source: &str) -> Vec<Finding> {
    let code = Code::new(source);
    let spawned = spawned_handles(&code);
    let readers = blocking_readers(&code);
    let mut found: Vec<Finding> = Vec::new();
    let report = |at: usize, what: &'static str, found: &mut Vec<Finding>| {
        let line = code.line_of(at);
        if !found.iter().any(|f| f.line == line) {
            found.push(Finding {
                line,
                text: source
                    .lines()
                    .nth(line - 1)
                    .unwrap_or_default()
                    .trim()
                    .into(),
                what,
            });
        }
    };
    for (needle, what) in WAITS {
        for (at, _) in code.text.match_indices(needle) {
            if !is_wait(&code, at, needle, &spawned) {
                continue;
            }
            // A program's output read to its end is bounded one way only: by testkit's
            // helper, which kills the program at its deadline and shows what it printed. A
            // bound around `output()` leaves the program running, and says nothing of it.
            let by_the_helper_only = OUTPUTS.contains(&needle);
            if !code.annotated(at) && (by_the_helper_only || !bounded(&code, at)) {
                report(at, what, &mut found);
            }
        }
    }
    // A blocking reader's next line: `lines.next()` of `let mut lines =
    // BufReader::new(stream).lines()`, which a read timeout alone does not end.
    let next_lines: Vec<usize> = code
        .text
        .match_indices(".next()")
        .map(|(at, _)| at)
        .filter(|&at| readers.contains(&receiver(&code, at)))
        .collect();
    for &at in &next_lines {
        if !code.annotated(at) && !bounded(&code, at) {
            report(at, "a reader's next line", &mut found);
        }
    }
    for (at, keyword) in code.keywords(&["loop", "while", "for"]) {
        let Some((head, body)) = code.block_after(at + keyword.len()) else {
            continue;
        };
        let inside = &code.text[at..=body.1];
        if keyword == "for" {
            let head_text = &code.text[at..head];
            let blocking = (head_text.contains(".lines()") && head_text.contains("BufReader"))
                || head_text.contains(".incoming()");
            if blocking && !code.annotated(at) && !bounded_around(&code, at) {
                report(at, "a reader's next line", &mut found);
            }
            continue;
        }
        let reads = next_lines.iter().any(|&next| (at..=body.1).contains(&next));
        if !(polls(inside) || reads) || inside.contains(".accept(") {
            continue;
        }
        let deadline = LOOP_BOUNDS.iter().any(|word| inside.contains(word));
        if !deadline && !code.annotated(at) && !bounded_around(&code, at) {
            report(at, "a polling loop to end", &mut found);
        }
    }
    found.sort_by_key(|finding| finding.line);
    found
}

#[cfg(test)]
mod tests;
