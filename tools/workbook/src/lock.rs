//! A lock on a file that the system lets go of when its process ends, however it ends: a
//! process that died leaves nothing to clean up, and nobody has to guess whether a file
//! left behind still means something.
//!
//! Two things are one process's at a time: sending the queued verdicts to the class server
//! (`learner/class/send.rs`) and building ahead for a course (`learner/ahead/`). And
//! `workbook-dev verify` waits for the test command's lab stories before it brings up a lab
//! of its own (`Lock::wait`).

use std::fs;
use std::path::Path;

/// A lock held while its file is open (`flock`, exclusive).
pub struct Lock {
    file: fs::File,
}

impl Lock {
    /// Takes the lock on `path` (the file made if it is missing), unless another holds it.
    pub fn take(path: &Path) -> Option<Lock> {
        Lock::flock(path, true)
    }

    /// Takes the lock on `path`, waiting for as long as another holds it; `None` where the
    /// file cannot be opened or locked.
    pub fn wait(path: &Path) -> Option<Lock> {
        Lock::flock(path, false)
    }

    fn flock(path: &Path, at_once: bool) -> Option<Lock> {
        let file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(path)
            .ok()?;
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            let how = if at_once {
                libc::LOCK_EX | libc::LOCK_NB
            } else {
                libc::LOCK_EX
            };
            // SAFETY: flock on a descriptor this function owns; it changes no memory.
            let taken = unsafe { libc::flock(file.as_raw_fd(), how) };
            if taken != 0 {
                return None;
            }
        }
        #[cfg(not(unix))]
        let _ = at_once;
        Some(Lock { file })
    }

    /// The locked file, for its holder to write what others should know of it.
    pub fn file(&self) -> &fs::File {
        &self.file
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::Lock;

    #[test]
    fn a_waiter_takes_the_lock_once_its_holder_lets_go() {
        let dir = tempfile::tempdir().expect("a folder");
        let path = dir.path().join("a.lock");
        let held = Lock::take(&path).expect("the lock, free");
        assert!(Lock::take(&path).is_none(), "taken at once while held");
        let (told, taken) = std::sync::mpsc::channel();
        std::thread::spawn({
            let path = path.clone();
            move || {
                let lock = Lock::wait(&path);
                let _ = told.send(lock.is_some());
            }
        });
        // Not taken while it is held (a waiter that is only slow passes this too).
        assert!(
            taken
                .recv_timeout(std::time::Duration::from_millis(200))
                .is_err(),
            "the waiter took the lock while it was held"
        );
        drop(held);
        let took = taken
            .recv_timeout(testkit::deadline::STEP)
            .expect("the waiter takes the lock once it is let go");
        assert!(took, "the waiter holds it");
    }
}
