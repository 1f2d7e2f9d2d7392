//! Ctrl-C during `verify`: it ends, and so does what it started.
//!
//! A program that catches no signal ends on Ctrl-C, and so do the processes it started in
//! the terminal's process group: the terminal signals the whole group. Three things in
//! verify stood in the way of that:
//!
//! - the isolation probe breaks exercise files for a moment and must put them back whatever
//!   happens, so it catches Ctrl-C; and tokio, once asked for a signal, keeps its handler
//!   for the life of the process, so every Ctrl-C after the probe was caught and ignored,
//!   and verify ran on to its end;
//! - testkit, whose Redis and etcd the chapters use, takes Ctrl-C as a test's and ends the
//!   process at once: during the probe, before the files were back;
//! - the commands a chapter runs go in process groups of their own (so that one that hangs
//!   is killed with its children), which a terminal's Ctrl-C does not reach.
//!
//! So verify takes Ctrl-C itself, from its start, here, and testkit leaves it alone. Unless
//! a [`Holding`] says that its holder undoes its own work first (the probe, which then
//! calls [`end_now`]), it passes the signal on to the groups [`Group::spawn`] started, stops
//! testkit's servers, and ends with 130, the status a shell gives a program ended by
//! SIGINT.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// The process groups of the commands running now.
static GROUPS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Set once the program is ending: from then on no command starts ([`Group::spawn`]).
static ENDING: AtomicBool = AtomicBool::new(false);

/// How many [`Holding`]s exist now.
static HOLDERS: AtomicUsize = AtomicUsize::new(0);

/// The exit status of a program ended by Ctrl-C (128 + SIGINT).
pub const INTERRUPTED: u8 = 130;

/// Ends the program on Ctrl-C from now on, as above. Call once, inside a tokio runtime,
/// before anything starts a server of testkit's (the chapters' Redis and etcd): testkit
/// would otherwise take Ctrl-C for a test's, and end the program at once, whoever holds it.
pub fn end_on_ctrl_c() {
    testkit::hang::signals_are_the_programs();
    tokio::spawn(async {
        loop {
            if tokio::signal::ctrl_c().await.is_err() {
                return;
            }
            if HOLDERS.load(Ordering::SeqCst) == 0 {
                end_now();
            }
            // Else the holder ends the program itself, once its work is undone.
        }
    });
}

/// Ends the program as Ctrl-C does: the listed process groups get SIGINT, testkit's servers
/// are stopped, and the program exits with [`INTERRUPTED`].
pub fn end_now() -> ! {
    // Another thread may be starting a command meanwhile (a lab chapter runs on its own):
    // it holds the list until the command is listed, and from here on none starts.
    ENDING.store(true, Ordering::SeqCst);
    let groups = std::mem::take(&mut *GROUPS.lock().unwrap_or_else(|e| e.into_inner()));
    for group in groups {
        // SAFETY: kill(2) with a negative pid signals a process group; no memory is
        // involved.
        unsafe { libc::kill(-(group as i32), libc::SIGINT) };
    }
    testkit::hang::stop_started();
    eprintln!("interrupted");
    std::process::exit(INTERRUPTED.into());
}

/// While it exists, Ctrl-C is its holder's to handle (the isolation probe, which puts the
/// files it broke back, then calls [`end_now`]).
pub struct Holding(());

impl Holding {
    pub fn new() -> Holding {
        HOLDERS.fetch_add(1, Ordering::SeqCst);
        Holding(())
    }
}

impl Drop for Holding {
    fn drop(&mut self) {
        HOLDERS.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A process group of verify's own, listed while it exists, so that Ctrl-C reaches it.
pub struct Group(u32);

impl Group {
    /// Starts `command`, which makes a process group of its own, and lists that group, so
    /// that a Ctrl-C at any moment reaches it. The list is held across the start: `end_now`
    /// cannot take it between the start and the listing (and exit, leaving the program
    /// running: a lab chapter starts its commands on a thread of its own). Once the
    /// program is ending, nothing more starts.
    pub fn spawn(
        command: &mut tokio::process::Command,
    ) -> std::io::Result<(tokio::process::Child, Option<Group>)> {
        let mut groups = GROUPS.lock().unwrap_or_else(|e| e.into_inner());
        if ENDING.load(Ordering::SeqCst) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::Interrupted,
                "verify is ending (Ctrl-C)",
            ));
        }
        let child = command.spawn()?;
        let group = child.id().map(|group| {
            groups.push(group);
            Group(group)
        });
        Ok((child, group))
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        GROUPS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|group| *group != self.0);
    }
}
