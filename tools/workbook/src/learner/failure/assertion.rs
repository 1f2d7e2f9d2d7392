//! A failed assertion as a learner reads it: in their language, and with the two sides of
//! an `assert_eq!` named.
//!
//! Rust prints `assertion `left == right` failed`, then `left: …` and `right: …`. Which
//! one is the learner's value? Only the test's source says: `assert_eq!(reply, b"hi\n")`.
//! So the runner reads the assertion where the panic points and names each side by the
//! expression the test wrote there:
//!
//! ```text
//! assertion `left == right` failed: the echo
//!   left `reply`: []
//!   right `b"hi\n"`: [104, 105, 10]
//! ```
//!
//! The test's own words (`"the echo"`) are translated when the lesson has them in the
//! learner's language (`lesson.zh-CN.toml`'s `[tests]`), the values kept.

use workbook_core::course::test_source::Call;
use workbook_core::language::Lang;
use workbook_core::language::messages::{Msg, say_in};

/// How many characters of a side's expression are shown before `…`.
const LONGEST_EXPRESSION: usize = 60;

/// The first line and the rest of an assertion's panic message, said for the learner in
/// `lang`.
/// `call` is the assertion in the test's source, if it was found; `translate` gives a
/// message of the test in the learner's language.
pub(super) fn told(
    lang: Lang,
    message: &str,
    call: Option<&Call>,
    translate: &dyn Fn(&str) -> Option<String>,
) -> (String, String) {
    let say = |msg: Msg, args: &[(&str, &dyn std::fmt::Display)]| say_in(lang, msg, args);
    let in_words = |text: &str| translate(text).unwrap_or_else(|| text.to_string());
    let lines: Vec<&str> = message.lines().collect();
    let first = lines.first().copied().unwrap_or_default();

    // `assert_eq!` and `assert_ne!`: a head, then `  left: …` and ` right: …`.
    let op = ["==", "!="]
        .into_iter()
        .find(|op| first.starts_with(&format!("assertion `left {op} right` failed")));
    let left_at = lines.iter().position(|line| line.starts_with("  left: "));
    if let (Some(op), Some(left_at)) = (op, left_at) {
        let head = lines[..left_at].join("\n");
        let prefix = format!("assertion `left {op} right` failed");
        let words = head[prefix.len()..].strip_prefix(": ");
        let mut said = say(Msg::AssertionSidesFailed, &[("op", &op)]);
        if let Some(words) = words {
            said = format!("{said}: {}", in_words(words));
        }
        let (first, mut rest) = split_first(&said);
        let sides = call
            .filter(|call| call.name.starts_with("assert_") && call.args.len() >= 2)
            .map(|call| [call.args[0].as_str(), call.args[1].as_str()]);
        for (i, line) in lines[left_at..].iter().enumerate() {
            let side = if i == 0 { "left" } else { "right" };
            let value = line.trim_start().strip_prefix(&format!("{side}: "));
            match (i, value) {
                (0 | 1, Some(value)) => {
                    let expr = sides
                        .map(|sides| format!(" `{}`", shortened(sides[i])))
                        .unwrap_or_default();
                    rest.push(say(
                        Msg::AssertionSide,
                        &[("side", &side), ("expr", &expr), ("value", &value)],
                    ));
                }
                _ => rest.push(line.to_string()),
            }
        }
        return (first, rest.join("\n"));
    }

    // `assert!(ok)` with no words of its own: Rust names the condition.
    if let Some(condition) = message.strip_prefix("assertion failed: ") {
        let (first, rest) = split_first(condition);
        let first = format!("{}: {first}", say(Msg::AssertionFailed, &[]));
        return (first, rest.join("\n"));
    }
    let (first, rest) = split_first(&in_words(message));
    (first, rest.join("\n"))
}

/// The test's own words in the first line [`told`] gives an `assert_eq!` or `assert_ne!`,
/// without Rust's preamble: `the echo` of "assertion `left == right` failed: the echo".
pub(super) fn own_words(lang: Lang, first: &str) -> Option<&str> {
    ["==", "!="].into_iter().find_map(|op| {
        let preamble = say_in(lang, Msg::AssertionSidesFailed, &[("op", &op)]);
        first.strip_prefix(preamble.as_str())?.strip_prefix(": ")
    })
}

fn split_first(text: &str) -> (String, Vec<String>) {
    let mut lines = text.lines().map(str::to_string);
    (lines.next().unwrap_or_default(), lines.collect())
}

/// An expression on one line, its spaces as the test wrote them, and not too long to read.
fn shortened(expression: &str) -> String {
    let one_line = expression.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= LONGEST_EXPRESSION {
        return one_line;
    }
    let kept: String = one_line.chars().take(LONGEST_EXPRESSION - 1).collect();
    format!("{kept}…")
}
