//! What both runner programs do before a command: read the command line in the learner's
//! language, find the course, load the learner's progress and choose the language. Then
//! the learner's commands run here ([`run_learners`]); `workbook-full` runs the others.

use std::ffi::OsString;
use std::process::ExitCode;

use anyhow::Result;
use clap::FromArgMatches;

use crate::cli::{self, ClassAction, Cli, Commands};
use crate::learner::state::{self, State};
use crate::learner::{check, class, exercise, lang, map, session};
use workbook_core::course::Course;
use workbook_core::language::messages::{self, Msg};
use workbook_core::language::{Lang, Source};
use workbook_core::ui;

/// The command line, read in the language chosen before reading it (`--lang`, the saved
/// choice, the locale). On a mistake or `--help`, what to exit with once it is printed.
pub fn parse(args: Vec<OsString>) -> Result<Cli, ExitCode> {
    let early = lang::choose_before_parsing();
    let args = cli::lang_first(args);
    let args = if early != Lang::En {
        cli::help_as_flag(args)
    } else {
        args
    };
    match cli::command(early)
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches))
    {
        Ok(cli) => Ok(cli),
        Err(err) => match cli::error_text(&err, early) {
            Some(text) if early != Lang::En => {
                let prefix = messages::say(Msg::ErrorPrefix, &[]);
                eprintln!("{}{text}", ui::red(&prefix));
                Err(ExitCode::from(2))
            }
            None if early != Lang::En => Err(cli::print_help(&err, early)),
            _ => err.exit(),
        },
    }
}

/// What a command runs in: the course, the learner's progress, the language spoken.
pub struct Started {
    pub course: Course,
    pub state: State,
    /// The language, and where the choice came from (`lang` says).
    pub language: (Lang, Source),
}

/// Finds the course around the current folder, loads the progress, chooses the language.
pub fn start(cli: &Cli) -> Result<Started> {
    let mut course = Course::discover()?;
    let state = State::load(&course.root)?;
    let language = lang::choose(cli.lang.as_deref(), &state)?;
    course.speak(language.0);
    state::snapshot_stubs(&course, &state)?;
    Ok(Started {
        course,
        state,
        language,
    })
}

/// Runs a learner's command (see [`Commands::is_the_learners`]), or the session when there
/// is none; `Ok(false)` is a clean "no" (a failing check, a locked solution).
pub async fn run_learners(started: Started, command: Option<Commands>) -> Result<bool> {
    let Started {
        course,
        mut state,
        language,
    } = started;
    if !matches!(command, Some(Commands::Class { .. })) {
        class::send_what_waits(&course.root);
    }
    match command {
        None => session::run(course, state, None).await.map(|()| true),
        Some(Commands::Watch { target }) => session::run(course, state, target.as_deref())
            .await
            .map(|()| true),
        Some(Commands::List) => {
            map::list(&course, &state);
            Ok(true)
        }
        Some(Commands::Check { id }) => check::run(&course, &mut state, id.as_deref()).await,
        Some(Commands::Hint { id, all }) => {
            let (_, exercise) = exercise::pick(&course, &state, id.as_deref())?;
            exercise::hint(&course, &mut state, exercise, all, ui::Asking::Command).map(|()| true)
        }
        Some(Commands::Solution { id, force }) => {
            exercise::solution_command(&course, &state, &id, force)
        }
        Some(Commands::Reset { id, yes }) => {
            let (lesson, exercise) = course.exercise(&id)?;
            exercise::reset(&course, &mut state, lesson, exercise, yes)
        }
        Some(Commands::Lang { code }) => {
            lang::command(&course, &mut state, code.as_deref(), language).map(|()| true)
        }
        Some(Commands::Class { action }) => match action {
            ClassAction::Join {
                url,
                code,
                name,
                rejoin,
            } => class::join(&course, &url, &code, &name, rejoin.as_deref()),
            ClassAction::Status => class::status(&course),
            ClassAction::Leave => class::leave(&course),
            ClassAction::Send => {
                let _ = class::send::run(&course.root);
                Ok(true)
            }
            ClassAction::Serve { .. } => anyhow::bail!("not a learner's command: class serve"),
            ClassAction::Roster { .. } => anyhow::bail!("not a learner's command: class roster"),
            ClassAction::Backup { .. } => anyhow::bail!("not a learner's command: class backup"),
            ClassAction::BookSite { .. } => {
                anyhow::bail!("not a learner's command: class book-site")
            }
        },
        Some(other) => anyhow::bail!("not a learner's command: {other:?}"),
    }
}

/// How a command's outcome ends the program.
pub fn exit_code(outcome: Result<bool>) -> ExitCode {
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            let prefix = messages::say(Msg::ErrorPrefix, &[]);
            eprintln!("{}{err:#}", ui::red(&prefix));
            ExitCode::FAILURE
        }
    }
}
