//! A Rust file's lines as the answer check compares them: the code of each line without its
//! comments and whitespace (its key), and the same with the names a copy would change
//! replaced (its renamed key).
//!
//! Renaming: a learner who copies code keeps its calls (they are the API) and may change
//! everything else. So a name stays where it is a keyword, is called or names a macro
//! (followed by `(`, `!` or `::<`), or is part of a path (`io::ErrorKind::InvalidData`,
//! `Vec::new`); every other name (a variable, a field, a parameter, a type written in an
//! annotation) becomes `$0`, `$1`, … in the order it first appears in the line, and string
//! literals become `""`. Two lines whose names differ by a consistent renaming have the same
//! renamed key, whatever the names; a line that calls other methods does not.

/// Words of the language: kept by the renaming, and no content of a line on their own.
pub const KEYWORDS: [&str; 52] = [
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "Ok", "Err", "Some", "None", "u8", "u16", "u32", "u64", "usize",
    "i32", "i64", "bool", "str", "char", "_",
];

/// One line of code, as the checks compare it.
#[derive(Debug, Clone)]
pub struct Line<'a> {
    /// 1-based.
    pub number: usize,
    /// As written.
    pub written: &'a str,
    /// The code without comments, trimmed.
    pub code: String,
    /// The code without comments and whitespace.
    pub key: String,
    /// The key with the names a copy may change replaced (the module's doc).
    pub renamed: String,
}

/// The lines of `text` that hold code, in order: not blank, not only a comment, an import,
/// an attribute or a module line; a file's unit tests (`#[cfg(test)]` on) left out, since a
/// learner does not copy from them.
pub fn code_lines(text: &str) -> Vec<Line<'_>> {
    let mut lines = Vec::new();
    let mut in_block_comment = false;
    for (index, written) in text.lines().enumerate() {
        let trimmed = written.trim();
        if trimmed.starts_with("#[cfg(test)]") {
            break;
        }
        let code = without_comments(written, &mut in_block_comment);
        let code = code.trim();
        if code.is_empty() || is_boilerplate(code) {
            continue;
        }
        let key: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        lines.push(Line {
            number: index + 1,
            written,
            renamed: renamed(code),
            key,
            code: code.to_string(),
        });
    }
    lines
}

/// Whether a line's key says nothing by itself: brackets, punctuation and the language's
/// words alone (`}`, `});`, `} else {`, `Ok(())`, `loop {`).
pub fn is_trivial(key: &str) -> bool {
    tokens(key).iter().all(|token| match token {
        Token::Name(name) => KEYWORDS.contains(&name.as_str()),
        Token::Literal(_) => false,
        Token::Punct(_) => true,
    })
}

/// Lines every Rust file has: imports, attributes, module lines.
fn is_boilerplate(code: &str) -> bool {
    const STARTS: [&str; 6] = ["#[", "#![", "use ", "pub use ", "mod ", "pub mod "];
    STARTS.iter().any(|start| code.starts_with(start))
}

/// `line` without its `//` comment and the parts inside `/* … */` (which may span lines:
/// `in_block` carries that over). Strings and character literals are read past, so that
/// `"http://…"` is no comment.
pub(super) fn without_comments(line: &str, in_block: &mut bool) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut code = String::new();
    let mut i = 0;
    while i < chars.len() {
        if *in_block {
            if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                *in_block = false;
                i += 2;
            } else {
                i += 1;
            }
            continue;
        }
        match chars[i] {
            '/' if chars.get(i + 1) == Some(&'/') => break,
            '/' if chars.get(i + 1) == Some(&'*') => {
                *in_block = true;
                i += 2;
            }
            '"' => {
                let end = string_end(&chars, i);
                code.extend(&chars[i..end]);
                i = end;
            }
            '\'' => {
                let end = char_literal_end(&chars, i).unwrap_or(i + 1);
                code.extend(&chars[i..end]);
                i = end;
            }
            c => {
                code.push(c);
                i += 1;
            }
        }
    }
    code
}

