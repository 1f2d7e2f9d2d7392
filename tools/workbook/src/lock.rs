//! A lock on a file that the system lets go of when its process ends, however it ends: a
//! process that died leaves nothing to clean up, and nobody has to guess whether a file
//! left behind still means something.
//!
//! Two things are one process's at a time: sending the queued verdicts to the class server
//! (`learner/class/send.rs`) and building ahead for a course (`learner/ahead/`).

use std::fs;
use std::path::Path;

/// A lock held while its file is open (`flock`, exclusive).
pub struct Lock {
    file: fs::File,
}

impl Lock {
    /// Takes the lock on `path` (the file made if it is missing), unless another holds it.
    pub fn take(path: &Path) -> Option<Lock> {
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
            // SAFETY: flock on a descriptor this function owns; it changes no memory.
            let taken = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
            if taken != 0 {
                return None;
            }
        }
        Some(Lock { file })
    }

    /// The locked file, for its holder to write what others should know of it.
    pub fn file(&self) -> &fs::File {
        &self.file
    }
}
