//! Which language the runner speaks to a learner: English, or Chinese (`zh-CN`).
//!
//! Three places can ask for it, and the nearest wins: `workbook --lang zh-CN …` for one
//! command, then the setting `workbook lang zh-CN` remembers in `.workbook/state.toml`,
//! then the locale of the shell (`LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG` starting
//! with `zh`), and English when none says. `main` decides once, before any command runs;
//! everything that prints asks [`current`].
//!
//! Everything about language lives in this folder: the choice (here), every sentence the
//! runner says in each language ([`messages`]), and the lessons' own translated titles and
//! hints ([`lessons`]), and the words the glossary keeps out of the Chinese ([`glossary`]).
//! The book's translation is the book's (`book::i18n`).

use std::sync::OnceLock;

use anyhow::{Result, bail};

pub mod format;
pub mod glossary;
pub mod lessons;
pub mod messages;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    ZhCn,
}

impl Lang {
    /// What a learner may type: `en`, `zh-CN`, and the locale spellings (`zh_CN.UTF-8`).
    pub fn parse(text: &str) -> Option<Lang> {
        let lower = text.trim().to_ascii_lowercase();
        if lower.starts_with("zh") {
            Some(Lang::ZhCn)
        } else if lower.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Like [`Lang::parse`], with an error that lists the choices.
    pub fn from_arg(text: &str) -> Result<Lang> {
        match Lang::parse(text) {
            Some(lang) => Ok(lang),
            None => bail!(crate::language::messages::say(
                crate::language::messages::Cmd::UnknownLang,
                &[("text", &text)]
            )),
        }
    }

    /// The code stored in the state file and used in the book's address (`/zh-CN/`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }
}

/// Where the chosen language came from, for `workbook lang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Flag,
    Remembered,
    Environment,
    Default,
}

/// The precedence: the flag, then the remembered setting, then the locale, then English.
/// `env` reads a variable (`std::env::var` in the runner, a table in tests).
pub fn choose(
    flag: Option<Lang>,
    remembered: Option<Lang>,
    env: impl Fn(&str) -> Option<String>,
) -> (Lang, Source) {
    if let Some(lang) = flag {
        return (lang, Source::Flag);
    }
    if let Some(lang) = remembered {
        return (lang, Source::Remembered);
    }
    match from_locale(env) {
        Some(lang) => (lang, Source::Environment),
        None => (Lang::En, Source::Default),
    }
}

/// The locale's language, as gettext reads it: `LANGUAGE` (a `:` list, first entry)
/// unless the locale is `C`/`POSIX`, then `LC_ALL`, `LC_MESSAGES`, `LANG`. `None` where
/// no variable is set; English where the locale names another language.
fn from_locale(env: impl Fn(&str) -> Option<String>) -> Option<Lang> {
    let set = |name: &str| env(name).filter(|value| !value.trim().is_empty());
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].into_iter().find_map(&set);
    if let Some(locale) = &locale
        && matches!(locale.as_str(), "C" | "POSIX" | "C.UTF-8" | "C.utf8")
    {
        return Some(Lang::En);
    }
    let first = set("LANGUAGE").and_then(|list| list.split(':').next().map(str::to_string));
    first
        .or(locale)
        .map(|value| Lang::parse(&value).unwrap_or(Lang::En))
}

static CHOSEN: OnceLock<Lang> = OnceLock::new();

/// The language `--lang` asked for on this run's command line, if it did.
static FLAG: OnceLock<Lang> = OnceLock::new();

/// Fixes the language for the rest of the run (the first call wins).
pub fn set(lang: Lang) {
    let _ = CHOSEN.set(lang);
}

/// [`set`], saying where the choice came from: one asked for with `--lang` is kept in the
/// commands the runner suggests ([`flag`]), which would otherwise speak the locale's
/// language, not this run's.
pub fn set_from(lang: Lang, source: Source) {
    set(lang);
    if source == Source::Flag {
        let _ = FLAG.set(lang);
    }
}

/// The language this run's `--lang` asked for, if it did.
pub fn flag() -> Option<Lang> {
    FLAG.get().copied()
}

/// The language to speak in; English until `main` has chosen.
pub fn current() -> Lang {
    CHOSEN.get().copied().unwrap_or_default()
}

#[cfg(test)]
mod tests;
