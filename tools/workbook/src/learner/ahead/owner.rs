//! One builder ahead per course, and a check that stops it from anywhere.
//!
//! Two programs build ahead: the course session (`watch`), and the book's server when a
//! learner reads the book without a session (`workbook book`). Both at once would build the
//! same things twice on the same cores, so building ahead is one process's at a time: whoever
//! holds the lock on `target/workbook-ahead.lock` ([`Owner`]). The session takes it when it
//! starts and keeps it until it ends; the book's server takes it only while its builds run,
//! and finds it taken while a session is open.
//!
//! A check run by hand (`workbook check`, in another terminal) needs cargo's lock on the
//! target folder, which a build ahead holds. So the holder of the lock listens on a port
//! of loopback, written into the lock's file; [`stop_for_check`] connects to it, the holder
//! stops its tests' builds (cargo ends, its lock with it), and answers once it has: the
//! check's cargo then starts at once instead of waiting behind a build nobody asked for.

use std::io::Write;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::task::JoinHandle;

use crate::lock::Lock;
use workbook_core::course::Course;
use workbook_core::language::messages::{Msg, say};
use workbook_core::ui;

/// The builds of tests under way, which a check stops.
pub(super) type Running = Arc<Mutex<Option<JoinHandle<()>>>>;

/// How long a check waits for the builder ahead to say it has stopped: a builder that does
/// not answer (stopped in a debugger, say) costs the check no more than this.
const STOP_PATIENCE: Duration = Duration::from_secs(5);

/// The lock's file in the course's target folder.
fn lock_path(target: &Path) -> PathBuf {
    target.join("workbook-ahead.lock")
}

/// The course's building ahead, held: the lock, and the listener that stops the tests'
/// builds for a check. Dropped, both go.
pub(super) struct Owner {
    _lock: Lock,
    listener: JoinHandle<()>,
}

impl Owner {
    /// Takes the course's building ahead, unless another process has it. `running` is what
    /// a check stops; `say_stops`: print a line when a check stops it (the book's server,
    /// whose reader would wonder why the build did not finish).
    pub(super) fn claim(target: &Path, running: Running, say_stops: bool) -> Option<Owner> {
        std::fs::create_dir_all(target).ok()?;
        let lock = Lock::take(&lock_path(target))?;
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).ok()?;
        let port = listener.local_addr().ok()?.port();
        listener.set_nonblocking(true).ok()?;
        let listener = tokio::net::TcpListener::from_std(listener).ok()?;
        let mut file = lock.file();
        file.set_len(0).ok()?;
        file.write_all(port.to_string().as_bytes()).ok()?;
        let listener = tokio::spawn(stop_when_asked(listener, running, say_stops));
        Some(Owner {
            _lock: lock,
            listener,
        })
    }
}

impl Drop for Owner {
    fn drop(&mut self) {
        self.listener.abort();
    }
}

/// Stops the tests' builds each time a check asks, then answers it by closing the
/// connection.
async fn stop_when_asked(listener: tokio::net::TcpListener, running: Running, say_stops: bool) {
    while let Ok((mut asking, _)) = listener.accept().await {
        let task = running.lock().ok().and_then(|mut running| running.take());
        if let Some(task) = task {
            let was_building = !task.is_finished();
            task.abort();
            if was_building && say_stops {
                println!("{}", say(Msg::AheadStopped, &[("mark", &ui::dim("…"))]));
            }
            // deadline: an aborted task ends at its next await; dropping it kills cargo. When
            // it held the last claim on the course's building ahead, this listener ends with
            // it, and the connection closes all the same: the check goes on either way.
            let _ = task.await;
        }
        let _ = asking.shutdown().await;
    }
}

/// Stops the course's build ahead, in this process or another, before a check asks cargo
/// for its build; returns once it has stopped, or nobody builds ahead, or after
/// [`STOP_PATIENCE`].
pub async fn stop_for_check(course: &Course) {
    let path = lock_path(&course.target_dir());
    if !path.is_file() || Lock::take(&path).is_some() {
        return;
    }
    let Some(port) = std::fs::read_to_string(&path)
        .ok()
        .and_then(|text| text.trim().parse::<u16>().ok())
    else {
        return;
    };
    let stopped = async {
        let mut asking = tokio::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)).await?;
        asking.read_to_end(&mut Vec::new()).await
    };
    let _ = tokio::time::timeout(STOP_PATIENCE, stopped).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[tokio::test]
    async fn one_owner_at_a_time_until_it_lets_go() {
        let target = tempfile::tempdir().unwrap();
        let first = Owner::claim(target.path(), Running::default(), false);
        assert!(first.is_some());
        assert!(Owner::claim(target.path(), Running::default(), false).is_none());
        drop(first);
        assert!(Owner::claim(target.path(), Running::default(), false).is_some());
    }
}
