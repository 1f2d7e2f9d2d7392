//! The lab chapters (14's hosts, 17's swarm), started ahead of the rest of verify.
//!
//! A lab chapter takes minutes and spends them waiting for Docker, so verify starts them
//! first, on a thread of their own, beside its builds. Where another lab has the machine
//! (the test command runs lesson 17's swarm story beside verify), they wait for it: its
//! calls are held to none failed, and a second lab's engines beside its own, which share
//! Docker's part of the machine with it, made them fail (a lock, `--labs-after`).

use std::collections::HashMap;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use workbook_core::course::Course;

use super::{Chapter, TOOLS_BUILT, binaries, follow, lab_chapters};

/// The lab chapters' transcripts, started ahead of the rest of verify.
pub struct LabsAhead {
    pub(super) rows: tokio::sync::oneshot::Receiver<Vec<Chapter>>,
}

/// Starts the chapters that drive a lab now, where the test script has just built the
/// whole workspace (the solutions' programs are in `target/debug`), or `None`.
///
/// A lab chapter takes over a minute and spends it waiting for Docker: its hosts to come
/// up, a killed one to be seen as failed. Started first, it runs while verify builds the
/// stubs (a minute of both cores) instead of after them. That build puts stub programs of
/// some lessons in `target/debug` (where a test of the stubs runs the program), so the
/// chapter runs its own links to the solutions' programs, made before the build starts:
/// cargo replaces a file of `target/debug` with a new one, and a link keeps the old.
///
/// With `after`, the chapters start once that file's lock is free ([`wait_for_unlock`]).
/// `reports` (nextest's, read once the lock is had: a story holding it writes its own at
/// its end) say which lab commands a lesson's story ran: a block of those is not run again.
pub fn labs_ahead(
    course: &Course,
    after: Option<&Path>,
    reports: Vec<PathBuf>,
) -> Option<LabsAhead> {
    std::env::var_os(TOOLS_BUILT)?;
    let src = course.root.join("book/src");
    let (labs, _) = lab_chapters(crate::proof::bookcheck::markdown_files(&src));
    if labs.is_empty() {
        return None;
    }
    // `target/verify-programs/`, two levels under the target folder as `debug/` is: the lab
    // finds what its program keeps (`target/l14-lab/…`) beside the program's folder.
    let kept = course.target_dir().join("verify-programs");
    fs::create_dir_all(&kept).ok()?;
    let binaries: HashMap<String, PathBuf> = binaries(course)
        .into_iter()
        .filter(|(_, built)| built.is_file())
        .filter_map(|(package, built)| {
            let link = kept.join(built.file_name()?);
            let _ = fs::remove_file(&link);
            fs::hard_link(&built, &link)
                .or_else(|_| fs::copy(&built, &link).map(|_| ()))
                .ok()?;
            Some((package, link))
        })
        .collect();
    // On a thread and a runtime of its own: following a chapter borrows its parsed blocks
    // across awaits, a future `tokio::spawn` does not take (it is not `Send` for every
    // lifetime of those borrows).
    let course = course.clone();
    let after = after.map(Path::to_path_buf);
    let (done, rows) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        // The lock is held until this thread ends: the lab is the machine's until then.
        let held = after.as_deref().and_then(|path| {
            wait_for_unlock(path, OTHER_LAB_PATIENCE, || {
                println!(
                    "The lab chapters wait until another lab is done ({} is locked)",
                    path.display()
                )
            })
        });
        // The story is done: what verify starts from now on starts at the usual priority,
        // beside this lab's own engines (see `crate::priority`).
        if held.is_some() {
            match crate::priority::back_to_usual() {
                Ok(0) => {}
                Ok(_) => println!("verify goes back to the usual priority: the other lab is done"),
                Err(error) => eprintln!("note: verify stays at the idle priority ({error})"),
            }
        }
        let reports: Vec<&Path> = reports.iter().map(PathBuf::as_path).collect();
        let ran = crate::proof::junit::commands_ran(&reports);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the lab chapters");
        // Two at a time: each lab is its own (a project, a network and images no other
        // uses), and each spends its minutes waiting on Docker, so chapter 14's hosts and
        // chapter 17's swarm come up side by side rather than one after the other.
        let queue = Mutex::new(labs.into_iter());
        let rows = runtime.block_on(async {
            let (mut rows, more) = tokio::join!(
                follow(&queue, &course, &binaries, &ran),
                follow(&queue, &course, &binaries, &ran)
            );
            rows.extend(more);
            rows
        });
        // The links, which keep the old programs on the disk while they last.
        let _ = fs::remove_dir_all(&kept);
        let _ = done.send(rows);
    });
    Some(LabsAhead { rows })
}

/// The longest the lab chapters wait for another lab: the swarm's story, which holds the
/// lock, is ended by its runner at its own deadline (testkit's `SWARM_LAB`), takes its swarm
/// down within its grace period (30 s), and lets go. A lock still held two minutes after
/// that is held by something that will not let go; the labs start all the same, and say so.
const OTHER_LAB_PATIENCE: Duration =
    Duration::from_secs(testkit::deadline::SWARM_LAB.as_secs() + 120);

