//! The book beside the session: its address answers from the first second, and its server
//! is built as soon as cargo is free.
//!
//! The session binds the book's port before anything else, and answers there at once: a
//! chapter's address with the chapter, read from its Markdown, under a line that says how
//! far the book is, and any other page with a page that says so (`crate::book`). The book's
//! server is its own program, `workbook-book` (tools/workbook-book: the book alone, a
//! fraction of the runner's other program); from lesson 15 on, whose chapter shows the trace
//! view, it is `workbook-full` (`handoff.rs`), which serves the same book with `/traces`
//! added.
//!
//! Handing the port over. Two ways leave no moment where nothing answers: the session stops
//! listening only once the server listens (but the server cannot bind a port the session
//! still holds), or the session hands the server its listening socket. This does the second,
//! as systemd's socket activation does: the server inherits the socket
//! (`handoff::hand_over_listener`, named by
//! [`BOOK_LISTENER_VAR`](workbook_core::ports::BOOK_LISTENER_VAR)), answers on it as the
//! session does while it makes its pages, then with the book; until the server says where the
//! book is, the session answers too, then closes its own copy. Connections that arrive in
//! between wait in the socket's queue, and no other program can take the port.
//!
//! The order, on a fresh clone. Cargo builds one thing at a time in a target folder (a
//! second build waits for the first's lock), so the two cannot be built side by side there;
//! the first check goes first, and the server's build starts the moment its verdict is
//! printed, at the priority of the learner's own builds (not building ahead's lowest, which
//! a busy machine starves): the first verdict comes as soon as it did before (the other
//! order delays it by the whole server's build, scripts/book-first.sh `ORDER=`), and the
//! book does not queue behind building ahead, which waits for it instead (`BookBuilt`).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::mpsc::UnboundedSender;
use tokio::sync::{oneshot, watch};
use workbook_core::cargo::{self, BuildRequest};
use workbook_core::course::Course;
use workbook_core::language::messages::{Cmd, Msg, say};
use workbook_core::{environment, language, ui};

use super::inputs::Input;
use crate::book::waiting::{self, Stage};
use crate::handoff;
use crate::learner::lang;

/// The first lesson whose chapter shows the trace view (`/traces`, lesson 15), which only
/// `workbook-full` serves.
const TRACES_FROM: &str = "15-observe";

/// The session's end of the book: dropping it (the session ends) stops the server.
pub(super) struct Book {
    go: Option<oneshot::Sender<()>>,
}

impl Book {
    /// Lets the server's build start: cargo is free of the first check's build.
    pub(super) fn go(&mut self) {
        if let Some(go) = self.go.take() {
            let _ = go.send(());
        }
    }
}

/// Answers at the book's address at once, builds the book's server once [`Book::go`] is
/// called, and hands it the address. `lesson` is the folder of the lesson on hand.
/// What a learner should know (a port another program holds, a server that does not build,
/// where the book is) comes to the session as notes.
pub(super) fn start_book(
    course: &Course,
    port: u16,
    lesson: Option<&str>,
    inputs: UnboundedSender<Input>,
) -> Book {
    let (go, wait_for_go) = oneshot::channel();
    let root = course.root.clone();
    let program = match lesson.is_some_and(|lesson| *lesson >= *TRACES_FROM) {
        true => handoff::FULL,
        false => handoff::BOOK,
    };
    let listener = match std::net::TcpListener::bind(("127.0.0.1", port)) {
        Ok(listener) => listener,
        Err(err) => {
            let busy = say(Cmd::PortBusy, &[("port", &port)]);
            let why = format!("{busy}: {}", language::messages::io_error(&err));
            let (mark, command) = (ui::yellow("!"), ui::cmd("doctor"));
            let args: [(&str, &dyn std::fmt::Display); 3] =
                [("mark", &mark), ("why", &why), ("command", &command)];
            let _ = inputs.send(Input::Note(say(Cmd::BookNotServed, &args)));
            let _ = inputs.send(Input::BookBuilt);
            return Book { go: Some(go) };
        }
    };
    tokio::spawn(async move {
        let listener = listener
            .set_nonblocking(true)
            .and_then(|()| TcpListener::from_std(listener));
        let Ok(listener) = listener else {
            let _ = inputs.send(Input::BookBuilt);
            return;
        };
        let listener = Arc::new(listener);
        let (stage, stage_seen) = watch::channel(Stage::Queued);
        let answering = tokio::spawn(waiting::serve(listener.clone(), stage_seen, root.clone()));
        // Dropped (the session gone) before it was told to go: nothing to build.
        if wait_for_go.await.is_err() {
            return;
        }
        let url = lang::book_url(&root, port);
        let built = build(&root, program, &url, &stage, &inputs).await;
        let _ = inputs.send(Input::BookBuilt);
        let Some(built) = built else {
            stage.send_replace(Stage::Broken);
            // The page stays, saying the book does not build, for as long as the session.
            return answering.await.unwrap_or_default();
        };
        stage.send_replace(Stage::Rendering);
        serve(&built, port, &url, listener, answering, &inputs).await;
    });
    Book { go: Some(go) }
}

