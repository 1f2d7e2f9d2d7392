//! What the hints quote, and which of an answer's lines hold it.
//!
//! Every span a hint writes in backticks, in either language, is read as code the learner
//! is handed, and so is a word of its prose that can only be code (`write_all`,
//! `JoinSet::spawn`, `accept()` written without backticks). A span says nothing of the answer, and is passed over, when it is:
//!
//! - a type, a trait or a variant (`JoinSet`, `io::ErrorKind`, `InvalidData`): the name of
//!   the documentation to read is the first hint the course asks for;
//! - a type written out (`Option<String>`, `(String, u32)`);
//! - a name shorter than [`SHORT_NAME`] characters, alone or at the end of a path (`read`,
//!   `buf`, `Vec::new`): such words stand in most lines of most answers, and a trap is often
//!   named by one ("a `read` of 0 bytes");
//! - language alone (`&mut`, `async move`, `Ok(())`, `\n`, `0`);
//! - already in the stub the learner starts from (its signature's names, the contract its
//!   doc comment states: `max_line + 1`).
//!
//! Any other span is a needle: a name (`write_all`; a path to a function or method,
//! `JoinSet::join_next`, counts by its last name, `join_next`, as the answer writes the
//! call) or an expression (`drop(listener)`, `&mut shutdown`), pieces of which a `...` or
//! `…` separates. An answer line holds it where its code (whitespace left out) has it,
//! names whole. An expression of [`EXPRESSION`] characters or more that stands in the
//! answer is the answer in words: the hint writes code the learner then types.

use super::lines::{KEYWORDS, Line, Token, contains_code, tokens};

/// A name shorter than this, alone or at the end of a path, is passed over.
pub const SHORT_NAME: usize = 5;

/// A span holding a call or an operator, this long or longer (whitespace left out), that
/// stands in an answer line writes the answer: a shorter one (`buf[..n]`, `n == 0`) is the
/// language's vocabulary.
pub const EXPRESSION: usize = 10;

/// What a span gives the learner, as an answer line is searched for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needle {
    /// As the hint wrote it.
    pub span: String,
    /// Which hint (1-based).
    pub hint: usize,
    /// What is looked for in a line's key.
    pub code: String,
    /// An expression (a call, an operator), not a name.
    pub expression: bool,
}

/// The code `hint` quotes: its backtick spans, and the words of its prose that can only be
/// code (a name with `_` inside, a path with `::`, a call with `()`), so that dropping the
/// backticks hides nothing.
pub fn spans(hint: &str) -> Vec<&str> {
    let mut spans = Vec::new();
    for (index, part) in hint.split('`').enumerate() {
        if index % 2 == 1 {
            spans.push(part);
            continue;
        }
        let code_like = |c: char| c.is_ascii_alphanumeric() || "_:()!.".contains(c);
        for word in part.split(|c: char| !code_like(c)) {
            let word = word.trim_matches(|c: char| ".:!".contains(c));
            let has_name = word.contains(|c: char| c.is_ascii_alphabetic());
            let inner_underscore = word.trim_matches('_').contains('_');
            if has_name && (inner_underscore || word.contains("::") || word.ends_with("()")) {
                spans.push(word);
            }
        }
    }
    spans
}

/// The needles of a ladder of hints (each language's, one after the other), given the stub
/// the learner starts from.
pub fn needles(hints: &[(usize, &str)], stub: &str) -> Vec<Needle> {
    let stub_key: String = stub.chars().filter(|c| !c.is_whitespace()).collect();
    let mut found: Vec<Needle> = Vec::new();
    for (hint, text) in hints {
        for span in spans(text) {
            let normal = span.replace('…', "...");
            for piece in normal.split("...") {
                let Some(needle) = needle(piece, &stub_key) else {
                    continue;
                };
                if found.iter().any(|n| n.code == needle.0) {
                    continue;
                }
                found.push(Needle {
                    span: span.to_string(),
                    hint: *hint,
                    code: needle.0,
                    expression: needle.1,
                });
            }
        }
    }
    found
}

/// What one piece of a span looks for, and whether it is an expression; `None` where it
/// says nothing of the answer (the module's doc).
fn needle(piece: &str, stub_key: &str) -> Option<(String, bool)> {
    // `{ … }`'s braces, a call's `()` are no part of a name: `.position()` names `position`.
    // Read as written (`async move` is two words), looked for without whitespace.
    let piece = piece.trim_matches(|c: char| c.is_whitespace() || "{},;".contains(c));
    let spaced = piece
        .trim_start_matches('.')
        .trim_end_matches("()")
        .trim_end_matches('!');
    let bare: String = spaced.chars().filter(|c| !c.is_whitespace()).collect();
    let toks = tokens(spaced);
    let is_path = !toks.is_empty()
        && toks.iter().enumerate().all(|(i, t)| match t {
            Token::Name(_) => i % 3 == 0,
            Token::Punct(':') => i % 3 != 0,
            _ => false,
        })
        && toks.len() % 3 == 1;
    if is_path {
        let Some(Token::Name(last)) = toks.last() else {
            return None;
        };
        let given = contains_code(stub_key, last) || contains_code(stub_key, &bare);
        let type_like = last.starts_with(|c: char| c.is_uppercase());
        if type_like || given || last.chars().count() < SHORT_NAME {
            return None;
        }
        return Some((last.clone(), false));
    }
    if is_type(piece) {
        return None;
    }
    let code: String = piece.chars().filter(|c| !c.is_whitespace()).collect();
    let escapes_out = ["\\n", "\\r", "\\t", "\\0"]
        .iter()
        .fold(piece.to_string(), |code, escape| code.replace(escape, ""));
    let language_only = tokens(&escapes_out).iter().all(|t| match t {
        Token::Name(name) => KEYWORDS.contains(&name.as_str()),
        Token::Literal(_) | Token::Punct(_) => true,
    });
    if code.chars().count() < 3 || language_only || contains_code(stub_key, &code) {
        return None;
    }
    let expression = code.chars().count() >= EXPRESSION
        && code.contains([
            '(', '.', '=', '+', '-', '*', '/', '%', '?', '[', '&', '|', '<', '>', '!',
        ]);
    Some((code, expression))
}

/// Whether `piece` is a type written out (`Option<String>`, `(String, u32)`, `&[u8]`): its
/// names are types (capitalised, or the language's own), between brackets and commas.
fn is_type(piece: &str) -> bool {
    let toks = tokens(piece);
    toks.iter().any(|t| matches!(t, Token::Name(_)))
        && toks.iter().all(|t| match t {
            Token::Name(name) => {
                name.starts_with(|c: char| c.is_uppercase()) || KEYWORDS.contains(&name.as_str())
            }
            Token::Punct(c) => "<>()[],&:'".contains(*c),
            Token::Literal(_) => false,
        })
}

/// The needles a line holds.
pub fn held_by<'n>(line: &Line, needles: &'n [Needle]) -> Vec<&'n Needle> {
    needles
        .iter()
        .filter(|needle| contains_code(&line.key, &needle.code))
        .collect()
}
