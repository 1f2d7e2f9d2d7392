//! When a call is a wait, and when a wait is bounded: the rules of the module's doc, on
//! the code as [`Code`] reads it.

use super::BOUNDS;
use super::code::Code;

/// Whether the text found at `at` is the wait it looks like.
pub(super) fn is_wait(code: &Code, at: usize, needle: &str, spawned: &[String]) -> bool {
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
pub(super) fn receiver(code: &Code, at: usize) -> String {
    // (`lines` in `lines\n    .next()` too.)
    let before = code.text[..at].trim_end();
    let start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    before[start..].to_string()
}

/// The names given to what is awaited to its end: spawned tasks' and threads' handles
/// (`let server = tokio::spawn(…)`), and one-shot channels' receivers
/// (`let (ready_tx, ready_rx) = oneshot::channel()`).
pub(super) fn spawned_handles(code: &Code) -> Vec<String> {
    let mut names = Vec::new();
    for (at, _) in code.text.match_indices("oneshot::channel") {
        let (start, _) = code.statement(at);
        let statement = code.text[start..at].trim_start();
        if let Some(pair) = statement
            .strip_prefix("let (")
            .and_then(|rest| rest.split_once(')'))
            .and_then(|(pair, _)| pair.split(',').nth(1))
        {
            names.push(pair.trim().trim_start_matches("mut ").trim().to_string());
        }
    }
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

/// The names given to blocking readers' lines (`let mut lines = BufReader::new(stream)
/// .lines()`, no `.await` on them: std's iterator, whose `next()` blocks).
pub(super) fn blocking_readers(code: &Code) -> Vec<String> {
    let mut names = Vec::new();
    for (at, _) in code.text.match_indices(".lines()") {
        let (start, end) = code.statement(at);
        let statement = code.text[start..end].trim_start();
        let Some(name) = bound_name(statement) else {
            continue;
        };
        if !statement.contains("BufReader") {
            continue;
        }
        // tokio's lines are read with `next_line()`, a wait of its own.
        let block = code
            .enclosing_brace(start)
            .map_or(0..code.text.len(), |open| {
                open..code.matching(open).unwrap_or(code.text.len())
            });
        let async_lines = code.text[block].contains(&format!("{name}.next_line()"));
        if !name.is_empty() && !async_lines {
            names.push(name);
        }
    }
    names
}

/// The name a `let` statement binds (`let mut lines = …` → `lines`), if it is one.
fn bound_name(statement: &str) -> Option<String> {
    let rest = statement.strip_prefix("let ")?;
    let rest = rest.trim_start().trim_start_matches("mut ").trim_start();
    Some(
        rest.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect(),
    )
}

/// Whether a loop's text waits on something.
pub(super) fn polls(inside: &str) -> bool {
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
pub(super) fn bounded(code: &Code, at: usize) -> bool {
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
/// `.await`) that a later statement of its block awaits within a bound (`within("…", run)`),
/// or hands to a spawned task (a server's shutdown signal: `spawn(serve(listener, stop))`).
fn awaited_within(code: &Code, start: usize, end: usize) -> bool {
    let statement = code.text[start..end].trim_start();
    let Some(name) = bound_name(statement) else {
        return false;
    };
    // Awaited here (outside the blocks it writes, which are the future's own code).
    let mut depth = 0usize;
    let outside: String = statement
        .chars()
        .filter(|c| {
            match c {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
            depth == 0
        })
        .collect();
    if outside.contains(".await") {
        return false;
    }
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
        let handed = ["within(", "timeout(", "spawn("];
        if named && handed.iter().any(|call| next.contains(call)) {
            return !name.is_empty();
        }
        at = next_end.max(at + 1);
    }
    false
}

/// Whether a statement around `at` bounds it (or spawns it: a task's waits are its own),
/// out to the function it is written in. Loops bound nothing.
pub(super) fn bounded_around(code: &Code, at: usize) -> bool {
    let mut at = at;
    while let Some(open) = code.enclosing_brace(at) {
        let (start, end) = code.statement(open);
        let close = code.matching(open).unwrap_or(end);
        let head = code.text[start..open].trim_start();
        let tail = &code.text[(close + 1).min(end)..end];
        if is_item(head) {
            return false;
        }
        if head.contains("spawn") || awaited_within(code, start, end) {
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