/// Builds the server's program, its progress on the page; `None` (and a note) when it does
/// not build.
async fn build(
    root: &Path,
    program: &str,
    url: &str,
    stage: &watch::Sender<Stage>,
    inputs: &UnboundedSender<Input>,
) -> Option<PathBuf> {
    let (progress, mut counted) = watch::channel(None);
    let request = BuildRequest {
        quiet: true,
        progress: Some(Arc::new(progress)),
        ..BuildRequest::default()
    };
    let build = async {
        if !environment::started_by_cargo()
            && let Some(beside) = handoff::installed_beside(program)
        {
            return Ok(beside);
        }
        cargo::build_program_with(root, program, request).await
    };
    tokio::pin!(build);
    stage.send_replace(Stage::Building(None));
    let mut said = false;
    let built = loop {
        tokio::select! {
            built = &mut build => break built,
            Ok(()) = counted.changed() => {
                stage.send_replace(Stage::Building(*counted.borrow_and_update()));
            }
            // Only a build that takes a while is worth a word: the first one.
            () = tokio::time::sleep(Duration::from_secs(2)), if !said => {
                said = true;
                let url = ui::bold(url);
                let args: [(&str, &dyn std::fmt::Display); 2] =
                    [("mark", &ui::yellow("…")), ("url", &url)];
                let _ = inputs.send(Input::Note(say(Msg::BookBeingBuilt, &args)));
            }
        }
    };
    match built {
        Ok(program) => Some(program),
        Err(err) => {
            let (mark, why) = (ui::fail_mark(), format!("{err:#}"));
            let args: [(&str, &dyn std::fmt::Display); 2] = [("mark", &mark), ("why", &why)];
            let _ = inputs.send(Input::Note(say(Cmd::BookDoesNotBuild, &args)));
            None
        }
    }
}

/// Starts the server on the session's socket and passes its lines on as notes; stops
/// answering once the server says where the book is. The server lives as long as this task,
/// which lives as long as the session: dropping the child kills it, and should the session
/// be killed instead, the server sees its standard input close and stops.
async fn serve(
    program: &Path,
    port: u16,
    url: &str,
    listener: Arc<TcpListener>,
    answering: tokio::task::JoinHandle<()>,
    inputs: &UnboundedSender<Input>,
) {
    let mut command = tokio::process::Command::new(program);
    command
        .args([
            "--lang",
            language::current().code(),
            "book",
            "--for-session",
        ])
        .args(["--port", &port.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    handoff::hand_over_listener(command.as_std_mut(), &listener);
    let mut answering = Some((answering, listener));
    // With no socket to hand over (not Unix), the session lets the port go first, and the
    // server binds it: a moment where nothing answers.
    if cfg!(not(unix))
        && let Some((answering, listener)) = answering.take()
    {
        answering.abort();
        let _ = answering.await;
        drop(listener);
    }
    let server = command.spawn();
    let mut server = match server {
        Ok(server) => server,
        Err(err) => {
            let _ = inputs.send(Input::Note(format!("{} {err}", ui::fail_mark())));
            return;
        }
    };
    let out = server.stdout.take().map(|out| BufReader::new(out).lines());
    let err = server.stderr.take().map(|err| BufReader::new(err).lines());
    let (Some(mut out), Some(mut err)) = (out, err) else {
        return;
    };
    // Every line the server prints, on either stream, is a note.
    loop {
        let line = tokio::select! {
            line = out.next_line() => line,
            line = err.next_line() => line,
        };
        let Ok(Some(line)) = line else { break };
        // The line that says where the book is comes when the server accepts: the
        // session's page has nothing more to say.
        if cargo::strip_ansi(&line).contains(url)
            && let Some((answering, listener)) = answering.take()
        {
            answering.abort();
            drop(listener);
        }
        if inputs.send(Input::Note(line)).is_err() {
            return;
        }
    }
    let _ = server.wait().await;
}
