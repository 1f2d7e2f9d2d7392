//! Comparing a run with the book: `[..]` for any text within a line, a `...` line for
//! any number of lines, and a short diff when they differ; and looking again, for what a
//! run shows a moment after the check first looks.

use std::sync::LazyLock;
use std::time::{Duration, Instant};

use regex::Regex;

/// A line of the difference between the book and a run.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum DiffLine {
    /// In both (the book's line).
    Same(String),
    /// In the book, not in the run.
    Missing(String),
    /// In the run, not in the book.
    Extra(String),
}

/// How a run's output differs from the book.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Mismatch {
    /// The book's line (index into the expected lines) where the difference starts; the
    /// number of lines when the run printed more after the last one.
    pub(super) at: usize,
    pub(super) diff: Vec<DiffLine>,
}

/// Whether `line` is what `pattern` shows, `[..]` standing for any text. What differs in
/// every run is the same wherever it stands: a log's timestamps
/// (`2026-11-22T10:35:48.446223Z`) and the time in cargo's `Finished … in 0.21s`.
pub(super) fn line_matches(pattern: &str, line: &str) -> bool {
    let (pattern, line) = (without_times(pattern), without_times(line));
    matches_pieces(&pattern, &line)
}

/// `text` with each timestamp and cargo's build time replaced by `[time]`.
fn without_times(text: &str) -> String {
    let mut text = text.to_string();
    if text.trim_start().starts_with("Finished `")
        && let Some(at) = text.rfind(" in ")
        && text.ends_with('s')
    {
        text.replace_range(at + 4.., "[time]");
    }
    // An HTTP date header (`date: Sun, 22 Nov 2026 10:25:14 GMT`, `last-modified: …`).
    if text.ends_with(" GMT")
        && let Some(at) = text.find(": ")
        && text[..at]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        text.replace_range(at + 2.., "[time]");
    }
    TIMESTAMP.replace_all(&text, "[time]").into_owned()
}

/// An RFC 3339 UTC timestamp (`2026-11-22T10:35:48Z`, with or without a fraction of a
/// second), in ASCII digits.
static TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?Z")
        .expect("a valid pattern")
});

fn matches_pieces(pattern: &str, line: &str) -> bool {
    let mut pieces = pattern.split("[..]");
    let Some(mut rest) = line.strip_prefix(pieces.next().unwrap_or_default()) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else {
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// Lines without trailing spaces or trailing empty lines.
pub(super) fn tidy<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut tidy: Vec<&str> = lines.into_iter().map(str::trim_end).collect();
    while tidy.last().is_some_and(|line| line.is_empty()) {
        tidy.pop();
    }
    tidy
}

/// Compares what a run printed with the lines the book shows under the command.
///
/// The lines are aligned as a diff is, at the least number of lines missing or extra; a
/// `...` line takes any number of the run's lines at no cost. The run matches when
/// nothing is missing or extra.
pub(super) fn compare(book: &[&str], run: &[&str]) -> Result<(), Mismatch> {
    let is_any = |line: &str| line == "...";
    let (n, m) = (book.len(), run.len());
    // cost[i][j]: lines missing or extra to align book[i..] with run[j..].
    let mut cost = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..=n).rev() {
        for j in (0..=m).rev() {
            cost[i][j] = if i == n {
                m - j
            } else if is_any(book[i]) {
                if j == m {
                    cost[i + 1][j]
                } else {
                    cost[i + 1][j].min(cost[i][j + 1])
                }
            } else if j == m {
                cost[i + 1][j] + 1
            } else {
                let skip = (cost[i + 1][j] + 1).min(cost[i][j + 1] + 1);
                if line_matches(book[i], run[j]) {
                    skip.min(cost[i + 1][j + 1])
                } else {
                    skip
                }
            };
        }
    }
    if cost[0][0] == 0 {
        return Ok(());
    }

    let (mut i, mut j) = (0, 0);
    let mut diff = Vec::new();
    let mut at = None;
    while i < n || j < m {
        if i < n && is_any(book[i]) {
            if j < m && cost[i][j + 1] == cost[i][j] {
                j += 1; // taken by `...`
            } else {
                diff.push(DiffLine::Same(book[i].to_string()));
                i += 1;
            }
        } else if i < n
            && j < m
            && line_matches(book[i], run[j])
            && cost[i + 1][j + 1] == cost[i][j]
        {
            diff.push(DiffLine::Same(book[i].to_string()));
            i += 1;
            j += 1;
        } else if i < n && cost[i + 1][j] + 1 == cost[i][j] {
            at.get_or_insert(i);
            diff.push(DiffLine::Missing(book[i].to_string()));
            i += 1;
        } else {
            at.get_or_insert(i);
            diff.push(DiffLine::Extra(run[j].to_string()));
            j += 1;
        }
    }
    Err(Mismatch {
        at: at.unwrap_or(n),
        diff,
    })
}

/// Whether `printed` is what the book shows.
pub(super) fn shows(book: &[&str], printed: &str) -> bool {
    compare(book, &tidy(printed.lines())).is_ok()
}

/// Looks with `look` until `done` says it saw what the book shows, or `patience` has passed,
/// every `every`; returns the last look. With no patience, it looks once.
///
/// A reader sees a line once it is there; the check can be quicker than what it watches. A
/// server listens before it logs its registration, a log is read while it is still written,
/// a lab sees a killed member as failed seconds later. Looking again is the check waiting as
/// a reader would, up to a bound: a run that never shows the book's lines is compared as it
/// last was, and differs.
pub(super) async fn look_until<T, E>(
    patience: Duration,
    every: Duration,
    mut look: impl AsyncFnMut() -> Result<T, E>,
    done: impl Fn(&T) -> bool,
) -> Result<T, E> {
    let deadline = Instant::now() + patience;
    loop {
        let seen = look().await?;
        if done(&seen) || Instant::now() >= deadline {
            return Ok(seen);
        }
        tokio::time::sleep(every).await;
    }
}

/// The changed lines of a diff with two lines of context, at most `max` lines.
pub(super) fn short_diff(diff: &[DiffLine], max: usize) -> Vec<String> {
    let changed: Vec<bool> = diff
        .iter()
        .map(|line| !matches!(line, DiffLine::Same(_)))
        .collect();
    let near_change = |index: usize| {
        changed[index.saturating_sub(2)..(index + 3).min(changed.len())]
            .iter()
            .any(|c| *c)
    };
    let mut lines = Vec::new();
    let mut skipped = false;
    for (index, line) in diff.iter().enumerate() {
        if !near_change(index) {
            skipped = true;
            continue;
        }
        if std::mem::take(&mut skipped) && !lines.is_empty() {
            lines.push("  …".to_string());
        }
        let line = match line {
            DiffLine::Same(text) => format!("  {text}"),
            DiffLine::Missing(text) => format!("- {text}"),
            DiffLine::Extra(text) => format!("+ {text}"),
        };
        lines.push(line.trim_end().to_string());
    }
    if lines.len() > max {
        let more = lines.len() - max;
        lines.truncate(max);
        lines.push(format!("  … {more} more lines"));
    }
    lines
}

#[cfg(test)]
mod tests;
