//! What the session listens to, each from a task or thread of its own that sends an
//! [`Input`]: single key presses, saved files under `lessons/`, and the book server's
//! lines (a program of its own, see `book.rs`). And the terminal's two modes: raw while
//! keys are read, normal while anything prints.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use crossterm::terminal;
use tokio::sync::mpsc::UnboundedSender;

use workbook_core::watch::{self, FileEvents, Mode};

/// What the session reacts to.
pub(super) enum Input {
    Key(char),
    Quit,
    Saved(Vec<PathBuf>),
    /// A line from a background task (the book server), printed by the session.
    Note(String),
    /// The book's server is built (or does not build): cargo is free for building ahead.
    BookBuilt,
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
