//! A Rust file read well enough to find its statements: its code with comments and
//! literals blanked out, its comments by line, and the brackets that nest them. A scanner,
//! not a parser, as `workbook_core::course::test_source` is.

/// A file's code with its comments and literals blanked out (each byte of them a space,
/// newlines kept, so offsets and lines are the source's), and its comments by line.
pub(super) struct Code {
    pub(super) text: String,
    /// For each line (0-based), the comments on it.
    comments: Vec<String>,
    /// Where each line starts.
    line_starts: Vec<usize>,
}

impl Code {
    pub(super) fn new(source: &str) -> Code {
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
    pub(super) fn line_of(&self, at: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= at)
    }

    /// Whether a `// deadline: <why>` comment stands on the line of `at`, on the line above,
    /// or on the line above its statement.
    pub(super) fn annotated(&self, at: usize) -> bool {
        let says = |line: usize| self.comments[line].trim_start().starts_with("// deadline:");
        // A line above counts when it is the comment alone, not a comment on its own code.
        let alone = |line: usize| says(line) && self.code_on(line).trim().is_empty();
        let line = self.line_of(at) - 1;
        let start = self.statement(at).0;
        let first = self.line_of(start + leading_space(&self.text[start..])) - 1;
        // The comment block above a line: its comment lines, up to the first line of code.
        let above = |line: usize| {
            (0..line)
                .rev()
                .take_while(|&above| self.code_on(above).trim().is_empty())
                .any(alone)
        };
        says(line) || says(first) || above(line) || above(first)
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
    pub(super) fn statement(&self, at: usize) -> (usize, usize) {
        let bytes = self.text.as_bytes();
        // Each bracket open at `at`, with the last statement boundary seen directly in it:
        // a `;`, or a block closed (a `}` whose parent is a block, not a struct literal or a
        // closure among a call's arguments).
        let mut open: Vec<(u8, usize)> = vec![(b'{', 0)];
        for (i, &byte) in bytes.iter().enumerate().take(at) {
            match byte {
                b'{' | b'(' | b'[' => open.push((byte, i + 1)),
                b'}' | b')' | b']' => {
                    if open.len() > 1 {
                        open.pop();
                    }
                    if byte == b'}'
                        && let Some(top) = open.last_mut()
                        && top.0 == b'{'
                    {
                        top.1 = i + 1;
                    }
                }
                b';' => {
                    if let Some(top) = open.last_mut()
                        && top.0 == b'{'
                    {
                        top.1 = i + 1;
                    }
                }
                _ => {}
            }
        }
        let start = open
            .iter()
            .rev()
            .find(|(byte, _)| *byte == b'{')
            .map_or(0, |(_, start)| *start);
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
    pub(super) fn enclosing_brace(&self, at: usize) -> Option<usize> {
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
    pub(super) fn matching(&self, open: usize) -> Option<usize> {
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
    pub(super) fn keywords<'a>(&self, keywords: &[&'a str]) -> Vec<(usize, &'a str)> {
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
    pub(super) fn block_after(&self, from: usize) -> Option<(usize, (usize, usize))> {
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
