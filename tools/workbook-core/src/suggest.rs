//! "Did you mean …?" for an id the course does not have.
//!
//! A learner types what they remember: the start of an id (`register`, or with a slip,
//! `registr`), a word of a title (`heartbeat`), or an id with a typo (`tcp.ehco`). Each
//! lesson and exercise is scored against its names — its id, the part after the lesson's
//! dot, its folder — and the words of its title, and the best few are suggested:
//!
//! 1. a name that starts with what was typed, allowing one slip in seven letters;
//! 2. a name or a title that contains it;
//! 3. a name or a title word close to it by edit distance (`strsim`).
//!
//! Within each rank lessons come before exercises (a lesson is the wider guess, and
//! `check LESSON` checks all of its exercises), then the closest, then course order.
//! Titles never make the first rank: `registr` means the lesson `register` before it
//! means `micro.open-registry`, whose title has "registry" in it.

use std::cmp::Ordering;

use crate::course::Course;

/// At most this many suggestions: more is a list, not a guess.
pub const MAX_SUGGESTIONS: usize = 3;

/// How similar (0 to 1, normalised Damerau–Levenshtein) the start of a name must be to
/// what was typed for it to count as that start with a slip.
const SLIP: f64 = 0.85;

/// How similar a name or title word must be to count as close at all.
const CLOSE: f64 = 0.65;

/// How well one lesson or exercise matches what was typed.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Match {
    /// 0: starts with it; 1: contains it; 2: close to it.
    rank: u8,
    /// 0 to 1, for ordering within a rank; 1 is exact.
    similarity: f64,
}

/// One lesson's or exercise's best match, with what sorts ties.
struct Candidate<'c> {
    id: &'c str,
    found: Match,
    is_lesson: bool,
    order: usize,
}

/// The ids of up to [`MAX_SUGGESTIONS`] lessons and exercises that `typed` may have meant.
pub fn suggestions<'c>(course: &'c Course, typed: &str) -> Vec<&'c str> {
    let typed = typed.trim().to_lowercase();
    if typed.is_empty() {
        return Vec::new();
    }
    let mut candidates: Vec<Candidate<'c>> = Vec::new();
    let mut consider = |id: &'c str, names: &[&str], title: &str, is_lesson: bool| {
        let order = candidates.len();
        if let Some(found) = best_match(&typed, names, title) {
            candidates.push(Candidate {
                id,
                found,
                is_lesson,
                order,
            });
        }
    };
    for lesson in &course.lessons {
        consider(
            &lesson.id,
            &[&lesson.id, &lesson.folder],
            &lesson.title,
            true,
        );
        for exercise in &lesson.exercises {
            let tail = exercise.id.split_once('.').map_or("", |(_, tail)| tail);
            consider(&exercise.id, &[&exercise.id, tail], &exercise.title, false);
        }
    }
    candidates.sort_by(|a, b| {
        a.found
            .rank
            .cmp(&b.found.rank)
            .then(b.is_lesson.cmp(&a.is_lesson))
            .then(
                b.found
                    .similarity
                    .partial_cmp(&a.found.similarity)
                    .unwrap_or(Ordering::Equal),
            )
            .then(a.order.cmp(&b.order))
    });
    candidates
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|c| c.id)
        .collect()
}

/// The best match of `typed` (lower case) against `names` and against `title`.
fn best_match(typed: &str, names: &[&str], title: &str) -> Option<Match> {
    let title = title.to_lowercase();
    let words = title
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| w.len() >= 3);
    let from_names = names
        .iter()
        .map(|name| match_name(typed, &name.to_lowercase()));
    let from_title = words.map(|word| {
        // A title only ever contains what was typed, or is close to it.
        match_name(typed, word).map(|found| Match {
            rank: match found.rank {
                0 if found.similarity < 1.0 => 2,
                rank => rank.max(1),
            },
            ..found
        })
    });
    let whole_title = (typed.len() >= 4 && title.contains(typed)).then_some(Match {
        rank: 1,
        similarity: 1.0,
    });
    from_names
        .chain(from_title)
        .chain([whole_title])
        .flatten()
        .min_by(|a, b| {
            a.rank.cmp(&b.rank).then(
                b.similarity
                    .partial_cmp(&a.similarity)
                    .unwrap_or(Ordering::Equal),
            )
        })
}

/// How `typed` matches one `name`, both lower case.
fn match_name(typed: &str, name: &str) -> Option<Match> {
    if name.starts_with(typed) {
        return Some(Match {
            rank: 0,
            similarity: 1.0,
        });
    }
    if name.contains(typed) {
        return Some(Match {
            rank: 1,
            similarity: 1.0,
        });
    }
    // The whole name, or its start as long as what was typed: `registe` for `registr`.
    let start: String = name.chars().take(typed.chars().count()).collect();
    let (edits, target) = [name, start.as_str()]
        .into_iter()
        .map(|target| {
            (
                strsim::normalized_damerau_levenshtein(typed, target),
                target,
            )
        })
        .max_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(Ordering::Equal))?;
    let rank = if typed.chars().count() >= 4 && edits >= SLIP {
        0
    } else if edits >= CLOSE {
        2
    } else {
        return None;
    };
    // Between names as many edits away, the one with the same letters wins: two letters
    // swapped (`rcp`: `rpc`) is a likelier slip than a wrong one (`tcp`).
    let similarity = (edits + same_letters(typed, target)) / 2.0;
    Some(Match { rank, similarity })
}

/// The share of letters two words have in common, in any order (0 to 1).
fn same_letters(a: &str, b: &str) -> f64 {
    let mut left: Vec<char> = b.chars().collect();
    let mut common = 0;
    for c in a.chars() {
        if let Some(at) = left.iter().position(|&l| l == c) {
            left.swap_remove(at);
            common += 1;
        }
    }
    let longest = a.chars().count().max(b.chars().count()).max(1);
    common as f64 / longest as f64
}

#[cfg(test)]
mod tests;
