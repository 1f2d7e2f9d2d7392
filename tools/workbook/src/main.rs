//! The course runner: `cargo run -p workbook` starts the course; its subcommands check
//! exercises, give hints, show solutions, serve the book, start the services the later
//! lessons need, report progress for a class, and verify the whole course for CI.

mod book;
mod bookcheck;
mod browsercheck;
mod cargo;
mod check;
mod cli;
mod course;
mod diagrams;
mod doctor;
mod environment;
mod exercise;
mod failure;
mod interactive;
mod isolation;
mod map;
mod probe;
mod report;
mod services;
mod state;
mod system;
mod testrun;
#[cfg(test)]
mod testutil;
mod transcripts;
mod ui;
mod verify;
mod watch;
mod wire;

use std::process::ExitCode;

use anyhow::Result;
use clap::Parser;

use crate::cli::{Cli, Commands, ServicesAction};
use crate::course::{Course, Selection};
use crate::state::State;
use crate::ui::Asking;

#[tokio::main]
async fn main() -> ExitCode {
    ui::end_quietly_when_output_is_cut();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("{} {err:#}", ui::red("error:"));
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

    let course = Course::discover()?;
    let mut state = State::load(&course.root)?;
    state::snapshot_stubs(&course, &state)?;

    match cli.command {
        None => interactive::run(course, state).await.map(|()| true),
        Some(Commands::List) => {
            map::print(&course, &state, true);
            if let Some((lesson, exercise)) = state.current(&course) {
                println!();
                map::print_current(&course, lesson, exercise, None);
            }
            Ok(true)
        }
        Some(Commands::Check { id }) => check::run(&course, &mut state, id.as_deref()).await,
        Some(Commands::Hint { id, all }) => {
            let (_, exercise) = exercise::pick(&course, &state, id.as_deref())?;
            exercise::hint(&course, &mut state, exercise, all, Asking::Command).map(|()| true)
        }
        Some(Commands::Solution { id, force }) => match course.select(&id)? {
            Selection::Exercise(lesson, exercise) => {
                exercise::solution(&course, &state, lesson, exercise, force, Asking::Command)
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
                    all_shown &= exercise::solution(
                        &course,
                        &state,
                        lesson,
                        exercise,
                        force,
                        Asking::Command,
                    )?;
                    println!();
                }
                Ok(all_shown)
            }
        },
        Some(Commands::Reset { id, yes }) => {
            let (lesson, exercise) = course.exercise(&id)?;
            exercise::reset(&course, &mut state, lesson, exercise, yes)
        }
        Some(Commands::Book { open, port }) => {
            book::run(&course.root, port, open).await.map(|()| true)
        }
        Some(Commands::Report { name, json, class }) => match class {
            Some(paths) => report::run_class(&course, &paths),
            None => report::run(&course, &state, name.as_deref(), json),
        },
        Some(Commands::Doctor) => doctor::run(&course.root).map(|()| true),
        Some(Commands::Verify { lesson }) => {
            verify::run(&course, lesson.as_deref()).await.map(|()| true)
        }
        Some(Commands::Up { ports, mine }) => system::up(&course.root, ports.base_port, !mine)
            .await
            .map(|()| true),
        Some(Commands::Down { ports }) => {
            system::down(&course.root, ports.base_port).map(|()| true)
        }
        Some(Commands::Status { ports }) => system::status(&course.root, ports.base_port),
        Some(Commands::Wire(args)) => wire::run(&course.root, args).await.map(|()| true),
        Some(Commands::Services { action }) => match action {
            ServicesAction::Up => services::up(&course.root).map(|()| true),
            ServicesAction::Down => services::down(&course.root).map(|()| true),
            ServicesAction::Status => services::status(&course.root).map(|()| true),
            ServicesAction::RunAgent { .. } => unreachable!("handled above"),
        },
    }
}
