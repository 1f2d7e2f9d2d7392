//! `workbook-book`: the course's book served, and nothing else to build first (src/lib.rs).
//!
//! - `workbook-book [--port P] [--open]` (`cargo run -p workbook-book`): both editions
//!   served on the book's port, rebuilt on every save, the chapters answered from their
//!   Markdown while the pages are made; what `workbook book` runs (which serves with
//!   `workbook-full` instead, for its trace view, once that is built);
//! - `workbook-book book [--port P] [--open] [--lang L]`: the same, as `workbook` spells it;
//!   `--for-session` is how the course session starts it (src/session.rs);
//! - `workbook-book site DIR`: both editions built into DIR, a static site to publish
//!   (.github/workflows/book.yml);
//! - any other command is the runner's, and `book --traces` or `--pdf` too: handed to it whole
//!   (`workbook::handoff`, which builds `workbook-full`).

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use workbook::cli::Commands;
use workbook::handoff;
use workbook::start::{self, Started};
use workbook_book::Views;
use workbook_core::language::messages::{Cmd, tell};
use workbook_core::ports::Layout;
use workbook_core::ui;

#[tokio::main]
async fn main() -> ExitCode {
    workbook_core::ui::end_quietly_when_output_is_cut();
    let mut args: Vec<OsString> = std::env::args_os().collect();
    let program = args
        .first()
        .cloned()
        .unwrap_or_else(|| "workbook-book".into());
    let site = (args.get(1).is_some_and(|arg| arg == "site")).then(|| args.get(2).cloned());
    if site.is_some() {
        // `site DIR` is this program's own.
        args = vec![program, "book".into()];
    } else if args
        .get(1)
        .is_none_or(|arg| arg.to_string_lossy().starts_with('-'))
        && !args.iter().any(|arg| arg == "book")
    {
        // No command, or only options (`--port 3001`): `book` is meant.
        args.insert(1, "book".into());
    }
    let cli = match start::parse(args) {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let Some(Commands::Book {
        pdf: None,
        traces: false,
        open,
        port,
        lang,
        for_session,
        ..
    }) = &cli.command
    else {
        return handoff::hand_on().await;
    };
    let (open, port, lang, for_session) = (*open, *port, lang.clone(), *for_session);
    let outcome = match start::start(&cli) {
        Ok(Started { course, .. }) => match site {
            Some(dir) => build_site(&course.root, dir.map(PathBuf::from)),
            None => {
                let port = match port {
                    Some(port) => Ok(port),
                    None => Layout::of(&course.root, None).map(|layout| layout.book()),
                };
                match (port, for_session) {
                    (Err(err), _) => Err(err),
                    (Ok(port), true) => {
                        workbook_book::serve_for_session(&course.root, port, Views::none().routes)
                            .await
                    }
                    (Ok(port), false) => {
                        workbook_book::run(course, port, open, lang, Views::none()).await
                    }
                }
            }
        },
        Err(err) => Err(err),
    };
    start::exit_code(outcome.map(|()| true))
}

/// `site DIR`: every edition built into DIR, as the book's server serves them.
fn build_site(root: &std::path::Path, dir: Option<PathBuf>) -> Result<()> {
    let dir = dir.ok_or_else(|| anyhow::anyhow!("workbook-book site DIR"))?;
    let dir = std::path::absolute(&dir)?;
    let started = std::time::Instant::now();
    workbook_book::static_site::build(root, &dir)?;
    let elapsed = ui::seconds(started.elapsed().as_secs_f64());
    let args: [(&str, &dyn std::fmt::Display); 3] = [
        ("mark", &ui::pass_mark()),
        ("dir", &dir.display()),
        ("elapsed", &elapsed),
    ];
    tell(Cmd::BuiltInto, &args);
    Ok(())
}
