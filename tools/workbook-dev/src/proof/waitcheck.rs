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
//!   awaited (`let server = tokio::spawn(…)` … `server.await`), and a `for` over a
//!   reader's `.lines()` or a listener's `.incoming()`.
//! - It is **bounded** when the statement it stands in names a bound (`timeout`, as in
//!   `recv_timeout` and `tokio::time::timeout`; `within`; `deadline`; `PATIENCE`; `Instant`;
//!   `elapsed`), or when a statement around it does (`within("the reply", async { … })`),
//!   out to the function it is written in. A loop around it bounds nothing: it is checked
//!   between waits, not during one. A `.wait()` just after a `kill(` is bounded too: a
//!   killed process ends at once.
//! - A **polling loop** is a `loop` or a `while` whose condition or body waits (an `.await`,
//!   a `sleep(`, a `try_wait(`, `try_recv(`, `.read(`, or a wait above). It is bounded only
//!   by a deadline for the whole loop: `deadline`, `Instant` or `elapsed` in it, or a
//!   `timeout`/`within` around it. A timeout on each step is no bound (a reader whose
//!   read timeout each keep-alive resets never ends), nor is one on the socket.
//! - Not a wait of the test: what a spawned task or thread does (`spawn(…)`): such a task
//!   is a peer of the test (a fake server holding its reply), which ends with the test; the
//!   test's own wait for it (its `.join()`, its handle awaited) is checked. A loop that
//!   accepts connections is a server, not a wait.
//! - Where the bound is elsewhere, a comment says where, on the wait's line or the line
//!   above it or above its statement: `// deadline: <why>` ("the process was killed above",
//!   "the caller's within"). The check takes the comment's word for it; a reviewer reads it.
//!
//! Lexical, so not a proof: a wait hidden behind a helper is checked in the helper, and an
//! await of anything else (a call of the code under test) is bounded by the test runner's
//! deadline only.

use std::fs;
use std::path::{Path, PathBuf};

use crate::proof::bookcheck::files_under;
use workbook_core::course::{Course, Lesson};
use workbook_core::problem::Problem;
use workbook_core::ui;

/// Folders the walk never enters: build output, the runner's state, Git's.
const NOT_SOURCES: [&str; 4] = ["target", ".git", "node_modules", ".workbook"];

