//! Noticing saved files: the operating system's file events where it has them, polling
//! modification times where it does not.
//!
//! An editor's save is often several events (write a temporary file, rename it, touch
//! metadata), so changes are debounced: a burst of events becomes one change, reported
//! once the files have been quiet for a moment.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::thread;
use std::time::{Duration, SystemTime};

use notify::{RecursiveMode, Watcher};

/// How long files must be quiet before a burst of events counts as one save.
const DEBOUNCE: Duration = Duration::from_millis(250);
/// How often the fallback scans modification times.
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
    _watcher: Option<notify::RecommendedWatcher>,
}

impl FileEvents {
    /// Watches `dirs` recursively, falling back to polling if the watcher cannot start.
    pub fn start(dirs: &[PathBuf]) -> FileEvents {
        let (sender, changes) = mpsc::channel();
        match start_watcher(dirs, sender.clone()) {
            Ok(watcher) => FileEvents {
                changes,
                mode: Mode::Events,
                _watcher: Some(watcher),
            },
            Err(_) => {
                start_polling(dirs.to_vec(), sender);
                FileEvents {
                    changes,
                    mode: Mode::Polling,
                    _watcher: None,
                }
            }
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

fn start_watcher(
    dirs: &[PathBuf],
    sender: Sender<PathBuf>,
) -> notify::Result<notify::RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if let Ok(event) = event {
            if event.kind.is_access() {
                return;
            }
            for path in event.paths {
                let _ = sender.send(path);
            }
        }
    })?;
    for dir in dirs {
        if dir.exists() {
            watcher.watch(dir, RecursiveMode::Recursive)?;
        }
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

fn modification_times(dirs: &[PathBuf]) -> HashMap<PathBuf, SystemTime> {
    fn walk(dir: &Path, into: &mut HashMap<PathBuf, SystemTime>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if is_ignored(&path) {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                walk(&path, into);
            } else if let Ok(modified) = meta.modified() {
                into.insert(path, modified);
            }
        }
    }
    let mut times = HashMap::new();
    for dir in dirs {
        walk(dir, &mut times);
    }
    times
}

fn start_polling(dirs: Vec<PathBuf>, sender: Sender<PathBuf>) {
    // The first scan happens before returning, so that a save right after start counts.
    let mut before = modification_times(&dirs);
    thread::spawn(move || {
        loop {
            thread::sleep(POLL_EVERY);
            let now = modification_times(&dirs);
            let changed = now
                .iter()
                .filter(|(path, time)| before.get(*path) != Some(time))
                .map(|(path, _)| path.clone())
                .chain(before.keys().filter(|p| !now.contains_key(*p)).cloned());
            for path in changed.collect::<Vec<_>>() {
                if sender.send(path).is_err() {
                    return;
                }
            }
            before = now;
        }
    });
}

#[cfg(test)]
mod tests {
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
        let fx = Fixture::course();
        let dir = fx.path().join("lessons");
        let events = FileEvents::start(std::slice::from_ref(&dir));
        let file = dir.join("01-tcp/src/exercises/echo.rs");
        // The watch is armed once `start` returns, so one save must be seen.
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
