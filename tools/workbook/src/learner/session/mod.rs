//! The course session (`workbook` with no arguments, or `watch ID|LESSON` to start
//! somewhere): the map, the book on loopback, the current exercise re-checked on every
//! save, and single keys for the rest. Saving another exercise's file makes it the current
//! one (see `next`), and `l` picks one from a list (see `pick`).
//!
//! Keys are read in raw mode. Raw mode is switched off while anything prints (cargo's and
//! the tests' output expects a normal terminal) and always restored: on quit, on error
//! and on panic.

use std::collections::VecDeque;
use std::future::Future;

use anyhow::Result;
use crossterm::terminal;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use crate::learner::ahead::Ahead;
use crate::learner::check::{self, Detail};
use crate::learner::exercise;
use crate::learner::map;
use crate::learner::next::{self, AfterSave};
use crate::learner::pick::{self, Typed, Typing};
use crate::learner::state::State;
use workbook_core::course::{Course, Exercise, Lesson};
use workbook_core::language::messages::{Msg, say, tell};
use workbook_core::ports::Layout;
use workbook_core::ui;
use workbook_core::ui::Asking;
use workbook_core::watch::Mode;

mod book;
mod inputs;

use book::start_book;
use inputs::{Input, TerminalMode, start_keys, start_watching};

/// The keys, as the session shows them after each check.
fn keys() -> String {
    ui::dim(&say(Msg::Keys, &[]))
}

