//! Choosing the language once per run (see `workbook_core::language` for the precedence), and the
//! `lang` command that remembers a choice in the learner's state.

use std::path::Path;

use anyhow::Result;

use workbook_core::po;
use workbook_core::ports::book_url as url;

use crate::learner::state::State;
use workbook_core::course::Course;
use workbook_core::language::messages::{Cmd, Msg, say_in, tell};
use workbook_core::language::{self, Lang, Source};
use workbook_core::ui;

/// Decides the language from `--lang`, the remembered setting and the locale, and fixes
/// it for the run. A remembered code the runner does not know counts as none.
pub fn choose(flag: Option<&str>, state: &State) -> Result<(Lang, Source)> {
    let flag = flag.map(Lang::from_arg).transpose()?;
    let remembered = state.lang.as_deref().and_then(Lang::parse);
    let chosen = language::choose(flag, remembered, |name| std::env::var(name).ok());
    language::set_from(chosen.0, chosen.1);
    Ok(chosen)
}

/// The language for what is said before the command line is read (its `--help`, its
/// errors): `--lang` as typed, else the remembered setting of the course found from here,
/// else the locale. [`choose`] decides the same once the command is read, and says why.
pub fn choose_before_parsing() -> Lang {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned())
        .collect();
    let flag = args.iter().enumerate().find_map(|(index, arg)| {
        if arg == "--" {
            return None;
        }
        match arg.strip_prefix("--lang") {
            Some("") => args.get(index + 1).and_then(|value| Lang::parse(value)),
            Some(rest) => rest.strip_prefix('=').and_then(Lang::parse),
            None => None,
        }
    });
    let remembered = Course::discover()
        .ok()
        .and_then(|course| State::load(&course.root).ok())
        .and_then(|state| state.lang.as_deref().and_then(Lang::parse));
    let (chosen, source) = language::choose(flag, remembered, |name| std::env::var(name).ok());
    language::set_from(chosen, source);
    chosen
}

/// `lang [CODE]`: remembers `en` or `zh-CN`, forgets with `auto`, or says which is spoken.
pub fn command(
    course: &Course,
    state: &mut State,
    code: Option<&str>,
    (chosen, source): (Lang, Source),
) -> Result<()> {
    let Some(code) = code else {
        let line = match source {
            Source::Flag => Cmd::LangFromFlag,
            Source::Remembered => Cmd::LangRemembered,
            Source::Environment => Cmd::LangFromLocale,
            Source::Default => Cmd::LangDefault,
        };
        tell(line, &[("code", &chosen.code())]);
        return Ok(());
    };
    if code == "auto" {
        state.lang = None;
        state.save(&course.root)?;
        tell(Msg::LangAuto, &[("mark", &ui::pass_mark())]);
        return Ok(());
    }
    let lang = Lang::from_arg(code)?;
    state.lang = Some(lang.code().to_string());
    state.save(&course.root)?;
    println!(
        "{}",
        say_in(lang, Msg::LangChosen, &[("mark", &ui::pass_mark())])
    );
    Ok(())
}

/// The book's address in the language spoken: `/zh-CN/` when the runner speaks Chinese
/// and the book has that translation (the session serves every edition), else `/`.
pub fn book_url(root: &Path, port: u16) -> String {
    book_url_in(language::current(), root, port)
}

fn book_url_in(lang: Lang, root: &Path, port: u16) -> String {
    let code = lang.code();
    if code != po::ENGLISH && po::translated(root).contains(&code) {
        format!("{}{code}/", url(port))
    } else {
        url(port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use workbook_core::testutil::Fixture;

    #[test]
    fn the_book_address_follows_the_language_where_the_book_is_translated() {
        let fx = Fixture::course();
        let english = "http://127.0.0.1:3000/";
        assert_eq!(book_url_in(Lang::ZhCn, fx.path(), 3000), english);
        fx.write("book/po/zh-CN.po", "");
        let chinese = book_url_in(Lang::ZhCn, fx.path(), 3000);
        assert_eq!(chinese, "http://127.0.0.1:3000/zh-CN/");
        assert_eq!(book_url_in(Lang::En, fx.path(), 3000), english);
    }
}
