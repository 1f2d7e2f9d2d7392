//! Noticing saved files: the operating system's file events where it has them, notify's
//! poller (modification times, looked at every second) where it does not.
//!
//! An editor's save is often several events (write a temporary file, rename it, touch
//! metadata), so changes are debounced: a burst of events becomes one change, reported
//! once the files have been quiet for a moment. Only the wanted paths count, and the
//! burst is theirs: a build writing elsewhere does not hold a learner's save back.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use notify::{PollWatcher, RecursiveMode, Watcher};

/// How long files must be quiet before a burst of events counts as one save.
const DEBOUNCE: Duration = Duration::from_millis(250);
/// How often the fallback looks at modification times.
const POLL_EVERY: Duration = Duration::from_secs(1);

/// How changes are being noticed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The operating system tells us (inotify, FSEvents, …).
    Events,
    /// We look at modification times every second.
    Polling,
}

/// A stream of changed paths under some folders.
pub struct FileEvents {
    changes: Receiver<PathBuf>,
    pub mode: Mode,
    // Dropping the watcher stops the events, so it lives as long as we do.
    _watcher: Option<Box<dyn Watcher + Send>>,
}

impl FileEvents {
    /// Watches `dirs` recursively, falling back to polling if the watcher cannot start.
    pub fn start(dirs: &[PathBuf]) -> FileEvents {
        let (sender, changes) = mpsc::channel();
        let events = notify::recommended_watcher(forward(sender.clone()))
            .and_then(|watcher| watch(watcher, dirs));
        match events {
            Ok(watcher) => FileEvents {
                changes,
                mode: Mode::Events,
                _watcher: Some(Box::new(watcher)),
            },
            Err(_) => FileEvents::polling(dirs, sender, changes),
        }
    }

    /// Watches `dirs` by looking at modification times every [`POLL_EVERY`]. The first look
    /// happens before this returns, so that a save right after counts.
    fn polling(
        dirs: &[PathBuf],
        sender: Sender<PathBuf>,
        changes: Receiver<PathBuf>,
    ) -> FileEvents {
        let config = notify::Config::default().with_poll_interval(POLL_EVERY);
        let poller = PollWatcher::new(forward(sender), config).and_then(|w| watch(w, dirs));
        FileEvents {
            changes,
            mode: Mode::Polling,
            _watcher: poller.ok().map(|w| Box::new(w) as Box<dyn Watcher + Send>),
        }
    }

    /// Blocks until a path accepted by `wanted` changes, then waits out the burst.
    /// Returns false once no more changes can come.
    pub fn wait_for_change(&self, wanted: impl Fn(&Path) -> bool) -> bool {
        self.wait_for_changes(wanted).is_some()
    }

    /// Like [`FileEvents::wait_for_change`], returning every wanted path of the burst.
    pub fn wait_for_changes(&self, wanted: impl Fn(&Path) -> bool) -> Option<Vec<PathBuf>> {
        let mut paths = Vec::new();
        loop {
            let path = self.changes.recv().ok()?;
            if wanted(&path) {
                paths.push(path);
                break;
            }
        }
        loop {
            match self.changes.recv_timeout(DEBOUNCE) {
                Ok(path) => {
                    if wanted(&path) && !paths.contains(&path) {
                        paths.push(path);
                    }
                }
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
                    return Some(paths);
                }
            }
        }
    }
}

/// What the watcher sees, as changed paths; reading a file is no change.
fn forward(sender: Sender<PathBuf>) -> impl Fn(notify::Result<notify::Event>) + Send + 'static {
    move |event| {
        if let Ok(event) = event
            && !event.kind.is_access()
        {
            for path in event.paths {
                let _ = sender.send(path);
            }
        }
    }
}

/// `watcher`, watching each of `dirs` that exists, with what is under it.
fn watch<W: Watcher>(mut watcher: W, dirs: &[PathBuf]) -> notify::Result<W> {
    for dir in dirs.iter().filter(|dir| dir.exists()) {
        watcher.watch(dir, RecursiveMode::Recursive)?;
    }
    Ok(watcher)
}

/// Skips build output and hidden folders (editor and VCS state).
pub fn is_ignored(path: &Path) -> bool {
    path.components().any(|c| {
        let name = c.as_os_str().to_string_lossy();
        name == "target" || (name.starts_with('.') && name.len() > 1 && name != "..")
    })
}

#[cfg(test)]
mod tests {
    use std::fs;
    use std::thread;

    use super::*;
    use crate::testutil::Fixture;

    #[test]
    fn ignores_build_output_and_hidden_folders() {
        assert!(is_ignored(Path::new("/w/lessons/01-tcp/target/debug/x.rs")));
        assert!(is_ignored(Path::new("/w/lessons/01-tcp/.git/index")));
        assert!(!is_ignored(Path::new(
            "/w/lessons/01-tcp/src/exercises/echo.rs"
        )));
    }

    #[test]
    fn notices_a_saved_file() {
        let (_fx, dir) = a_course_saved_an_hour_ago();
        // Events where the system has them to give (inotify instances are limited), polling
        // where not: a save is noticed either way.
        let events = FileEvents::start(std::slice::from_ref(&dir));
        notices_a_save_under(events, &dir);
    }

    #[test]
    fn notices_a_saved_file_by_polling_too() {
        let (_fx, dir) = a_course_saved_an_hour_ago();
        let (sender, changes) = mpsc::channel();
        let events = FileEvents::polling(std::slice::from_ref(&dir), sender, changes);
        assert_eq!(events.mode, Mode::Polling);
        notices_a_save_under(events, &dir);
    }

    /// A course whose exercise file was last written an hour ago, and its `lessons` folder.
    /// The poller compares modification times: the file's must differ from the save's (a
    /// clock tick is several milliseconds).
    fn a_course_saved_an_hour_ago() -> (Fixture, PathBuf) {
        let fx = Fixture::course();
        let dir = fx.path().join("lessons");
        let file = dir.join("01-tcp/src/exercises/echo.rs");
        let an_hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
        let opened = fs::File::options().write(true).open(&file).unwrap();
        opened.set_modified(an_hour_ago).unwrap();
        (fx, dir)
    }

    /// A save under `dir` is seen by `events`: the watch is armed once they are made.
    fn notices_a_save_under(events: FileEvents, dir: &Path) {
        let file = dir.join("01-tcp/src/exercises/echo.rs");
        fs::write(&file, "// TODO: saved\n").unwrap();
        let (seen, noticed) = mpsc::channel();
        let expected = file.clone();
        thread::spawn(move || {
            let _ = seen.send(events.wait_for_change(|p| p == expected));
        });
        let noticed = noticed.recv_timeout(Duration::from_secs(10));
        assert_eq!(
            noticed,
            Ok(true),
            "the save of {} went unnoticed",
            file.display()
        );
    }
}