/// Starts the session at `start` (an exercise or a lesson; else the first open exercise);
/// without a terminal, prints the progress once instead.
pub async fn run(course: Course, mut state: State, start: Option<&str>) -> Result<()> {
    let layout = Layout::of(&course.root, None)?;
    let first = match start {
        Some(target) => Some(next::start_at(&course, &state, target)?),
        None => state.current(&course),
    };
    map::print(&course, &state, false);
    if !ui::terminal().is_tty {
        if let Some((lesson, exercise)) = first {
            println!();
            map::print_current(&course, lesson, exercise, layout, false);
        }
        return Ok(());
    }

    // Verdicts queued while the class server was away go as soon as it is back.
    crate::learner::class::keep_sending(&course.root);
    let (inputs, mut received) = unbounded_channel();
    // The book's address answers at once; its server is built after the first check's
    // build: on a fresh clone both need cargo, which builds one thing at a time, and the
    // learner's first verdict comes first (`book.rs`).
    let lesson = first.map(|(lesson, _)| lesson.folder.as_str());
    let mut book = start_book(&course, layout.book(), lesson, inputs.clone());
    // Building ahead waits for the book's server: they would queue for cargo's lock.
    let mut book_built = false;
    let watch_mode = start_watching(&course.root, inputs.clone());
    start_keys(inputs.clone());

    // Whatever happens, a panic must not leave the terminal in raw mode.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = terminal::disable_raw_mode();
        default_hook(info);
    }));

    let mut current = first.map(|(_, e)| e.id.clone());
    // What the lesson on hand and the next one will need, built while the learner reads.
    let mut ahead = Ahead::for_session(&course);
    // After `l`, the keys make a line that says where to go.
    let mut typing: Option<Typing> = None;
    println!();
    match watch_mode {
        Mode::Events => {}
        Mode::Polling => println!("{}", say(Msg::Polling, &[("mark", &ui::yellow("!"))])),
    }
    show_current(&course, &state, current.as_deref(), layout);

    let _raw = TerminalMode::raw();
    let mut queue: VecDeque<Input> = VecDeque::new();
    // Check the current exercise once at the start: maybe it is already solved.
    let mut pending_check = current.is_some();
    if !pending_check {
        book.go();
    }
    loop {
        // A save while a line is being typed is checked once the line is done.
        if pending_check && typing.is_none() {
            pending_check = false;
            let Some(id) = current.clone() else { continue };
            let cooked = TerminalMode::cooked();
            ahead.pause();
            println!();
            let one = [course.exercise(&id)?];
            let run = check::check(&course, &mut state, &one, Detail::Full, Asking::Key);
            let passed = match interruptible(run, &mut received, &mut queue).await {
                None => break,
                Some(Ok(results)) => results.iter().all(|(_, verdict)| verdict.passed()),
                Some(Err(err)) => {
                    println!("{} {err:#}", ui::fail_mark());
                    false
                }
            };
            if passed {
                match next::next_open(&course, &state, &id) {
                    Some((lesson, next)) => println!(
                        "{}",
                        say(
                            Msg::SessionNext,
                            &[
                                ("where", &ui::bold(&next::where_is(lesson, next))),
                                ("title", &next.title),
                                ("key", &ui::bold("n")),
                            ],
                        )
                    ),
                    None => println!("  {}", ui::green(&say(Msg::CourseDone, &[]))),
                }
            }
            book.go();
            if book_built {
                build_ahead(&mut ahead, &course, current.as_deref());
            }
            println!("{}", keys());
            drop(cooked);
        }

        let input = match queue.pop_front() {
            Some(input) => input,
            None => match received.recv().await {
                Some(input) => input,
                None => break,
            },
        };
        let _cooked = TerminalMode::cooked();
        // Esc (or Ctrl-C) while typing where to go only stops the typing.
        if typing.is_some() && matches!(input, Input::Quit) {
            typing = None;
            println!("\n{}", keys());
            continue;
        }
        if let (Some(line), Input::Key(key)) = (typing.as_mut(), &input) {
            if let Typed::Done(text) = line.key(*key) {
                typing = None;
                println!();
                if text.trim().is_empty() {
                    println!("{}", keys());
                    continue;
                }
                match pick::resolve(&course, &state, &text) {
                    Ok((lesson, exercise)) => {
                        go_to(&mut current, lesson, exercise);
                        show_current(&course, &state, current.as_deref(), layout);
                        pending_check = true;
                    }
                    Err(err) => println!("{} {err:#}", ui::fail_mark()),
                }
            }
            use std::io::Write;
            let _ = std::io::stdout().flush();
            continue;
        }
        match input {
            Input::Quit | Input::Key('q') => break,
            Input::Note(text) => println!("{text}"),
            Input::BookBuilt => {
                book_built = true;
                build_ahead(&mut ahead, &course, current.as_deref());
            }
            Input::Saved(paths) => match next::after_save(&course, current.as_deref(), &paths) {
                AfterSave::CheckCurrent => pending_check = true,
                AfterSave::SwitchTo(lesson, exercise) => {
                    go_to(&mut current, lesson, exercise);
                    pending_check = true;
                }
                AfterSave::OtherLesson(lesson, path) => println!(
                    "{}",
                    say(
                        Msg::SavedOtherLesson,
                        &[
                            ("mark", &ui::yellow("!")),
                            ("file", &course.relative(&path).display()),
                            ("number", &lesson.number()),
                            ("lesson", &lesson.id),
                            ("current", &current.as_deref().unwrap_or("-")),
                            ("key", &ui::bold("l")),
                        ],
                    )
                ),
                AfterSave::Nothing => {}
            },
            Input::Key('r') => pending_check = current.is_some(),
            // Each press shows the next hint; after the last, all of them again.
            Input::Key('h') => match current.as_deref().map(|id| course.exercise(id)) {
                Some(Ok((_, ex))) => {
                    println!();
                    exercise::hint(&course, &mut state, ex, false, Asking::Key)?;
                }
                _ => println!("{}", say(Msg::NothingToHint, &[])),
            },
            // The reference answer, once the exercise has passed.
            Input::Key('s') => match current.as_deref().map(|id| course.exercise(id)) {
                Some(Ok((lesson, ex))) => {
                    println!();
                    exercise::solution(&course, &state, lesson, ex, false, Asking::Key)?;
                    println!("{}", keys());
                }
                _ => println!(
                    "{}",
                    say(
                        Msg::AllDoneAnyAnswer,
                        &[("command", &ui::cmd("solution ID"))]
                    )
                ),
            },
            Input::Key('l') => {
                println!();
                pick::print_choices(&course, &state, current.as_deref());
                print!("> ");
                use std::io::Write;
                let _ = std::io::stdout().flush();
                typing = Some(Typing::default());
            }
            Input::Key('n') => {
                let next = match current.as_deref() {
                    Some(id) => next_after(&course, &state, id),
                    None => state.current(&course),
                };
                match next {
                    Some((_, exercise)) => {
                        current = Some(exercise.id.clone());
                        println!();
                        show_current(&course, &state, current.as_deref(), layout);
                        if book_built {
                            build_ahead(&mut ahead, &course, current.as_deref());
                        }
                    }
                    None => println!("{}", say(Msg::NoExerciseAfter, &[])),
                }
            }
            Input::Key('c') => {
                println!();
                let all: Vec<_> = course.exercises().collect();
                ahead.pause();
                let run = check::check(&course, &mut state, &all, Detail::OneLine, Asking::Key);
                match interruptible(run, &mut received, &mut queue).await {
                    None => break,
                    Some(Err(err)) => println!("{} {err:#}", ui::fail_mark()),
                    Some(Ok(_)) => {}
                }
                println!();
                map::print(&course, &state, false);
                current = state.current(&course).map(|(_, e)| e.id.clone());
                println!();
                show_current(&course, &state, current.as_deref(), layout);
                if book_built {
                    build_ahead(&mut ahead, &course, current.as_deref());
                }
            }
            Input::Key(_) => println!("{}", keys()),
        }
    }
    let _ = terminal::disable_raw_mode();
    let command = ui::cyan(ui::command("").trim_end());
    tell(Msg::Bye, &[("command", &command)]);
    Ok(())
}

