//! What a test that never ends says when it is ended.
//!
//! Every wait in a test has a deadline of its own ([`within`](crate::within) and the other
//! helpers of this crate), and the test runner has one more for the whole test: cargo-nextest
//! ends a test that runs past its `slow-timeout` (`.config/nextest.toml`) by sending SIGTERM
//! to its process group, then SIGKILL ten seconds later. A test ended that way prints nothing
//! of its own, and "TIMEOUT" alone leaves the person reading CI's output to guess what it
//! was waiting for and what it had started.
//!
//! So this module keeps two lists while a test runs: the waits in progress
//! ([`waiting_for`] returns a guard that takes its wait off the list when dropped), and the
//! programs the test started ([`started`], from [`OwnedChild`](crate::process) and
//! [`ServerProcess`](crate::ServerProcess)). The first time either list is written, a thread
//! starts that waits for SIGTERM; when it comes, the thread prints both lists on stderr
//! (which nextest shows under the test's name), kills the programs, and ends the process.
//! Ctrl-C is taken the same way: a person who interrupts a run (SIGINT, which nextest passes
//! on to its tests, and `cargo test` gets from the terminal) or closes its terminal (SIGHUP)
//! leaves nothing of it running either.
//! Nothing the test started outlives it, even when its `Drop`s never run. What a `Drop`
//! would have undone outside the process (a lab of Docker containers taken down) is a
//! command the test lists with [`on_end`]; it is run too, within [`CLEAN_UP_PATIENCE`].
//!
//! Signals are received with `signal-hook`'s iterator: the handler itself only writes a
//! byte to a pipe, and the printing and killing happen on an ordinary thread, where they
//! are allowed (a signal handler may call almost nothing safely).

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, Once};
use std::time::{Duration, Instant};

/// How long each clean-up command may run when a test is ended: less than the grace
/// nextest gives before SIGKILL (`grace-period` in `.config/nextest.toml`).
pub const CLEAN_UP_PATIENCE: Duration = Duration::from_secs(20);

/// One wait in progress: what is awaited, and since when.
pub struct Wait {
    what: String,
    since: Instant,
}

/// One program the test started and has not yet reaped.
struct Started {
    pid: u32,
    command: String,
}

/// A command that undoes what the test set up outside its process.
pub struct CleanUp {
    what: String,
    command: Command,
}

/// A list whose entries are taken off by their guard, each entry with its id.
type Entries<T> = Vec<(u64, T)>;

#[derive(Default)]
struct Lists {
    next_id: u64,
    waits: Entries<Wait>,
    programs: Vec<Started>,
    clean_ups: Entries<CleanUp>,
}

static LISTS: Mutex<Lists> = Mutex::new(Lists {
    next_id: 0,
    waits: Vec::new(),
    programs: Vec::new(),
    clean_ups: Vec::new(),
});

/// The lists, whatever a panicking test left them in (a poisoned lock is still readable:
/// the lists are never left half-written).
fn lists() -> MutexGuard<'static, Lists> {
    LISTS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// An entry of one of the lists, taken off it when the guard is dropped.
#[must_use = "it is listed only while the guard lives"]
pub struct Listed<T: 'static> {
    id: u64,
    list: fn(&mut Lists) -> &mut Entries<T>,
}

impl<T> Drop for Listed<T> {
    fn drop(&mut self) {
        (self.list)(&mut lists()).retain(|(id, _)| *id != self.id);
    }
}

/// Puts `entry` on `list` (and starts the report's thread, once) until the guard is dropped.
fn list<T>(list: fn(&mut Lists) -> &mut Entries<T>, entry: T) -> Listed<T> {
    report_on_termination();
    let mut lists = lists();
    lists.next_id += 1;
    let id = lists.next_id;
    list(&mut lists).push((id, entry));
    Listed { id, list }
}

/// A wait in progress, taken off the list when dropped.
pub type Waiting = Listed<Wait>;

/// A clean-up listed by [`on_end`], taken off the list when dropped.
pub type CleanUpGuard = Listed<CleanUp>;

/// Lists `what` as awaited until the returned guard is dropped: a test ended by its
/// deadline names it ("waiting for a verdict on the class's stream, for 118 s").
pub fn waiting_for(what: impl Into<String>) -> Waiting {
    let wait = Wait {
        what: what.into(),
        since: Instant::now(),
    };
    list(|lists| &mut lists.waits, wait)
}

/// Runs `command` if the test is ended from outside, until the returned guard is dropped
/// (when the test undoes the same itself): `what` names it in the report ("the lab
/// l14test123 taken down").
pub fn on_end(what: impl Into<String>, command: Command) -> CleanUpGuard {
    let what = what.into();
    list(|lists| &mut lists.clean_ups, CleanUp { what, command })
}

/// Lists a program the test started (its pid and command line), to be named and killed if
/// the test is ended by its deadline.
pub fn started(pid: u32, command: impl Into<String>) {
    report_on_termination();
    lists().programs.push(Started {
        pid,
        command: command.into(),
    });
}

/// Takes a program off the list once it has been reaped (its pid may be reused).
pub fn reaped(pid: u32) {
    lists().programs.retain(|program| program.pid != pid);
}

