//! The part of a file that is an exercise's answer, where the file holds more: a module of
//! the framework answers an exercise that rebuilds one or two of its functions (`answer =`
//! in lesson.toml), and the rest of the module is not the learner's to write. The
//! functions the stub leaves undone (a `todo!` in their body) are the answer.

use std::ops::Range;

use super::lines::{Token, tokens, without_comments};

/// The names of the functions `stub` leaves to the learner: those whose body holds a
/// `todo!`.
pub fn unwritten_functions(stub: &str) -> Vec<String> {
    functions(stub)
        .into_iter()
        .filter(|(_, lines)| {
            let body: Vec<&str> = stub.lines().collect();
            body[lines.clone()]
                .iter()
                .any(|line| line.contains("todo!("))
        })
        .map(|(name, _)| name)
        .collect()
}

/// `text` with every line outside the functions named `names` blanked (so that its lines
/// keep their numbers); `text` as it is where it has none of them.
pub fn only_functions(text: &str, names: &[String]) -> String {
    let kept: Vec<Range<usize>> = functions(text)
        .into_iter()
        .filter(|(name, _)| names.contains(name))
        .map(|(_, lines)| lines)
        .collect();
    if kept.is_empty() {
        return text.to_string();
    }
    text.lines()
        .enumerate()
        .map(|(index, line)| {
            if kept.iter().any(|lines| lines.contains(&index)) {
                line
            } else {
                ""
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Each function of `text` (`fn NAME`) and the range of its lines (0-based), from its
/// `fn` to the line that closes its body, braces counted outside strings and comments.
fn functions(text: &str) -> Vec<(String, Range<usize>)> {
    let mut found = Vec::new();
    let mut in_block_comment = false;
    // The function being read: its name, its first line, its depth of braces, whether its
    // body has opened.
    let mut open: Option<(String, usize, i64, bool)> = None;
    for (index, line) in text.lines().enumerate() {
        let code = without_comments(line, &mut in_block_comment);
        let toks = tokens(&code);
        if open.is_none() {
            let named = toks.windows(2).find_map(|pair| match pair {
                [Token::Name(word), Token::Name(name)] if word == "fn" => Some(name.clone()),
                _ => None,
            });
            open = named.map(|name| (name, index, 0, false));
        }
        let Some((name, first, depth, opened)) = open.as_mut() else {
            continue;
        };
        for token in &toks {
            match token {
                Token::Punct('{') => {
                    *depth += 1;
                    *opened = true;
                }
                Token::Punct('}') => *depth -= 1,
                _ => {}
            }
        }
        // A declaration without a body (`fn f();` in a trait) ends at its `;`.
        let bodiless = !*opened && code.trim_end().ends_with(';');
        if *depth <= 0 && (*opened || bodiless) {
            found.push((std::mem::take(name), *first..index + 1));
            open = None;
        }
    }
    found
}