/// Past the string literal that opens at `start` (or the line's end).
fn string_end(chars: &[char], start: usize) -> usize {
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

/// Past the character literal that opens at `start` (`'x'`, `'\n'`); `None` for a
/// lifetime (`'a`).
fn char_literal_end(chars: &[char], start: usize) -> Option<usize> {
    match chars.get(start + 1) {
        Some('\\') => (start + 2..chars.len().min(start + 12))
            .find(|&i| chars[i] == '\'')
            .map(|i| i + 1),
        Some(_) if chars.get(start + 2) == Some(&'\'') => Some(start + 3),
        _ => None,
    }
}

/// A piece of a line of code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Name(String),
    /// A string, character or number literal, as written.
    Literal(String),
    Punct(char),
}

/// The tokens of a line of code (whitespace dropped).
pub fn tokens(code: &str) -> Vec<Token> {
    let chars: Vec<char> = code.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '"' || (c == 'b' && chars.get(i + 1) == Some(&'"')) {
            let open = if c == 'b' { i + 1 } else { i };
            let end = string_end(&chars, open);
            tokens.push(Token::Literal(chars[i..end].iter().collect()));
            i = end;
        } else if c == '\'' || (c == 'b' && chars.get(i + 1) == Some(&'\'')) {
            let open = if c == 'b' { i + 1 } else { i };
            match char_literal_end(&chars, open) {
                Some(end) => {
                    tokens.push(Token::Literal(chars[i..end].iter().collect()));
                    i = end;
                }
                None => {
                    tokens.push(Token::Punct('\''));
                    i += 1;
                }
            }
        } else if c.is_alphabetic() || c == '_' {
            let end = (i..chars.len())
                .find(|&j| !(chars[j].is_alphanumeric() || chars[j] == '_'))
                .unwrap_or(chars.len());
            tokens.push(Token::Name(chars[i..end].iter().collect()));
            i = end;
        } else if c.is_ascii_digit() {
            let end = (i..chars.len())
                .find(|&j| !(chars[j].is_alphanumeric() || chars[j] == '_'))
                .unwrap_or(chars.len());
            tokens.push(Token::Literal(chars[i..end].iter().collect()));
            i = end;
        } else {
            tokens.push(Token::Punct(c));
            i += 1;
        }
    }
    tokens
}

/// Whether the name at `at` in `tokens` stays as it is in a copy (the module's doc): a
/// keyword, a call, a macro, a part of a path.
pub fn kept(tokens: &[Token], at: usize) -> bool {
    let punct = |at: usize, c: char| tokens.get(at) == Some(&Token::Punct(c));
    let Some(Token::Name(name)) = tokens.get(at) else {
        return true;
    };
    let called = punct(at + 1, '(') || punct(at + 1, '!');
    let path_next = punct(at + 1, ':') && punct(at + 2, ':');
    let path_before = at >= 2 && punct(at - 1, ':') && punct(at - 2, ':');
    KEYWORDS.contains(&name.as_str()) || called || path_next || path_before
}

/// The renamed key of a line of code (the module's doc).
fn renamed(code: &str) -> String {
    let tokens = tokens(code);
    let mut names: Vec<&str> = Vec::new();
    let mut key = String::new();
    for (at, token) in tokens.iter().enumerate() {
        match token {
            Token::Name(name) => {
                if kept(&tokens, at) {
                    key.push_str(name);
                } else {
                    let index = names.iter().position(|n| n == name).unwrap_or_else(|| {
                        names.push(name);
                        names.len() - 1
                    });
                    key.push_str(&format!("${index}"));
                }
            }
            Token::Literal(text) if text.ends_with('"') => key.push_str("\"\""),
            Token::Literal(text) => key.push_str(text),
            Token::Punct(c) => key.push(*c),
        }
    }
    key
}

/// Whether `needle` stands in `haystack` as code: where it begins or ends with a name, the
/// name is whole there (`read` is not in `thread`).
pub fn contains_code(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    let starts_name = needle.starts_with(is_name);
    let ends_name = needle.ends_with(is_name);
    haystack.match_indices(needle).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        let cut_before = starts_name && before.is_some_and(is_name);
        let cut_after = ends_name && after.is_some_and(is_name);
        !(cut_before || cut_after)
    })
}