/// A command line as a person would type it again.
pub fn command_line(command: &std::process::Command) -> String {
    let mut words = vec![command.get_program().to_string_lossy().into_owned()];
    words.extend(
        command
            .get_args()
            .map(|arg| arg.to_string_lossy().into_owned()),
    );
    words.join(" ")
}

/// What the test was doing, as printed when it is ended: its waits, longest first, and the
/// programs it had started.
pub fn report() -> String {
    report_on(signal_hook::consts::SIGTERM)
}

/// [`report`], for a test ended by `signal`: SIGTERM is its deadline's (nextest's), SIGINT
/// a person's Ctrl-C, SIGHUP a terminal closed.
fn report_on(signal: i32) -> String {
    let lists = lists();
    let mut text = String::from(match signal {
        signal_hook::consts::SIGINT => "this test was interrupted (Ctrl-C)\n",
        signal_hook::consts::SIGHUP => "this test was ended: its terminal closed\n",
        _ => "this test was ended from outside (its deadline has passed)\n",
    });
    if lists.waits.is_empty() {
        text.push_str("  it was waiting on nothing testkit knows of\n");
    }
    for (_, wait) in &lists.waits {
        let seconds = wait.since.elapsed().as_secs();
        text.push_str(&format!("  waiting for {}, for {seconds} s\n", wait.what));
    }
    if lists.programs.is_empty() {
        text.push_str("  it had no program of testkit's running\n");
    }
    for program in &lists.programs {
        text.push_str(&format!(
            "  stopping pid {}: {}\n",
            program.pid, program.command
        ));
    }
    for (_, clean_up) in &lists.clean_ups {
        text.push_str(&format!("  cleaning up: {}\n", clean_up.what));
    }
    text
}

/// The signals that end a test from outside: its deadline (SIGTERM), Ctrl-C, a terminal
/// closed.
const ENDING: [i32; 3] = [
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGHUP,
];

/// Set by a program that uses this crate outside a test and ends itself on a signal.
static THE_PROGRAMS: AtomicBool = AtomicBool::new(false);

/// For a program, not a test, that uses this crate's servers and takes its signals itself
/// (`workbook-dev verify`, which must put files back before it ends): from now on no thread
/// of this module takes SIGTERM, SIGINT or SIGHUP, and the program calls [`stop_started`] on
/// its way out. Call it before anything else of this crate: a thread already started
/// stays.
pub fn signals_are_the_programs() {
    THE_PROGRAMS.store(true, Ordering::SeqCst);
}

/// Starts, once per process, the thread that reports and cleans up on SIGTERM, SIGINT or
/// SIGHUP (unless the program takes them: [`signals_are_the_programs`]).
fn report_on_termination() {
    if THE_PROGRAMS.load(Ordering::SeqCst) {
        return;
    }
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let signals = match signal_hook::iterator::Signals::new(ENDING) {
            Ok(signals) => signals,
            // Without the report, the test still ends by its deadline: only less is said.
            Err(error) => {
                eprintln!("testkit: cannot watch for SIGTERM and Ctrl-C ({error}); a hang will not be named");
                return;
            }
        };
        let spawned = std::thread::Builder::new()
            .name("testkit-hang-report".into())
            .spawn(move || end_on_termination(signals));
        if let Err(error) = spawned {
            eprintln!("testkit: cannot start the hang report's thread ({error})");
        }
    });
}

fn end_on_termination(mut signals: signal_hook::iterator::Signals) {
    let Some(signal) = signals.forever().next() else {
        return;
    };
    eprint!("{}", report_on(signal));
    stop_started();
    // 128 + the signal, as a shell reports a process ended by it (143 for SIGTERM, 130 for
    // Ctrl-C).
    std::process::exit(128 + signal);
}

/// Kills and reaps every program listed as started and not yet reaped, then runs every
/// clean-up listed with [`on_end`], each within [`CLEAN_UP_PATIENCE`]: what a test ended
/// from outside does, and a program that takes its signals itself does on its way out.
pub fn stop_started() {
    let pids: Vec<u32> = lists().programs.iter().map(|program| program.pid).collect();
    for &pid in &pids {
        // SAFETY: `kill` only sends a signal; a pid that is gone makes it fail harmlessly.
        unsafe {
            libc::kill(pid as libc::pid_t, libc::SIGKILL);
        }
    }
    for pid in pids {
        // Reaped here, so that each is gone before this process is: the programs are this
        // process's children, and a pid already reaped makes `waitpid` return at once.
        // SAFETY: a null status pointer is allowed.
        unsafe {
            libc::waitpid(pid as libc::pid_t, std::ptr::null_mut(), 0);
        }
    }
    let clean_ups = std::mem::take(&mut lists().clean_ups);
    for (_, mut clean_up) in clean_ups {
        let what = clean_up.what.clone();
        // A clean-up that fails or runs late is said, and the next one still runs.
        let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            crate::output_within(&what, &mut clean_up.command, CLEAN_UP_PATIENCE)
        }));
        match ran {
            Ok(output) if output.status.success() => {}
            Ok(output) => eprintln!(
                "  {what}: {}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ),
            Err(_) => eprintln!("  {what}: did not end within {CLEAN_UP_PATIENCE:?}"),
        }
    }
}
