//! Choosing the language once per run (see `common::lang` for the precedence), and the
//! `lang` command that remembers a choice in the learner's state.

use std::path::Path;

use anyhow::Result;

use crate::book;

use crate::common::catalog::{Msg, say, say_in};
use crate::common::course::Course;
use crate::common::lang::{self, Lang, Source};
use crate::common::ui;
use crate::learner::state::State;

/// Decides the language from `--lang`, the remembered setting and the locale, and fixes
/// it for the run. A remembered code the runner does not know counts as none.
pub fn choose(flag: Option<&str>, state: &State) -> Result<(Lang, Source)> {
    let flag = flag.map(Lang::from_arg).transpose()?;
    let remembered = state.lang.as_deref().and_then(Lang::parse);
    let chosen = lang::choose(flag, remembered, |name| std::env::var(name).ok());
    lang::set(chosen.0);
    Ok(chosen)
}

/// `lang [CODE]`: remembers `en` or `zh-CN`, forgets with `auto`, or says which is spoken.
pub fn command(
    course: &Course,
    state: &mut State,
    code: Option<&str>,
    (chosen, source): (Lang, Source),
) -> Result<()> {
    let Some(code) = code else {
        let why = match source {
            Source::Flag => "--lang",
            Source::Remembered => "remembered by `lang`",
            Source::Environment => "from the shell's locale",
            Source::Default => "the default",
        };
        println!("{} ({why})", chosen.code());
        return Ok(());
    };
    if code == "auto" {
        state.lang = None;
        state.save(&course.root)?;
        println!("{}", say(Msg::LangAuto, &[("mark", &ui::pass_mark())]));
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
    book_url_in(lang::current(), root, port)
}

fn book_url_in(lang: Lang, root: &Path, port: u16) -> String {
    let code = lang.code();
    if code != book::i18n::ENGLISH && book::i18n::translated(root).contains(&code) {
        format!("{}{code}/", book::url(port))
    } else {
        book::url(port)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::testutil::Fixture;

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
