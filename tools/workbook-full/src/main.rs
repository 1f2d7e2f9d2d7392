//! `workbook-full`: the runner's commands beyond the learner's loop (src/lib.rs). A learner
//! types them to `workbook` (`cargo run -p workbook -- book`), which hands them here; the
//! learner's own commands run here too, the same code as in `workbook`, so that this one
//! program answers every command the runner has.

use std::process::ExitCode;

use anyhow::Result;

use workbook::cli::{ClassAction, Cli, Commands, ServicesAction};
use workbook::start::{self, Started};
use workbook_full::system::ports::{self, Layout};
use workbook_full::system::{doctor, services, up};
use workbook_full::teacher::{bundle, class, pdf, report};
use workbook_full::{book, traces};

#[tokio::main]
async fn main() -> ExitCode {
    workbook_core::ui::end_quietly_when_output_is_cut();
    let cli = match start::parse(std::env::args_os().collect()) {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    start::exit_code(run(cli).await)
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

    let started = start::start(&cli)?;
    let command = match cli.command {
        Some(command) if !command.is_the_learners() => command,
        learners => return start::run_learners(started, learners).await,
    };
    let Started {
        course, mut state, ..
    } = started;
    match command {
        Commands::Book {
            pdf: Some(file),
            teacher,
            lang,
            ..
        } => pdf::run(&course.root, &file, teacher, lang.as_deref())
            .await
            .map(|()| true),
        Commands::Book {
            port,
            for_session: true,
            ..
        } => {
            let port = port.unwrap_or(Layout::of(&course.root, None)?.book());
            // The trace view's receiver, quietly: chapter 15 says where to send spans, and a
            // port someone else holds is said on the page, not between the session's checks.
            let views = traces::views(&course.root, false).await;
            book::serve_for_session(&course.root, port, views.routes)
                .await
                .map(|()| true)
        }
        Commands::Book {
            open, port, lang, ..
        } => {
            let port = match port {
                Some(port) => port,
                None => Layout::of(&course.root, None)?.book(),
            };
            let views = traces::views(&course.root, true).await;
            book::run(course, port, open, lang, views)
                .await
                .map(|()| true)
        }
        Commands::Bundle { dir, teacher, lang } => {
            bundle::run(&course, &dir, teacher, lang.as_deref()).await
        }
        Commands::Report { name, json, class } => match class {
            Some(paths) => report::run_class(&course, &paths),
            None => report::run(&course, &mut state, name.as_deref(), json),
        },
        Commands::Doctor => doctor::run(&course.root).map(|()| true),
        Commands::Up { ports, mine } => {
            let layout = Layout::of(&course.root, ports.base_port)?;
            up::up(&course.root, layout, !mine).await.map(|()| true)
        }
        Commands::Down { ports } => {
            let layout = Layout::of(&course.root, ports.base_port)?;
            up::down(&course.root, layout).await.map(|()| true)
        }
        Commands::Status { ports } => {
            let layout = Layout::of(&course.root, ports.base_port)?;
            up::status(&course.root, layout).await
        }
        Commands::Ports { base, clear } => {
            let change = match (base, clear) {
                (Some(base), _) => ports::Change::Keep(base),
                (None, true) => ports::Change::Clear,
                (None, false) => ports::Change::Show,
            };
            ports::command(&course, change).map(|()| true)
        }
        Commands::Wire(args) => workbook_full::wire::run(&course.root, args)
            .await
            .map(|()| true),
        Commands::Services { action } => {
            let here = services::Here::of(&course.root)?;
            match action {
                ServicesAction::Up => services::up(&here).map(|()| true),
                ServicesAction::Down => services::down(&here).map(|()| true),
                ServicesAction::Status => services::status(&here).map(|()| true),
                ServicesAction::RunAgent { .. } => unreachable!("handled above"),
            }
        }
        Commands::Class {
            action:
                ClassAction::Serve {
                    dir,
                    addr,
                    max_learners,
                    stuck_after,
                    mirror,
                    mirror_no_book,
                },
        } => {
            let serves = class::Serves {
                mirror,
                no_book: mirror_no_book,
            };
            class::serve(course, &dir, addr, max_learners, stuck_after, serves).await
        }
        Commands::Class {
            action:
                ClassAction::Roster {
                    dir,
                    action,
                    name,
                    other,
                },
        } => class::roster(&dir, action, name.as_deref(), other.as_deref()),
        Commands::Class {
            action: ClassAction::Backup { dir, file },
        } => class::backup(&dir, &file),
        Commands::Class {
            action: ClassAction::BookSite { dir },
        } => workbook_book::static_site::build(&course.root, &dir).map(|_| true),
        _ => unreachable!("the learner's commands ran above"),
    }
}
