//! `book`: the book served on loopback, rebuilt on every save, by the program that serves it:
//! `workbook-book`, the book alone, or `workbook-full`, the same book with lesson 15's trace
//! view, when that program is built already (the session builds it from lesson 15 on, and
//! `up`, `doctor` and the teacher's commands are its) or `--traces` asks for it.
//!
//! On a fresh clone that program has still to be built (a minute or two), and then to make
//! the book's pages (seconds). So this binds the book's address first and answers there at
//! once, as the session does (`waiting.rs`: a chapter's address is the chapter, read from
//! its Markdown), builds the program with cargo's progress on the terminal, and then becomes
//! it, handing it the listening socket (`workbook_book::listener`): the server answers
//! the same way while it makes its pages, then with the book. Connections that arrive while
//! this program becomes the server wait in the socket's queue.

use std::ffi::OsString;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result};
use tokio::net::TcpListener;
use tokio::sync::watch;
use workbook_core::cargo::{self, BuildRequest};
use workbook_core::course::Course;
use workbook_core::language::messages::{Cmd, io_error, say, tell};
use workbook_core::ports::Layout;
use workbook_core::{environment, ui};

use super::waiting::{self, Stage};
use crate::cli::{Cli, Commands};
use crate::handoff::{self, BOOK, FULL};
use crate::start;

/// Runs `book` (without `--pdf`, which prints the book with `workbook-full`).
pub async fn run(cli: Cli) -> ExitCode {
    let Some(Commands::Book {
        open,
        port,
        lang,
        traces,
        ..
    }) = &cli.command
    else {
        return handoff::hand_on().await;
    };
    let (open, port, lang, traces) = (*open, *port, lang.clone(), *traces);
    let course = match start::start(&cli) {
        Ok(started) => started.course,
        Err(err) => return start::exit_code(Err(err)),
    };
    match build_answering(&course, port, open, lang.as_deref(), traces).await {
        Ok((program, listener)) => become_server(&program, listener),
        Err(err) => start::exit_code(Err(err)),
    }
}

/// Binds the book's address and answers there while the server's program builds; returns
/// the program and the socket to hand it.
async fn build_answering(
    course: &Course,
    port: Option<u16>,
    open: bool,
    lang: Option<&str>,
    traces: bool,
) -> Result<(std::path::PathBuf, Arc<TcpListener>)> {
    let program = match traces || handoff::full_is_built(course) {
        true => FULL,
        false => BOOK,
    };
    let port = match port {
        Some(port) => port,
        None => Layout::of(&course.root, None)?.book(),
    };
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).map_err(|err| {
        let busy = say(Cmd::PortBusy, &[("port", &port)]);
        anyhow::anyhow!("{busy}: {}", io_error(&err))
    })?;
    listener.set_nonblocking(true)?;
    let listener = Arc::new(TcpListener::from_std(listener)?);
    // `--port 0` asks for any free port: the one bound is the book's.
    let port = listener.local_addr()?.port();
    let url = match lang.filter(|lang| *lang != workbook_core::po::ENGLISH) {
        Some(lang) => format!("{}{lang}/", workbook_core::ports::book_url(port)),
        None => workbook_core::ports::book_url(port),
    };

    let (stage, seen) = watch::channel(Stage::Building(None));
    let answering = tokio::spawn(waiting::serve(listener.clone(), seen, course.root.clone()));
    let args: [(&str, &dyn std::fmt::Display); 3] = [
        ("mark", &ui::yellow("…")),
        ("url", &ui::bold(&url)),
        ("program", &program),
    ];
    tell(Cmd::BookMeanwhile, &args);
    if open {
        ui::open_browser(&url);
    }
    let built = build(course, program, &stage).await;
    // Stops answering, once what it took is answered.
    drop(stage);
    let _ = answering.await;
    let built =
        built.with_context(|| say(Cmd::BookServerDoesNotBuild, &[("program", &program)]))?;
    Ok((built, listener))
}

/// Builds `program` (cargo's progress on the terminal, and on the page as `stage`), or
/// finds it installed beside this one.
async fn build(
    course: &Course,
    program: &str,
    stage: &watch::Sender<Stage>,
) -> Result<std::path::PathBuf> {
    if !environment::started_by_cargo()
        && let Some(beside) = handoff::installed_beside(program)
    {
        return Ok(beside);
    }
    let (progress, mut counted) = watch::channel(None);
    let request = BuildRequest {
        progress: Some(Arc::new(progress)),
        ..BuildRequest::default()
    };
    let build = cargo::build_program_with(&course.root, program, request);
    tokio::pin!(build);
    loop {
        tokio::select! {
            built = &mut build => return built,
            Ok(()) = counted.changed() => {
                stage.send_replace(Stage::Building(*counted.borrow_and_update()));
            }
        }
    }
}

/// Becomes the server, `program`, with this command line (but `--open`, done already) and
/// the book's listening socket.
fn become_server(program: &std::path::Path, listener: Arc<TcpListener>) -> ExitCode {
    let args: Vec<OsString> = std::env::args_os()
        .skip(1)
        .filter(|arg| arg != "--open")
        .collect();
    let mut command = std::process::Command::new(program);
    command.args(args);
    handoff::hand_over_listener(&mut command, &listener);
    // Without a socket to hand over, the server binds the port: let it go first.
    #[cfg(not(unix))]
    drop(listener);
    handoff::become_program(command, program)
}
