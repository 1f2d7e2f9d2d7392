//! A class, live: what a learner's runner tells the teacher's class server, and the limits
//! both sides hold it to.
//!
//! The learner's side (`workbook class join`, then every verdict of `check` and `watch`)
//! lives in the learner's runner (tools/workbook/src/learner/class/); the server (`workbook
//! class serve`) in the teacher's tools (tools/workbook-full/src/teacher/class/). Both
//! speak JSON over HTTP/1.1 in the shapes below, written here once. The limits are here
//! too: the runner cuts what it sends to them, the server refuses what is over them.
//!
//! What travels is the least a teacher needs to see who is stuck: an exercise's id, passed
//! or not, the first failing test's name and its one-line message, how many hints were
//! read, and when. Never a line of the learner's code.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// `POST` a [`Join`], answered with [`Joined`].
pub const JOIN_PATH: &str = "/api/join";
/// `POST` a [`Batch`] with the learner's token, answered with [`Accepted`].
pub const VERDICTS_PATH: &str = "/api/verdicts";
/// `POST` a roster change with the teacher's token (`class roster`, the page's buttons).
pub const ROSTER_PATH: &str = "/api/roster";
/// `GET`: whether a class server answers here (`class status` asks it).
pub const HELLO_PATH: &str = "/api/hello";

/// Where `class serve` listens unless told: every interface, so that the room reaches it.
pub const DEFAULT_PORT: u16 = 7800;

/// The most learners a class takes unless the teacher says otherwise: a room, and some.
pub const DEFAULT_LEARNERS: usize = 60;

/// How long a learner fails the exercise they are on before the page calls them stuck,
/// unless the teacher says otherwise (`class serve --stuck-after`): before it they are
/// trying, as anyone does between two checks.
pub const DEFAULT_STUCK_AFTER: std::time::Duration = std::time::Duration::from_secs(3 * 60);

/// A learner's name, in characters.
pub const MAX_NAME_CHARS: usize = 40;
/// A failing test's name, in characters.
pub const MAX_TEST_CHARS: usize = 160;
/// A failure's one-line message, in characters.
pub const MAX_MESSAGE_CHARS: usize = 300;
/// An exercise id, in characters (the course's are far shorter).
pub const MAX_EXERCISE_CHARS: usize = 80;
/// Verdicts in one request: a runner sends what it queued while the server was away in
/// batches of at most this many.
pub const MAX_BATCH: usize = 50;
/// Hints read, at most: no exercise has nearly so many.
pub const MAX_HINTS: u32 = 100;
/// How old a verdict may say it is when sent: a day of checks with the server away.
pub const MAX_AGE_MS: u64 = 24 * 60 * 60 * 1000;
/// The largest request body the server reads: a full batch of the longest verdicts fits.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// A learner asks to join: the class code from the projector, and a name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Join {
    pub code: String,
    pub name: String,
    /// The learner's re-join code, to join again under a name that is theirs already
    /// (a new clone, another machine): the server gave it at their last join.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejoin: Option<String>,
    /// The token this copy of the course holds in this class, when it joined it before:
    /// the same copy joining again is the same learner. Under the same name they are in
    /// already; under another, their row moves to the new name, its verdicts with it,
    /// rather than being left behind as someone else's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// The server's answer to a join: the learner's own token, which every later request
/// carries (`Authorization: Bearer …`), and the class's name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Joined {
    pub token: String,
    pub class: String,
    /// The learner's re-join code from now on (the last one no longer works).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejoin: Option<String>,
    /// The name the class knows the learner by: the one asked, or the teacher's for
    /// their row when they came back to it with their re-join code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// This copy was in the class already under this name: nothing changed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub already: bool,
    /// This copy was in the class under this name: its row is called `name` now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub was: Option<String>,
}

/// One verdict of a check, as the runner showed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// This learner's number for it, rising: a verdict sent twice (its answer lost on the
    /// way back) is kept once.
    pub seq: u64,
    pub exercise: String,
    pub passed: bool,
    /// The first failing test's name, when tests ran and one failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<String>,
    /// Why it failed, in one line: the failure's first line, or what stopped the build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// How many of the exercise's hints the learner has read.
    pub hints: u32,
    /// When, in unix milliseconds by the learner's clock.
    pub at_ms: u64,
    /// The exercise the learner is on: checked alone (`check ID`, or saved in `watch`),
    /// not one of a lesson's or the course's checked together, whose untouched stubs fail
    /// without anyone being stuck on them.
    #[serde(default)]
    pub current: bool,
    /// The exercise's file is its stub as the course gave it, untouched: failing, it is
    /// not started, whatever checked it (a `watch` opened on it checks it at once); stuck
    /// is failing after the learner wrote something. Runners before it did not say, and
    /// are read as `false`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub untouched: bool,
}

/// What a runner sends: verdicts in the order they were made, and the learner's clock when
/// sending, from which the server reads each verdict's time on its own clock (a laptop's
/// clock may be minutes off; a verdict queued while the server was away keeps its time).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Batch {
    pub sent_ms: u64,
    pub verdicts: Vec<Verdict>,
}

/// The answer to a batch: how many verdicts were new (the rest had been kept before, or
/// were refused).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Accepted {
    pub kept: usize,
    /// The verdicts refused, each for its own reason: the rest of the batch is kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<RefusedVerdict>,
    /// The name the verdicts are kept under now: the teacher may have renamed the
    /// learner, or merged their row into another's, since the runner last heard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The row this token joined with was merged into `name`'s (one learner who joined
    /// from two copies): its verdicts go to that row now.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub merged: bool,
}

/// One verdict of a batch refused, and why.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RefusedVerdict {
    pub seq: u64,
    pub error: String,
}

