//! The commands about one exercise: `hint`, `solution` and `reset`. The course session
//! gives the first two on a key press, so their messages say the next step as the learner
//! asks for it (`ui::Asking`).

use std::fs;
use std::io::{BufRead, IsTerminal, Write};

use anyhow::{Context, Result, bail};

use crate::learner::state::{self, STATE_DIR, State};
use workbook_core::course::{Course, Exercise, Lesson, Selection};
use workbook_core::language::messages::{Cmd, Msg, say, tell};
use workbook_core::ui::{self, Asking};

/// The exercise an optional ID names; none means the current one.
pub fn pick<'c>(
    course: &'c Course,
    state: &State,
    id: Option<&str>,
) -> Result<(&'c Lesson, &'c Exercise)> {
    match id {
        Some(id) => course.exercise(id),
        None => state
            .current(course)
            .with_context(|| say(Msg::NameOneForHints, &[])),
    }
}

/// `hint`: the next hint on each call, or all of them.
pub fn hint(
    course: &Course,
    state: &mut State,
    exercise: &Exercise,
    all: bool,
    asking: Asking,
) -> Result<()> {
    let hints = &exercise.hints;
    if hints.is_empty() {
        tell(Msg::NoHints, &[("id", &exercise.id)]);
        return Ok(());
    }
    let shown = state.get(&exercise.id).hints_shown;
    // All of them, or the next one; once every hint is shown, all of them again.
    let (from, upto) = if all || shown >= hints.len() {
        (0, hints.len())
    } else {
        (shown, shown + 1)
    };
    for (index, text) in hints.iter().enumerate().take(upto).skip(from) {
        let header = say(
            Msg::HintOf,
            &[
                ("number", &(index + 1)),
                ("total", &hints.len()),
                ("id", &exercise.id),
            ],
        );
        println!("{} {text}", ui::yellow(&header));
    }
    let entry = state.entry(&exercise.id);
    entry.hints_shown = upto;
    entry.hinted(state::now());
    state.save(&course.root)?;
    if upto < hints.len() {
        let how = ui::ask(asking, 'h', &format!("hint {}", exercise.id));
        tell(Msg::AnotherHint, &[("how", &how)]);
    } else if !state.get(&exercise.id).ever_passed {
        // In the session the exercise is re-checked on save: there is no command to give.
        let check = match asking {
            Asking::Command => ui::cmd(&format!("check {}", exercise.id)),
            Asking::Key => exercise.id.clone(),
        };
        tell(Msg::EveryHintShown, &[("check", &check)]);
    }
    Ok(())
}

/// `solution ID`: the answer of one exercise, or of every exercise of a lesson.
pub fn solution_command(course: &Course, state: &State, id: &str, force: bool) -> Result<bool> {
    match course.select(id)? {
        Selection::Exercise(lesson, exercise) => {
            solution(course, state, lesson, exercise, force, Asking::Command)
        }
        // After a lesson, a teacher shows every answer of it at once (`--force`); a
        // learner sees those of the exercises they have passed.
        Selection::Lesson(lesson) => {
            let mut all_shown = true;
            for exercise in &lesson.exercises {
                println!(
                    "{}",
                    ui::bold(&format!("── {} · {}", exercise.id, exercise.title))
                );
                all_shown &= solution(course, state, lesson, exercise, force, Asking::Command)?;
                println!();
            }
            Ok(all_shown)
        }
    }
}

/// `solution`: the reference answer, once the exercise has passed (or with `force`).
/// Returns whether it was shown.
pub fn solution(
    course: &Course,
    state: &State,
    lesson: &Lesson,
    exercise: &Exercise,
    force: bool,
    asking: Asking,
) -> Result<bool> {
    if !force && !state.get(&exercise.id).ever_passed {
        match asking {
            Asking::Command => {
                let check = ui::cmd(&format!("check {}", exercise.id));
                let locked = say(
                    Msg::SolutionLocked,
                    &[
                        ("mark", &ui::yellow("!")),
                        ("id", &exercise.id),
                        ("command", &check),
                    ],
                );
                println!("{locked}");
                let hint = ui::cmd(&format!("hint {}", exercise.id));
                tell(Msg::StuckTeachers, &[("command", &hint)]);
            }
            Asking::Key => println!(
                "{}",
                say(
                    Msg::SolutionLockedKey,
                    &[
                        ("mark", &ui::yellow("!")),
                        ("id", &exercise.id),
                        ("how", &ui::ask(asking, 'h', "")),
                    ],
                )
            ),
        }
        return Ok(false);
    }
    let path = lesson.solution_path(exercise);
    let text = fs::read_to_string(&path)
        .with_context(|| format!("reading {}", course.relative(&path).display()))?;
    println!(
        "{}",
        ui::dim(&format!("// {}", course.relative(&path).display()))
    );
    print!("{text}");
    if !text.ends_with('\n') {
        println!();
    }
    Ok(true)
}

/// `reset`: the exercise file back to its stub, after asking (unless `yes`). The
/// learner's version is kept in `.workbook/backups/` all the same.
pub fn reset(
    course: &Course,
    state: &mut State,
    lesson: &Lesson,
    exercise: &Exercise,
    yes: bool,
) -> Result<bool> {
    let path = lesson.exercise_path(exercise);
    let shown = course.relative(&path).display().to_string();
    let Some(stub) = state::stub_source(course, lesson, exercise) else {
        bail!(say(
            Cmd::NoPristineCopy,
            &[("file", &shown), ("dir", &STATE_DIR)]
        ));
    };
    let current = fs::read_to_string(&path).unwrap_or_default();
    if current == stub {
        let mark = ui::pass_mark();
        tell(Cmd::AlreadyStub, &[("mark", &mark), ("file", &shown)]);
        return Ok(true);
    }
    if !yes {
        if !std::io::stdin().is_terminal() {
            bail!(say(Cmd::RefuseWithoutAsking, &[("file", &shown)]));
        }
        let ask = say(Cmd::ResetAsk, &[("file", &shown), ("dir", &STATE_DIR)]);
        print!("{ask}");
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            tell(Cmd::LeftAsItIs, &[]);
            return Ok(false);
        }
    }
    if !current.is_empty() {
        let backups = course.root.join(STATE_DIR).join("backups");
        fs::create_dir_all(&backups)?;
        let stamp = state::now();
        let name = exercise
            .file
            .file_name()
            .unwrap_or_default()
            .to_string_lossy();
        fs::write(
            backups.join(format!("{}-{stamp}-{name}", exercise.id)),
            &current,
        )?;
    }
    fs::write(&path, stub).with_context(|| format!("writing {shown}"))?;
    state.entry(&exercise.id).status = None;
    state.save(&course.root)?;
    let mark = ui::pass_mark();
    tell(Cmd::BackToStub, &[("mark", &mark), ("file", &shown)]);
    Ok(true)
}