/// Waits until no one holds `path`'s lock, then holds it (until the file is dropped);
/// `waiting` is called first when it must wait. A file that cannot be opened or locked is
/// not waited for, nor one still held after `patience`: it says why, and the labs go on.
pub(super) fn wait_for_unlock(
    path: &Path,
    patience: Duration,
    waiting: impl FnOnce(),
) -> Option<File> {
    let file = match File::options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
    {
        Ok(file) => file,
        Err(error) => {
            eprintln!(
                "the lab chapters start now: cannot open {} ({error})",
                path.display()
            );
            return None;
        }
    };
    match flock(&file, libc::LOCK_EX | libc::LOCK_NB) {
        Ok(()) => return Some(file),
        Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => waiting(),
        Err(error) => {
            eprintln!(
                "the lab chapters start now: cannot lock {} ({error})",
                path.display()
            );
            return None;
        }
    }
    let started = std::time::Instant::now();
    // flock(2) cannot be given a deadline: a thread waits on it, and this one on the thread,
    // for `patience`. The thread's copy of the file shares its lock (one open file): if it
    // gets the lock after the patience ran out, `file` is gone by then, and the lock goes
    // with the copy, its last descriptor, as the thread ends.
    let (got, gets) = std::sync::mpsc::channel();
    match file.try_clone() {
        Ok(copy) => {
            std::thread::spawn(move || {
                let locked = flock(&copy, libc::LOCK_EX);
                let _ = got.send(locked);
                // `copy` goes here; the lock is the open file's, which `file` keeps holding.
            });
        }
        Err(error) => {
            let _ = got.send(Err(error));
        }
    }
    let Ok(locked) = gets.recv_timeout(patience) else {
        eprintln!(
            "the lab chapters start now: {} is still locked after {:.0} s, long past the \
             other lab's deadline",
            path.display(),
            started.elapsed().as_secs_f64()
        );
        return None;
    };
    match locked {
        Ok(()) => {
            println!(
                "The lab chapters start: the other lab was done after {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Some(file)
        }
        Err(error) => {
            eprintln!(
                "the lab chapters start now: cannot lock {} ({error})",
                path.display()
            );
            None
        }
    }
}

/// flock(2) on `file`: `how` is LOCK_EX, LOCK_UN, with LOCK_NB not to wait. The lock is the
/// open file's, and goes with it (or with the last process holding it open).
fn flock(file: &File, how: libc::c_int) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    // SAFETY: the descriptor is `file`'s, open for the whole call.
    if unsafe { libc::flock(file.as_raw_fd(), how) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::mpsc;

    use super::*;

    #[test]
    fn the_labs_start_only_once_the_other_lab_lets_go_of_the_lock() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("labs.lock");
        let other = File::create(&path).unwrap();
        flock(&other, libc::LOCK_EX).unwrap();
        let let_go = Arc::new(AtomicBool::new(false));
        let (said, waits) = mpsc::channel();
        let waiter = std::thread::spawn({
            let (path, let_go) = (path.clone(), let_go.clone());
            move || {
                let held = wait_for_unlock(&path, testkit::deadline::STEP, move || {
                    said.send(()).unwrap()
                });
                (held.is_some(), let_go.load(Ordering::SeqCst))
            }
        });
        waits
            .recv_timeout(testkit::deadline::STEP)
            .expect("the waiter says it waits, as the lock is held");
        // The waiter must get the lock after this: the order, not a time.
        let_go.store(true, Ordering::SeqCst);
        flock(&other, libc::LOCK_UN).unwrap();
        let (held, after_let_go) = waiter.join().unwrap();
        assert!(held, "the waiter holds the lock once it is free");
        assert!(
            after_let_go,
            "the waiter got the lock while the other lab held it"
        );
    }

    #[test]
    fn a_lock_that_cannot_be_had_is_not_waited_for() {
        let folder = tempfile::tempdir().unwrap();
        // A folder where the file should be: it cannot be opened for writing.
        assert!(
            wait_for_unlock(folder.path(), testkit::deadline::STEP, || panic!(
                "nothing to wait for"
            ))
            .is_none()
        );
    }

    #[test]
    fn a_lock_held_past_the_patience_is_waited_for_no_longer() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("labs.lock");
        // Held for the whole test, as by a program that never lets go.
        let other = File::create(&path).unwrap();
        flock(&other, libc::LOCK_EX).unwrap();
        let (said, waits) = mpsc::channel();
        let waiter = std::thread::spawn({
            let path = path.clone();
            move || {
                wait_for_unlock(&path, Duration::from_millis(200), move || {
                    said.send(()).unwrap()
                })
            }
        });
        waits
            .recv_timeout(testkit::deadline::STEP)
            .expect("the waiter says it waits, as the lock is held");
        assert!(
            waiter.join().unwrap().is_none(),
            "the waiter holds a lock the other still holds, past its patience"
        );
        drop(other);
    }
}