/// Every refusal's body: the reason, in one line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Refused {
    pub error: String,
    /// A learner's token refused: why it no longer works, when the server knows, so
    /// that the learner's runner says what happened in the learner's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gone: Option<Gone>,
}

/// Why a learner's token no longer works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Gone {
    /// The teacher removed the learner.
    Removed,
    /// The learner's name joined again from another copy, which has the token now.
    JoinedElsewhere,
}

impl Gone {
    /// How it is kept: a word.
    pub fn as_str(self) -> &'static str {
        match self {
            Gone::Removed => "removed",
            Gone::JoinedElsewhere => "joined-elsewhere",
        }
    }

    pub fn parse(word: &str) -> Option<Gone> {
        [Gone::Removed, Gone::JoinedElsewhere]
            .into_iter()
            .find(|gone| gone.as_str() == word)
    }
}

/// Why a name cannot be a learner's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadName {
    Empty,
    TooLong,
    ControlCharacter,
    /// A character that shows as nothing, or turns the text around it (U+200B, U+202E):
    /// two names that look the same would be two learners, or one would read backwards.
    Invisible,
}

/// The name as kept: in Unicode's composed form (NFC: "é" typed either way is one name),
/// trimmed, at most [`MAX_NAME_CHARS`] characters, with no control characters (no line
/// breaks, no terminal escapes) and none that shows as nothing or reorders the text.
/// Anything else is shown as text.
pub fn check_name(name: &str) -> Result<String, BadName> {
    let name: String = name.nfc().collect();
    let name = name.trim();
    if name.is_empty() {
        return Err(BadName::Empty);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(BadName::TooLong);
    }
    if name.chars().any(char::is_control) {
        return Err(BadName::ControlCharacter);
    }
    if name.chars().any(invisible) {
        return Err(BadName::Invisible);
    }
    Ok(name.to_string())
}

/// Whether `c` shows as nothing or changes the direction of the text around it: Unicode's
/// format characters (zero-width spaces and joiners, the bidirectional marks, embeddings,
/// overrides and isolates, the byte-order mark, the soft hyphen, tags), the variation
/// selectors, and the fillers that render blank (Hangul fillers, the Khmer vowels shown
/// as nothing).
pub fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{AD}'
            | '\u{34F}'
            | '\u{61C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
}

/// A name as a room reads it, to tell whether two names are one: compatibility-composed
/// (NFKC: a full-width "Ａｄａ" is "Ada") and in lower case ("ADA" is "ada").
pub fn name_key(name: &str) -> String {
    name.nfkc().flat_map(char::to_lowercase).collect()
}

/// A code as typed (a class code, a re-join code): in capitals, without the spaces and
/// dashes a learner may copy it with.
pub fn typed_code(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// `text` on one line, at most `max` characters: control characters become spaces, and
/// what is cut ends in `…`.
pub fn one_line(text: &str, max: usize) -> String {
    let flat: String = text
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= max {
        return flat;
    }
    let mut cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// A duration as a teacher types it: a number and its unit, `90s`, `3m`, `1h` (`0` is no
/// time at all); `None` for anything else.
pub fn parse_duration(text: &str) -> Option<std::time::Duration> {
    let text = text.trim();
    if text == "0" {
        return Some(std::time::Duration::ZERO);
    }
    let unit = text.chars().last()?;
    let count: u64 = text[..text.len() - unit.len_utf8()].parse().ok()?;
    let seconds = match unit {
        's' => count,
        'm' => count.checked_mul(60)?,
        'h' => count.checked_mul(60 * 60)?,
        _ => return None,
    };
    Some(std::time::Duration::from_secs(seconds))
}

/// The time now, in unix milliseconds.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_a_number_and_a_unit() {
        use std::time::Duration;
        assert_eq!(parse_duration("90s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration(" 3m"), Some(Duration::from_secs(180)));
        assert_eq!(parse_duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_duration("0"), Some(Duration::ZERO));
        for bad in ["", "3", "m", "-1m", "3 min", "3分", "99999999999999999h"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn names_are_trimmed_and_checked() {
        assert_eq!(check_name("  Ada ").as_deref(), Ok("Ada"));
        assert_eq!(check_name(" "), Err(BadName::Empty));
        assert_eq!(check_name("a\u{1b}[31m"), Err(BadName::ControlCharacter));
        assert_eq!(check_name("line\nbreak"), Err(BadName::ControlCharacter));
        assert_eq!(
            check_name(&"名".repeat(40)).map(|n| n.chars().count()),
            Ok(40)
        );
        assert_eq!(check_name(&"x".repeat(41)), Err(BadName::TooLong));
        // Markup is a name like any other: the page shows it as text.
        assert!(check_name("<script>alert(1)</script>").is_ok());
        // Composed: "é" as one character or as "e" and its accent is one name.
        assert_eq!(check_name("Ame\u{301}lie").as_deref(), Ok("Amélie"));
        // Nothing invisible, nothing that turns the text around.
        assert_eq!(check_name("张\u{200B}伟"), Err(BadName::Invisible));
        assert_eq!(check_name("\u{202E}evil"), Err(BadName::Invisible));
        assert_eq!(check_name("a\u{2066}b"), Err(BadName::Invisible));
    }

    #[test]
    fn names_compare_in_any_case_and_width() {
        assert_eq!(name_key("Ada"), name_key("ADA"));
        assert_eq!(name_key("Ａｄａ"), name_key("ada"));
        assert_eq!(name_key("张伟"), "张伟");
        assert_ne!(name_key("Ada"), name_key("Adam"));
    }

    #[test]
    fn one_line_flattens_and_cuts() {
        assert_eq!(one_line(" a\nb\tc ", 10), "a b c");
        assert_eq!(one_line("abcdef", 4), "abc…");
        assert_eq!(one_line("测试测试", 3), "测试…");
    }
}