/// Builds ahead for the lesson of exercise `current` and the one after it, and says so in
/// a line when something new starts.
fn build_ahead(ahead: &mut Ahead, course: &Course, current: Option<&str>) {
    let Some(Ok((lesson, _))) = current.map(|id| course.exercise(id)) else {
        return;
    };
    if let Some(note) = ahead.resume(course, &lesson.id) {
        println!("{note}");
    }
}

/// Prints the exercise being worked on, or the end of the course.
fn show_current(course: &Course, state: &State, current: Option<&str>, layout: Layout) {
    match current.and_then(|id| course.exercise(id).ok()) {
        Some((lesson, exercise)) => {
            map::print_current(course, lesson, exercise, layout, true);
            tell(Msg::SaveToCheck, &[]);
        }
        None if course.exercise_count() == 0 => println!("{}", say(Msg::NoExercisesYet, &[])),
        None => {
            let (done, total) = state.progress(course.exercises().map(|(_, e)| e));
            let line = say(
                Msg::AllDoneWellDone,
                &[
                    ("mark", &ui::pass_mark()),
                    ("done", &done),
                    ("total", &total),
                ],
            );
            println!("{line}");
        }
    }
    println!("{}", keys());
}

/// Where `n` goes: the next open exercise (see [`next::next_open`]), or else, with all
/// done, simply the following one, to look back through the course.
fn next_after<'c>(
    course: &'c Course,
    state: &State,
    id: &str,
) -> Option<(&'c Lesson, &'c Exercise)> {
    next::next_open(course, state, id).or_else(|| {
        let all: Vec<_> = course.exercises().collect();
        let position = all.iter().position(|(_, e)| e.id == id)?;
        all.get(position + 1).copied()
    })
}

/// Makes `exercise` the current one and says so in one line.
fn go_to(current: &mut Option<String>, lesson: &Lesson, exercise: &Exercise) {
    if current.as_deref() != Some(exercise.id.as_str()) {
        let where_is = ui::bold(&next::where_is(lesson, exercise));
        let line = say(
            Msg::NowOn,
            &[("mark", &ui::cyan("▶")), ("where", &where_is)],
        );
        println!("{line}");
    }
    *current = Some(exercise.id.clone());
}

/// Runs `work` while still listening: `q` stops it (dropping it kills cargo and the
/// tests), anything else waits in `queue` until the work is done.
async fn interruptible<T>(
    work: impl Future<Output = T>,
    received: &mut UnboundedReceiver<Input>,
    queue: &mut VecDeque<Input>,
) -> Option<T> {
    tokio::pin!(work);
    loop {
        tokio::select! {
            output = &mut work => return Some(output),
            input = received.recv() => match input {
                None | Some(Input::Quit) | Some(Input::Key('q')) => return None,
                Some(Input::Note(text)) => {
                    // Wipe cargo's progress line first, if one is showing.
                    println!("\r\x1b[2K{text}");
                }
                Some(other) => queue.push_back(other),
            },
        }
    }
}
