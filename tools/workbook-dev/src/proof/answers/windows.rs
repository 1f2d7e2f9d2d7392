//! An answer's code as one stream of tokens, compared window by window with each place a
//! learner reads: the measure that finds an answer written again with its lines reshaped
//! (an `if` for a `match`, two lines made one), which a line-by-line comparison misses.
//!
//! Each window is [`WINDOW`] tokens in a row, comments and whitespace aside, its names
//! renamed as `lines.rs` renames a line's, in the order they first appear in the window: a
//! copy with its names changed has the same windows. The share of an answer's windows that
//! stand in one place is how much of it that place shows. Windows of the stub (its
//! signature) are no part of the answer; windows found in [`super::IDIOM_FILES`] files or
//! more are idioms and count for no place.

use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use super::lines::{Line, Token, kept, tokens};

/// Tokens in a window: about a line of code, long enough that two windows alike
/// are the same code more often than the same idiom (`let mut x = Vec::new();` is 9;
/// idioms are left out by the files they stand in).
pub const WINDOW: usize = 10;

/// The windows of `lines`' code, as hashes.
pub fn windows(lines: &[Line]) -> Vec<u64> {
    let stream: Vec<Token> = lines.iter().flat_map(|line| tokens(&line.code)).collect();
    let keep: Vec<bool> = (0..stream.len()).map(|at| kept(&stream, at)).collect();
    if stream.len() < WINDOW {
        return Vec::new();
    }
    (0..=stream.len() - WINDOW)
        .map(|start| {
            let mut hasher = DefaultHasher::new();
            let mut names: Vec<&str> = Vec::new();
            for at in start..start + WINDOW {
                match &stream[at] {
                    Token::Name(name) if !keep[at] => {
                        let index = names.iter().position(|n| n == name).unwrap_or_else(|| {
                            names.push(name);
                            names.len() - 1
                        });
                        (1u8, index).hash(&mut hasher);
                    }
                    Token::Name(name) => (2u8, name).hash(&mut hasher),
                    Token::Literal(text) if text.ends_with('"') => 3u8.hash(&mut hasher),
                    Token::Literal(text) => (4u8, text).hash(&mut hasher),
                    Token::Punct(c) => (5u8, c).hash(&mut hasher),
                }
            }
            hasher.finish()
        })
        .collect()
}

/// Every window of a set of places, with the places it stands in (by index).
#[derive(Debug, Default)]
pub struct Index {
    places: HashMap<u64, Vec<usize>>,
}

impl Index {
    /// Adds the windows of place number `place`.
    pub fn add(&mut self, place: usize, windows: &[u64]) {
        for window in windows.iter().collect::<HashSet<_>>() {
            self.places.entry(*window).or_default().push(place);
        }
    }

    /// The places `window` stands in.
    pub fn places(&self, window: u64) -> &[usize] {
        self.places.get(&window).map_or(&[], Vec::as_slice)
    }
}
