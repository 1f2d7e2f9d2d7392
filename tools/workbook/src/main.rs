//! The course runner: `cargo run -p workbook` starts the course; its subcommands check
//! exercises, give hints, show solutions, serve the book, start the services the later
//! lessons need, and report progress for a class. The maintainers' checks of the whole
//! course (`verify`, `i18n`) are another program, `workbook-dev` (tools/workbook-dev).
//!
//! Each audience has its own room in the library (src/lib.rs), and this file only hands a
//! command to it.

use std::process::ExitCode;

use anyhow::Result;
use clap::FromArgMatches;

use workbook::book;
use workbook::cli::{self, Cli, Commands, ServicesAction};
use workbook::learner::state::{self, State};
use workbook::learner::{check, exercise, lang, map, session};
use workbook::system::ports::{self, Layout};
use workbook::system::{doctor, services, up};
use workbook::teacher::{bundle, pdf, report};
use workbook_core::course::Course;
use workbook_core::language::Lang;
use workbook_core::language::messages::{self, Msg};
use workbook_core::ui::{self, Asking};

#[tokio::main]
async fn main() -> ExitCode {
    ui::end_quietly_when_output_is_cut();
    let early = lang::choose_before_parsing();
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if early != Lang::En {
        args = cli::help_as_flag(args);
    }
    let cli = match cli::command(early)
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches))
    {
        Ok(cli) => cli,
        Err(err) => match cli::error_text(&err, early) {
            Some(text) if early != Lang::En => {
                let prefix = messages::say(Msg::ErrorPrefix, &[]);
                eprintln!("{}{text}", ui::red(&prefix));
                return ExitCode::from(2);
            }
            None if early != Lang::En => return cli::print_help(&err, early),
            _ => err.exit(),
        },
    };
    match run(cli).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            let prefix = messages::say(Msg::ErrorPrefix, &[]);
            eprintln!("{}{err:#}", ui::red(&prefix));
            ExitCode::FAILURE
        }
    }
}

/// Runs one command; `Ok(false)` is a clean "no" (a failing check, a locked solution).
async fn run(cli: Cli) -> Result<bool> {
    // The agent runs detached from any course folder, so it needs no course.
    if let Some(Commands::Services {
        action: ServicesAction::RunAgent { addr },
    }) = &cli.command
    {
        services::run_agent(*addr).await?;
        return Ok(true);
    }

    let mut course = Course::discover()?;
    let mut state = State::load(&course.root)?;
    let language = lang::choose(cli.lang.as_deref(), &state)?;
    course.speak(language.0);
    state::snapshot_stubs(&course, &state)?;

    match cli.command {
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
            exercise::hint(&course, &mut state, exercise, all, Asking::Command).map(|()| true)
        }
        Some(Commands::Solution { id, force }) => {
            exercise::solution_command(&course, &state, &id, force)
        }
        Some(Commands::Reset { id, yes }) => {
            let (lesson, exercise) = course.exercise(&id)?;
            exercise::reset(&course, &mut state, lesson, exercise, yes)
        }
        Some(Commands::Book {
            pdf: Some(file),
            teacher,
            lang,
            ..
        }) => pdf::run(&course.root, &file, teacher, lang.as_deref())
            .await
            .map(|()| true),
        Some(Commands::Book {
            open, port, lang, ..
        }) => {
            let port = match port {
                Some(port) => port,
                None => Layout::of(&course.root, None)?.book(),
            };
            book::run(&course.root, port, open, lang)
                .await
                .map(|()| true)
        }
        Some(Commands::Bundle { dir, teacher, lang }) => {
            bundle::run(&course, &dir, teacher, lang.as_deref()).await
        }
        Some(Commands::Report { name, json, class }) => match class {
            Some(paths) => report::run_class(&course, &paths),
            None => report::run(&course, &mut state, name.as_deref(), json),
        },
        Some(Commands::Lang { code }) => {
            lang::command(&course, &mut state, code.as_deref(), language).map(|()| true)
        }
        Some(Commands::Doctor) => doctor::run(&course.root).map(|()| true),
        Some(Commands::Up { ports, mine }) => {
            let layout = Layout::of(&course.root, ports.base_port)?;
            up::up(&course.root, layout, !mine).await.map(|()| true)
        }
        Some(Commands::Down { ports }) => {
            let layout = Layout::of(&course.root, ports.base_port)?;
            up::down(&course.root, layout).await.map(|()| true)
        }
        Some(Commands::Status { ports }) => {
            let layout = Layout::of(&course.root, ports.base_port)?;
            up::status(&course.root, layout).await
        }
        Some(Commands::Ports { base, clear }) => {
            let change = match (base, clear) {
                (Some(base), _) => ports::Change::Keep(base),
                (None, true) => ports::Change::Clear,
                (None, false) => ports::Change::Show,
            };
            ports::command(&course, change).map(|()| true)
        }
        Some(Commands::Wire(args)) => workbook::wire::run(&course.root, args).await.map(|()| true),
        Some(Commands::Services { action }) => {
            let here = services::Here::of(&course.root)?;
            match action {
                ServicesAction::Up => services::up(&here).map(|()| true),
                ServicesAction::Down => services::down(&here).map(|()| true),
                ServicesAction::Status => services::status(&here).map(|()| true),
                ServicesAction::RunAgent { .. } => unreachable!("handled above"),
            }
        }
    }
}
