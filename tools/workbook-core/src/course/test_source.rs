//! What a test file says in words: the assertions and waits of an exercise's tests, read
//! from their source.
//!
//! Two readers need it. The runner, showing a failed `assert_eq!`, names the two sides by
//! the expressions the test wrote (`left` is `reply`, `right` is `b"hello\n"`), so that a
//! learner can tell their value from the expected one. And the Chinese edition translates
//! the tests' messages (`assert!(ok, "the echo should …")`): `workbook-dev verify` lists
//! every message a test can print, to hold the translations to the tests.
//!
//! This is a scanner, not a parser: it knows Rust's comments, strings and brackets well
//! enough to find a call, split its arguments at the commas between them, and read a
//! string literal. A call it cannot follow is simply not found.

/// The calls whose arguments say something: the assertions, the panics, and testkit's waits.
/// With the position of the argument that is the message (a format string, or plain words).
const CALLS: [(&str, bool, usize); 8] = [
    // (name, a macro?, the message's argument)
    ("assert", true, 1),
    ("assert_eq", true, 2),
    ("assert_ne", true, 2),
    ("panic", true, 0),
    ("unreachable", true, 0),
    ("expect", false, 0),
    ("within", false, 0),
    ("same_bytes", false, 2),
];

/// One call found in a test's source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// `assert_eq`, `expect`, …
    pub name: &'static str,
    /// The line its name stands on, from 1: where a panic says it happened.
    pub line: usize,
    /// Each argument's text, trimmed.
    pub args: Vec<String>,
    /// Which of `args` is the message, if the call has one.
    message_arg: usize,
}

impl Call {
    /// The message the call would print, when the test wrote it as a string literal: the
    /// format string itself (`"sent {sent:?}, got {got:?}"`), its escapes read.
    pub fn message(&self) -> Option<String> {
        string_literal(self.args.get(self.message_arg)?)
    }
}

/// Every call of [`CALLS`] in `source`, in order, nested ones included.
pub fn calls(source: &str) -> Vec<Call> {
    let bytes = source.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if let Some(next) = skip_literal_or_comment(source, at) {
            at = next;
            continue;
        }
        let starts_word = bytes[at].is_ascii_alphabetic()
            && (at == 0 || !(bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_'));
        if !starts_word {
            at += 1;
            continue;
        }
        let end = at
            + source[at..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(source.len() - at);
        let word = &source[at..end];
        if let Some(&(name, macro_call, message_arg)) = CALLS.iter().find(|(n, ..)| *n == word) {
            let rest = &source[end..];
            let open = if macro_call {
                rest.strip_prefix('!').map(str::trim_start)
            } else {
                Some(rest.trim_start())
            };
            if let Some(args_from) = open.and_then(|r| r.strip_prefix('(')) {
                let from = source.len() - args_from.len();
                if let Some(args) = arguments(source, from) {
                    found.push(Call {
                        name,
                        line: source[..at].matches('\n').count() + 1,
                        args,
                        message_arg,
                    });
                }
            }
        }
        at = end;
    }
    found
}

/// The call at `line`, as a panic there names it.
pub fn call_at(source: &str, line: usize) -> Option<Call> {
    calls(source).into_iter().find(|call| call.line == line)
}

/// The arguments of a call whose `(` ends just before `from`, up to its `)`.
fn arguments(source: &str, from: usize) -> Option<Vec<String>> {
    let bytes = source.as_bytes();
    let mut args = Vec::new();
    let mut depth = 0usize;
    let mut start = from;
    let mut at = from;
    while at < bytes.len() {
        if let Some(next) = skip_literal_or_comment(source, at) {
            at = next;
            continue;
        }
        match bytes[at] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' if depth > 0 => depth -= 1,
            b')' => {
                let last = source[start..at].trim();
                if !last.is_empty() {
                    args.push(last.to_string());
                }
                return Some(args);
            }
            b',' if depth == 0 => {
                args.push(source[start..at].trim().to_string());
                start = at + 1;
            }
            _ => {}
        }
        at += 1;
    }
    None
}

/// Where a comment, a string or a character literal that starts at `at` ends; `None` when
/// none starts there.
fn skip_literal_or_comment(source: &str, at: usize) -> Option<usize> {
    // The scan moves byte by byte: inside a character (a name written `café`), nothing starts.
    let rest = source.get(at..)?;
    if rest.starts_with("//") {
        return Some(at + rest.find('\n').unwrap_or(rest.len()));
    }
    if rest.starts_with("/*") {
        return Some(at + rest.find("*/").map_or(rest.len(), |end| end + 2));
    }
    let prefixed = rest.strip_prefix('b').unwrap_or(rest);
    if let Some(raw) = prefixed.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        if raw[hashes..].starts_with('"') {
            let close = format!("\"{}", "#".repeat(hashes));
            let body = &raw[hashes + 1..];
            let end = body.find(&close).map_or(body.len(), |e| e + close.len());
            return Some(source.len() - body.len() + end);
        }
    }
    if let Some(body) = prefixed.strip_prefix('"') {
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => return Some(source.len() - body.len() + i + 1),
                _ => {}
            }
        }
        return Some(source.len());
    }
    // A character literal ('a', '\n', '\''), not a lifetime ('a).
    if let Some(body) = prefixed.strip_prefix('\'') {
        let mut chars = body.char_indices();
        let len = match chars.next()? {
            (_, '\\') => {
                chars.next()?;
                chars.find(|&(_, c)| c == '\'')?.0 + 1
            }
            _ => {
                let (i, after) = chars.next()?;
                if after != '\'' {
                    return None;
                }
                i + 1
            }
        };
        return Some(source.len() - body.len() + len);
    }
    None
}

/// The text a Rust string literal stands for (`"a \"b\"\n"` → `a "b"` and a newline), or
/// `None` when `text` is not one.
pub fn string_literal(text: &str) -> Option<String> {
    if let Some(raw) = text.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw[hashes..].strip_prefix('"')?;
        return Some(
            body.strip_suffix(&format!("\"{}", "#".repeat(hashes)))?
                .to_string(),
        );
    }
    let body = text.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(char::from(u8::from_str_radix(&hex, 16).ok()?));
            }
            'u' => {
                let hex: String = chars.by_ref().skip(1).take_while(|&c| c != '}').collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            // A backslash at a line's end joins it to the next, without its indentation.
            '\n' => while chars.next_if(|c| c.is_whitespace()).is_some() {},
            other => out.push(other),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests;
