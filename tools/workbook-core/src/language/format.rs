//! A test's message in another language, with the values it printed kept.
//!
//! A test writes `assert!(ok, "sent {sent:?}, got {got:?}")`; what reaches the runner is
//! the message with the values filled in: `sent "hi", got ""`. Its translation is a format
//! string too (`发送了 {sent:?}，收到 {got:?}`). So the message is matched against the
//! English format string, which gives each `{…}` the text it printed, and those texts go
//! into the translation's `{…}` of the same name (or, unnamed, the same place in order).
//! A name the English prints two ways (`{name:?}` quoted, `{name}` as it is) is given
//! the way the translation asks for it.

/// A piece of a format string: words as they are, or a `{…}` the program filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    /// `{}` and `{:?}` have no name; `{sent:?}` and `{0}` have one. Then how it is
    /// printed: what follows the `:` (`?` for `{sent:?}`, nothing for `{sent}`).
    Hole(Option<String>, String),
}

/// The pieces of a Rust format string (`{{` and `}}` are a brace); `None` when a `{` is
/// never closed.
fn pieces(format: &str) -> Option<Vec<Piece>> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.next_if_eq(&'{').is_some() => text.push('{'),
            '}' if chars.next_if_eq(&'}').is_some() => text.push('}'),
            '{' => {
                let mut inside = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        c => inside.push(c),
                    }
                }
                let (name, spec) = inside.split_once(':').unwrap_or((&inside, ""));
                let name = name.trim();
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                let name = (!name.is_empty()).then(|| name.to_string());
                pieces.push(Piece::Hole(name, spec.trim().to_string()));
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Some(pieces)
}

/// How many steps a match may take: a message is a line or a few, and this bounds the
/// backtracking of a format string with many holes.
const STEPS: usize = 10_000;

/// The longest message matched: a test's sentence with its values is far shorter, and a
/// longer one (a dump of bytes) is shown as it is.
const LONGEST_MESSAGE: usize = 4096;

/// What each hole of `format` printed in `message`, if `message` is what `format` prints.
fn fill_ins<'m>(format: &[Piece], message: &'m str) -> Option<Vec<&'m str>> {
    fn go<'m>(
        pieces: &[Piece],
        message: &'m str,
        found: &mut Vec<&'m str>,
        steps: &mut usize,
    ) -> bool {
        *steps += 1;
        if *steps > STEPS {
            return false;
        }
        match pieces.split_first() {
            None => message.is_empty(),
            Some((Piece::Text(text), rest)) => {
                message.starts_with(text.as_str()) && go(rest, &message[text.len()..], found, steps)
            }
            Some((Piece::Hole(..), rest)) => {
                // The shortest text first, as a reader would split the message.
                for (end, _) in message.char_indices().chain([(message.len(), ' ')]) {
                    found.push(&message[..end]);
                    if go(rest, &message[end..], found, steps) {
                        return true;
                    }
                    found.pop();
                }
                false
            }
        }
    }
    // Most formats are told apart at once: each of their words must be in the message.
    let words_there = format.iter().all(|piece| match piece {
        Piece::Text(text) => message.contains(text.as_str()),
        Piece::Hole(..) => true,
    });
    if message.len() > LONGEST_MESSAGE || !words_there {
        return None;
    }
    let mut found = Vec::new();
    go(format, message, &mut found, &mut 0).then_some(found)
}

/// Writes `translation` with the values `message` has where `english` has holes; `None`
/// when `message` is not what `english` prints, or the translation has a hole the English
/// does not.
pub fn translate(english: &str, translation: &str, message: &str) -> Option<String> {
    let english = pieces(english)?;
    let values = fill_ins(&english, message)?;
    let holes = holes(&english);
    let specs: Vec<&str> = english
        .iter()
        .filter_map(|piece| match piece {
            Piece::Hole(_, spec) => Some(spec.as_str()),
            Piece::Text(_) => None,
        })
        .collect();
    // The hole of that name printed the same way, else any of that name.
    let named = |wanted: &str, spec: &str| {
        let of_name = |i: &usize| holes[*i].as_deref() == Some(wanted);
        (0..holes.len())
            .filter(of_name)
            .find(|i| specs[*i] == spec)
            .or_else(|| (0..holes.len()).find(of_name))
            .map(|i| values[i])
    };
    let mut unnamed = holes
        .iter()
        .zip(&values)
        .filter(|(name, _)| name.is_none())
        .map(|(_, value)| *value);
    let mut out = String::new();
    for piece in pieces(translation)? {
        match piece {
            Piece::Text(text) => out.push_str(&text),
            Piece::Hole(Some(name), spec) => out.push_str(named(&name, &spec)?),
            Piece::Hole(None, _) => out.push_str(unnamed.next()?),
        }
    }
    Some(out)
}

/// The holes of a format string, in order: each one's name, if it has one.
fn holes(pieces: &[Piece]) -> Vec<&Option<String>> {
    pieces
        .iter()
        .filter_map(|piece| match piece {
            Piece::Hole(name, _) => Some(name),
            Piece::Text(_) => None,
        })
        .collect()
}

/// The words of `format` without its holes: `"sent {x:?}, got {y}"` → `"sent , got "`.
pub fn text(format: &str) -> String {
    pieces(format).map_or_else(String::new, |pieces| {
        pieces
            .iter()
            .filter_map(|piece| match piece {
                Piece::Text(text) => Some(text.as_str()),
                Piece::Hole(..) => None,
            })
            .collect()
    })
}

/// How much of `format` is its own words rather than holes: of two formats that both
/// print a message, the one with more words is the one that wrote it.
pub fn words(format: &str) -> usize {
    text(format).chars().count()
}

/// Whether `translation` fills only holes that `english` has: a hole the English lacks
/// would have nothing to show.
pub fn same_holes(english: &str, translation: &str) -> bool {
    let (Some(english), Some(translation)) = (pieces(english), pieces(translation)) else {
        return false;
    };
    let (english, translation) = (holes(&english), holes(&translation));
    let unnamed = |holes: &[&Option<String>]| holes.iter().filter(|name| name.is_none()).count();
    translation
        .iter()
        .all(|name| name.is_none() || english.contains(name))
        && unnamed(&translation) <= unnamed(&english)
}

#[cfg(test)]
mod tests;
