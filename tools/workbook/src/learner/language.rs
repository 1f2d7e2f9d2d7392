//! Choosing the language once per run (see `common::lang` for the precedence), and the
//! `lang` command that remembers a choice in the learner's state.

use anyhow::Result;

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
        println!(
            "{} the runner follows the shell's locale again (LANG, LC_ALL, LANGUAGE)",
            ui::pass_mark()
        );
        return Ok(());
    }
    let lang = Lang::from_arg(code)?;
    state.lang = Some(lang.code().to_string());
    state.save(&course.root)?;
    match lang {
        Lang::En => println!("{} the runner speaks English from now on", ui::pass_mark()),
        Lang::ZhCn => println!("{} 课程运行器（runner）从现在起说中文", ui::pass_mark()),
    }
    Ok(())
}
