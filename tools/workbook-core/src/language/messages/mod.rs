//! Every sentence the runner says to a learner in the loop, in each language it speaks,
//! side by side: the course map, `check`'s verdicts, why a test failed and what to do
//! next, the session's keys and lines, `hint` and `solution`, and `doctor`'s frame and
//! some of its findings on the tools.
//!
//! A message is a key ([`Msg`]) with one template per language; `{name}` in a template is
//! filled by [`say`]. Code, commands, paths and ids are filled in, never translated. The
//! terms follow the course's glossary (练习, 提示, 参考答案, 课). The commands' `--help` comes
//! from here too ([`help`]). The maintainers' checks (`workbook-dev`) speak English.
//!
//! The messages live by audience: `learner` (the loop), `commands` (the other commands a
//! learner or teacher types, the system's, the report's, errors) and `help`.

use std::fmt::Display;

use crate::language::{self, Lang};

mod book;
mod class;
mod commands;
pub mod help;
mod learner;

pub use book::{Page, TRACES_PAGE, WIRE_PAGE};
pub use class::ClassMsg;
pub use commands::Cmd;
pub use learner::Msg;

/// A key of the messages: it has one template per language.
pub trait Message: Copy + std::fmt::Debug {
    fn template(self, lang: Lang) -> &'static str;
}

/// Declares an enum of keys and both templates of each at once, so that no key can lack
/// a language.
macro_rules! messages {
    (pub enum $name:ident; $($key:ident => $en:literal, $zh:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($key),* }

        impl $name {
            pub const ALL: &[$name] = &[$($name::$key),*];
        }

        impl crate::language::messages::Message for $name {
            fn template(self, lang: crate::language::Lang) -> &'static str {
                use crate::language::Lang;
                match (self, lang) {
                    $(($name::$key, Lang::En) => $en, ($name::$key, Lang::ZhCn) => $zh,)*
                }
            }
        }
    };
}
use messages;

/// Every message of every audience, as (its key, its English, its Chinese): for the checks
/// that read all of them (the same blanks in both, the glossary's words).
pub fn every_message() -> Vec<(String, &'static str, &'static str)> {
    fn each<M: Message>(all: &[M]) -> impl Iterator<Item = (String, &'static str, &'static str)> {
        all.iter().map(|m| {
            (
                format!("{m:?}"),
                m.template(Lang::En),
                m.template(Lang::ZhCn),
            )
        })
    }
    each(Msg::ALL)
        .chain(each(Cmd::ALL))
        .chain(each(Page::ALL))
        .chain(each(ClassMsg::ALL))
        .chain(each(help::Help::ALL))
        .collect()
}

/// The message in the language of this run, `{name}`s filled from `args`.
pub fn say(msg: impl Message, args: &[(&str, &dyn Display)]) -> String {
    say_in(language::current(), msg, args)
}

/// What went wrong with a file or a socket, in the language of this run: the commonest
/// kinds in these messages' words, any other as the system says it.
pub fn io_error(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let known = match err.kind() {
        ErrorKind::NotFound => Some(Cmd::IoNotFound),
        ErrorKind::PermissionDenied => Some(Cmd::IoPermissionDenied),
        ErrorKind::AddrInUse => Some(Cmd::IoAddrInUse),
        ErrorKind::NotADirectory => Some(Cmd::IoNotADirectory),
        _ => None,
    };
    match known {
        Some(msg) if language::current() != Lang::En => say(msg, &[]),
        _ => err.to_string(),
    }
}

/// Prints the message in the language of this run, as a line of the program's output.
pub fn tell(msg: impl Message, args: &[(&str, &dyn Display)]) {
    println!("{}", say(msg, args));
}

/// The message in `lang`.
pub fn say_in(lang: Lang, msg: impl Message, args: &[(&str, &dyn Display)]) -> String {
    let mut text = msg.template(lang).to_string();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), &value.to_string());
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The `{name}`s of a template.
    fn placeholders(template: &str) -> BTreeSet<&str> {
        template
            .split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
            .collect()
    }

    /// Chinese characters, or Chinese punctuation around what is filled in (`{code}（--lang）`).
    fn is_chinese(c: char) -> bool {
        ('\u{4e00}'..='\u{9fff}').contains(&c)
            || ('\u{3000}'..='\u{303f}').contains(&c)
            || ('\u{ff00}'..='\u{ffef}').contains(&c)
    }

    #[test]
    fn every_message_has_both_languages_with_the_same_blanks() {
        for (key, en, zh) in every_message() {
            assert!(!en.trim().is_empty(), "{key} has no English");
            assert!(zh.chars().any(is_chinese), "{key} has no Chinese: {zh}");
            assert_eq!(placeholders(en), placeholders(zh), "{key}");
        }
    }

    #[test]
    fn fills_the_blanks() {
        let text = say_in(
            Lang::ZhCn,
            Msg::WhereIs,
            &[("id", &"tcp.echo"), ("number", &"01")],
        );
        assert_eq!(text, "tcp.echo（第 01 课）");
        let text = say_in(
            Lang::En,
            Msg::WhereIs,
            &[("id", &"tcp.echo"), ("number", &"01")],
        );
        assert_eq!(text, "tcp.echo (lesson 01)");
    }
}