/// Words that bound the statement they stand in.
const BOUNDS: [&str; 6] = [
    "timeout", "within", "deadline", "PATIENCE", "Instant", "elapsed",
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
            problems.push(Problem {
                location: format!("{}:{}", relative.display(), finding.line),
                message: format!(
                    "waits for {} with no deadline: {}",
                    finding.what, finding.text
                ),
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
        println!(
            "  {} {}: {}",
            ui::fail_mark(),
            problem.location,
            problem.message
        );
    }
    if !problems.is_empty() {
        println!(
            "  give each a deadline that fails saying what it saw (testkit::within, \
             tokio::time::timeout, recv_timeout, testkit::tool's output helpers), or say \
             where its bound is: `// deadline: <why>`"
        );
    }
    problems.len()
}

/// The calls that wait, as written in code: the text, what it waits for, and whether it
/// must be a method call (written after a `.`).
const WAITS: [(&str, &str); 14] = [
    (".recv()", "a message on a channel"),
    (".wait()", "a process or a barrier"),
    (".wait_with_output()", "a process's output to its end"),
    (".output()", "a process's output to its end"),
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
            if !code.annotated(at) && !bounded(&code, at) {
                report(at, what, &mut found);
            }
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
        if !polls(inside) || inside.contains(".accept(") {
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

/// Whether the text found at `at` is the wait it looks like.
fn is_wait(code: &Code, at: usize, needle: &str, spawned: &[String]) -> bool {
    let statement = || {
        let (start, end) = code.statement(at);
        &code.text[start..end]
    };
    match needle {
        ".wait()" | ".await" if ended_just_before(code, at) => false,
        ".status()" => {
            statement().contains("Command") || receiver(code, at).to_lowercase().contains("command")
        }
        ".read_to_string(" | ".read_to_end(" | ".read_exact(" => !statement().contains("File"),
        ".await" => {
            let name = receiver(code, at);
            spawned.contains(&name)
        }
        _ => true,
    }
}

/// Whether what is awaited at `at` was just killed or aborted: a killed process ends at
/// once, and `wait()` only reaps it; an aborted task ends at its next `.await`.
fn ended_just_before(code: &Code, at: usize) -> bool {
    let mut from = at.saturating_sub(200);
    while !code.text.is_char_boundary(from) {
        from -= 1;
    }
    let before = &code.text[from..at];
    before.contains("kill(") || before.contains(".abort()")
}

/// The identifier a method is called on: `child` in `child.wait()`, `` otherwise.
fn receiver(code: &Code, at: usize) -> String {
    let before = &code.text[..at];
    let start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    before[start..].to_string()
}

/// The names given to spawned tasks' and threads' handles (`let server = tokio::spawn(…)`).
fn spawned_handles(code: &Code) -> Vec<String> {
    let mut names = Vec::new();
    for (at, _) in code.text.match_indices("spawn") {
        let (start, _) = code.statement(at);
        let statement = code.text[start..at].trim_start();
        let Some(rest) = statement.strip_prefix("let ") else {
            continue;
        };
        let rest = rest.trim_start().trim_start_matches("mut ").trim_start();
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() && rest[name.len()..].trim_start().starts_with('=') {
            names.push(name);
        }
    }
    names
}

/// Whether a loop's text waits on something.
fn polls(inside: &str) -> bool {
    let waits = [
        ".await",
        "sleep(",
        "recv_timeout(",
        ".read(",
        ".recv()",
        ".wait()",
        ".notified()",
        ".read_line(",
        ".next_line()",
        ".read_to_end(",
        ".read_to_string(",
        ".read_exact(",
        ".join()",
    ];
    waits.iter().any(|wait| inside.contains(wait))
}

/// Whether the wait at `at` is bounded by its own statement or one around it.
fn bounded(code: &Code, at: usize) -> bool {
    let (start, mut end) = code.statement(at);
    // In a loop's or an `if`'s head, the statement is the head: a bound in the block it
    // opens is checked after the wait, not during it.
    let control = ["if ", "while ", "for ", "match ", "loop"];
    if control
        .iter()
        .any(|word| code.text[start..].trim_start().starts_with(word))
        && let Some((open, _)) = code.block_after(at)
    {
        end = end.min(open);
    }
    let text = &code.text[start..end];
    BOUNDS.iter().any(|word| text.contains(word))
        || awaited_within(code, start, end)
        || bounded_around(code, at)
}

/// Whether the statement `start..end` makes a future (`let run = command.output();`, no
/// `.await`) that a later statement of its block awaits within a bound (`within("…", run)`).
fn awaited_within(code: &Code, start: usize, end: usize) -> bool {
    let statement = code.text[start..end].trim_start();
    let Some(rest) = statement.strip_prefix("let ") else {
        return false;
    };
    if statement.contains(".await") {
        return false;
    }
    let rest = rest.trim_start().trim_start_matches("mut ").trim_start();
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let block_end = code
        .enclosing_brace(start)
        .and_then(|open| code.matching(open))
        .unwrap_or(code.text.len());
    let mut at = end;
    while at < block_end {
        let (_, next_end) = code.statement(at + 1);
        let next = &code.text[at..next_end.max(at + 1).min(block_end)];
        let named = next
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .any(|word| word == name);
        if named && (next.contains("within(") || next.contains("timeout(")) {
            return !name.is_empty();
        }
        at = next_end.max(at + 1);
    }
    false
}

/// Whether a statement around `at` bounds it (or spawns it: a task's waits are its own),
/// out to the function it is written in. Loops bound nothing.
fn bounded_around(code: &Code, at: usize) -> bool {
    let mut at = at;
    while let Some(open) = code.enclosing_brace(at) {
        let (start, end) = code.statement(open);
        let close = code.matching(open).unwrap_or(end);
        let head = code.text[start..open].trim_start();
        let tail = &code.text[(close + 1).min(end)..end];
        if is_item(head) {
            return false;
        }
        if head.contains("spawn") {
            return true;
        }
        let is_loop = ["loop", "while ", "for "]
            .iter()
            .any(|keyword| head.starts_with(keyword))
            || head.contains(": loop");
        let bounds = |text: &str| BOUNDS.iter().any(|word| text.contains(word));
        if !is_loop && (bounds(head) || bounds(tail)) {
            return true;
        }
        at = open;
    }
    false
}

/// Whether a block's head opens an item (a function, an impl, a module), which no
/// statement around it can bound.
fn is_item(head: &str) -> bool {
    let words: Vec<&str> = head
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .collect();
    ["fn", "impl", "mod", "trait"]
        .iter()
        .any(|item| words.contains(item))
}

/// A file's code with its comments and literals blanked out (each byte of them a space,
/// newlines kept, so offsets and lines are the source's), and its comments by line.
struct Code {
    text: String,
    /// For each line (0-based), the comments on it.
    comments: Vec<String>,
    /// Where each line starts.
    line_starts: Vec<usize>,
}

impl Code {
    fn new(source: &str) -> Code {
        let bytes = source.as_bytes();
        let mut text = bytes.to_vec();
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(
                bytes
                    .iter()
                    .enumerate()
                    .filter(|(_, b)| **b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .collect();
        let mut comments = vec![String::new(); line_starts.len()];
        let blank = |text: &mut Vec<u8>, from: usize, to: usize| {
            for byte in &mut text[from..to.min(bytes.len())] {
                if *byte != b'\n' {
                    *byte = b' ';
                }
            }
        };
        let ident =
            |i: usize| i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_');
        let mut i = 0;
        while i < bytes.len() {
            let rest = &bytes[i..];
            if rest.starts_with(b"//") {
                let end = rest
                    .iter()
                    .position(|b| *b == b'\n')
                    .map_or(bytes.len(), |n| i + n);
                let line = line_starts.partition_point(|&s| s <= i) - 1;
                comments[line].push_str(&source[i..end]);
                blank(&mut text, i, end);
                i = end;
            } else if rest.starts_with(b"/*") {
                let mut depth = 0;
                let mut j = i;
                while j < bytes.len() {
                    if bytes[j..].starts_with(b"/*") {
                        depth += 1;
                        j += 2;
                    } else if bytes[j..].starts_with(b"*/") {
                        depth -= 1;
                        j += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        j += 1;
                    }
                }
                blank(&mut text, i, j);
                i = j;
            } else if !ident(i) && raw_string_start(rest).is_some() {
                let (open, hashes) = raw_string_start(rest).expect("checked");
                let mut closing = vec![b'"'];
                closing.extend(std::iter::repeat_n(b'#', hashes));
                let from = i + open;
                let end = bytes[from..]
                    .windows(closing.len())
                    .position(|w| w == closing.as_slice())
                    .map_or(bytes.len(), |n| from + n);
                blank(&mut text, from, end);
                i = end + closing.len();
            } else if bytes[i] == b'"' {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                blank(&mut text, i + 1, j);
                i = j + 1;
            } else if bytes[i] == b'\'' {
                // A char literal ('x', '\n', '"', 'é'), or a lifetime or a label ('a).
                let after = &bytes[i + 1..];
                let end = if after.first() == Some(&b'\\') {
                    after
                        .iter()
                        .skip(1)
                        .position(|b| *b == b'\'')
                        .map(|n| i + 2 + n)
                } else {
                    let width = after.first().map_or(1, |b| utf8_width(*b));
                    (after.get(width) == Some(&b'\'')).then_some(i + 1 + width)
                };
                match end {
                    Some(end) => {
                        blank(&mut text, i + 1, end);
                        i = end + 1;
                    }
                    None => i += 1,
                }
            } else {
                i += 1;
            }
        }
        let text = String::from_utf8(text).unwrap_or_else(|_| source.to_string());
        Code {
            text,
            comments,
            line_starts,
        }
    }

    /// The 1-based line of offset `at`.
    fn line_of(&self, at: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= at)
    }

    /// Whether a `// deadline: <why>` comment stands on the line of `at`, on the line above,
    /// or on the line above its statement.
    fn annotated(&self, at: usize) -> bool {
        let says = |line: usize| self.comments[line].trim_start().starts_with("// deadline:");
        // A line above counts when it is the comment alone, not a comment on its own code.
        let alone = |line: usize| says(line) && self.code_on(line).trim().is_empty();
        let line = self.line_of(at) - 1;
        let start = self.statement(at).0;
        let first = self.line_of(start + leading_space(&self.text[start..])) - 1;
        says(line)
            || says(first)
            || [line.checked_sub(1), first.checked_sub(1)]
                .into_iter()
                .flatten()
                .any(alone)
    }

    /// The code on a 0-based line, comments blanked.
    fn code_on(&self, line: usize) -> &str {
        let start = self.line_starts[line];
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |n| n - 1);
        &self.text[start..end]
    }

    /// The statement around `at`: from after the `;`, `{` or `}` before it (at its own depth:
    /// the parentheses it stands in are part of it) to its `;` or its block's `}`.
    fn statement(&self, at: usize) -> (usize, usize) {
        let bytes = self.text.as_bytes();
        let mut depth = 0usize;
        let mut start = 0;
        for i in (0..at).rev() {
            match bytes[i] {
                b')' | b']' | b'}' if depth > 0 || bytes[i] != b'}' => depth += 1,
                b'}' | b';' | b'{' if depth == 0 => {
                    start = i + 1;
                    break;
                }
                b'(' | b'[' | b'{' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        let mut depth = 0usize;
        let mut end = bytes.len();
        let mut i = at;
        while i < bytes.len() {
            match bytes[i] {
                b'(' | b'[' | b'{' => depth += 1,
                b'}' if depth == 0 => {
                    end = i;
                    break;
                }
                b')' | b']' if depth == 0 => {}
                b')' | b']' | b'}' => {
                    depth -= 1;
                    // A block closed at the statement's own depth ends it, unless the
                    // statement goes on (`.unwrap()`, `else`, `?`).
                    if depth == 0 && bytes[i] == b'}' {
                        let next = self.text[i + 1..].trim_start();
                        let goes_on = [".", "?", "else", ")", ",", ";", "]"]
                            .iter()
                            .any(|more| next.starts_with(more));
                        if !goes_on {
                            end = i + 1;
                            break;
                        }
                    }
                }
                b';' if depth == 0 => {
                    end = i + 1;
                    break;
                }
                _ => {}
            }
            i += 1;
        }
        (start, end)
    }

    /// The `{` of the block `at` stands in.
    fn enclosing_brace(&self, at: usize) -> Option<usize> {
        let bytes = self.text.as_bytes();
        let mut depth = 0usize;
        for i in (0..at).rev() {
            match bytes[i] {
                b')' | b']' | b'}' => depth += 1,
                b'{' if depth == 0 => return Some(i),
                b'(' | b'[' | b'{' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        None
    }

    /// The `}` that closes the `{` at `open`.
    fn matching(&self, open: usize) -> Option<usize> {
        let mut depth = 0usize;
        for (i, byte) in self.text.bytes().enumerate().skip(open) {
            match byte {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Where each of `keywords` stands as a word, and which.
    fn keywords<'a>(&self, keywords: &[&'a str]) -> Vec<(usize, &'a str)> {
        let bytes = self.text.as_bytes();
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let mut found = Vec::new();
        for keyword in keywords {
            for (at, _) in self.text.match_indices(keyword) {
                let before = at.checked_sub(1).map(|i| bytes[i]);
                let after = bytes.get(at + keyword.len()).copied();
                let at_statement = before.is_none_or(|b| !word(b) && b != b'.' && b != b'\'');
                if at_statement && after.is_none_or(|b| !word(b)) {
                    found.push((at, *keyword));
                }
            }
        }
        found
    }

    /// The `{` of the block that follows a loop's keyword (its head runs up to it, outside
    /// any parentheses), and the block's span.
    fn block_after(&self, from: usize) -> Option<(usize, (usize, usize))> {
        let bytes = self.text.as_bytes();
        let mut depth = 0usize;
        for (i, byte) in bytes.iter().enumerate().skip(from) {
            match byte {
                b'{' if depth == 0 => return Some((i, (i, self.matching(i)?))),
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth = depth.checked_sub(1)?,
                b';' | b'}' if depth == 0 => return None,
                _ => {}
            }
        }
        None
    }
}

/// The length of the whitespace `text` starts with.
fn leading_space(text: &str) -> usize {
    text.len() - text.trim_start().len()
}

/// `r"`, `r#"`, `br##"`…: where the raw string's text starts and how many `#` close it.
fn raw_string_start(rest: &[u8]) -> Option<(usize, usize)> {
    let after_b = rest.strip_prefix(b"b").unwrap_or(rest);
    let after_r = after_b.strip_prefix(b"r")?;
    let hashes = after_r.iter().take_while(|b| **b == b'#').count();
    (after_r.get(hashes) == Some(&b'"'))
        .then_some((rest.len() - after_r.len() + hashes + 1, hashes))
}

/// How many bytes the UTF-8 character starting with `first` takes.
fn utf8_width(first: u8) -> usize {
    match first {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests;
