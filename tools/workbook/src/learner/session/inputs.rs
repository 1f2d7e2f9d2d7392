//! What the session listens to, each from a task or thread of its own that sends an
//! [`Input`]: single key presses, saved files under `lessons/`, and the book server's
//! lines (a program of its own, see `handoff.rs`). And the terminal's two modes: raw while keys are read, normal while anything
//! prints.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::terminal;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::mpsc::UnboundedSender;

use crate::handoff;
use workbook_core::language;
use workbook_core::language::messages::{Cmd, Msg, say};
use workbook_core::ui;
use workbook_core::watch::{self, FileEvents, Mode};

/// What the session reacts to.
pub(super) enum Input {
    Key(char),
    Quit,
    Saved(Vec<PathBuf>),
    /// A line from a background task (the book server), printed by the session.
    Note(String),
}

/// The terminal in one of its two modes while alive; dropping it calls the function that
/// switches back.
pub(super) struct TerminalMode(fn() -> std::io::Result<()>);

impl TerminalMode {
    /// Raw mode while alive; dropping it restores the terminal.
    pub(super) fn raw() -> TerminalMode {
        let _ = terminal::enable_raw_mode();
        TerminalMode(terminal::disable_raw_mode)
    }

    /// Normal terminal mode while alive (for printing); raw mode again afterwards.
    pub(super) fn cooked() -> TerminalMode {
        let _ = terminal::disable_raw_mode();
        TerminalMode(terminal::enable_raw_mode)
    }
}

impl Drop for TerminalMode {
    fn drop(&mut self) {
        let _ = (self.0)();
    }
}

/// Serves the book in the background: `workbook-full book --for-session` (built first if
/// need be, without a progress line: the screen is the learner's), whose lines become
/// notes. A busy port or a broken book is reported and the session goes on without it.
///
/// The server ends with the session: dropping the child kills it, and should the session
/// be killed instead, the server sees its standard input close and stops.
pub(super) fn start_book(root: &Path, port: u16, inputs: UnboundedSender<Input>) {
    let root = root.to_path_buf();
    tokio::spawn(async move {
        let build = handoff::full_program(&root, true);
        tokio::pin!(build);
        // Only a build that takes a while is worth a word: the first one.
        let program = tokio::select! {
            built = &mut build => built,
            () = tokio::time::sleep(Duration::from_secs(2)) => {
                let note = say(Msg::BookBeingBuilt, &[("mark", &ui::yellow("…"))]);
                let _ = inputs.send(Input::Note(note));
                build.await
            }
        };
        let program = match program {
            Ok(program) => program,
            Err(err) => {
                let (mark, why) = (ui::fail_mark(), format!("{err:#}"));
                let args: [(&str, &dyn std::fmt::Display); 2] = [("mark", &mark), ("why", &why)];
                let _ = inputs.send(Input::Note(say(Cmd::BookDoesNotBuild, &args)));
                return;
            }
        };
        let server = tokio::process::Command::new(program)
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
            .kill_on_drop(true)
            .spawn();
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
        // Every line the server prints, on either stream, is a note; the server (and its
        // standard input) lives as long as this task, which lives as long as the session.
        loop {
            let line = tokio::select! {
                line = out.next_line() => line,
                line = err.next_line() => line,
            };
            match line {
                Ok(Some(line)) => {
                    if inputs.send(Input::Note(line)).is_err() {
                        return;
                    }
                }
                _ => break,
            }
        }
        let _ = server.wait().await;
    });
}

/// Forwards saves under `lessons/` to the session, from a thread of its own.
pub(super) fn start_watching(root: &Path, inputs: UnboundedSender<Input>) -> Mode {
    let events = FileEvents::start(&[root.join("lessons")]);
    let mode = events.mode;
    std::thread::spawn(move || {
        while let Some(paths) =
            events.wait_for_changes(|p| !watch::is_ignored(p) && !is_editor_scratch(p))
        {
            if inputs.send(Input::Saved(paths)).is_err() {
                return;
            }
        }
    });
    mode
}

/// Editors' temporary files (`foo.rs~`, `.#foo.rs`, vim's `4913`, `*.swp`).
fn is_editor_scratch(path: &Path) -> bool {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    name.ends_with('~')
        || name.starts_with(".#")
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.chars().all(|c| c.is_ascii_digit())
}

/// Reads single key presses from a thread of its own.
pub(super) fn start_keys(inputs: UnboundedSender<Input>) {
    std::thread::spawn(move || {
        loop {
            match event::poll(Duration::from_millis(250)) {
                Ok(true) => {}
                Ok(false) => {
                    if inputs.is_closed() {
                        return;
                    }
                    continue;
                }
                Err(_) => return,
            }
            let Ok(Event::Key(key)) = event::read() else {
                continue;
            };
            if key.kind != KeyEventKind::Press {
                continue;
            }
            let input = match key.code {
                KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => Input::Quit,
                KeyCode::Esc => Input::Quit,
                KeyCode::Char(c) => Input::Key(c.to_ascii_lowercase()),
                KeyCode::Enter => Input::Key('\n'),
                KeyCode::Backspace => Input::Key('\x08'),
                _ => continue,
            };
            if inputs.send(input).is_err() {
                return;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_editor_scratch_files() {
        assert!(is_editor_scratch(Path::new("/l/src/echo.rs~")));
        assert!(is_editor_scratch(Path::new("/l/src/4913")));
        assert!(is_editor_scratch(Path::new("/l/src/.echo.rs.swp")));
        assert!(!is_editor_scratch(Path::new("/l/src/echo.rs")));
    }
}
