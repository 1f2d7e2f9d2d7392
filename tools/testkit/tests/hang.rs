//! A test ended by its deadline says what it was waiting for and stops what it started.
//!
//! The test runner ends a test that runs past its deadline with SIGTERM (cargo-nextest's
//! `slow-timeout`, `.config/nextest.toml`), and a person interrupts one with Ctrl-C
//! (SIGINT). These tests play both parts: run by the runner, each starts this test again as
//! one that hangs (the same binary, the first test, with `HANG_FIXTURE` set), waits until
//! that copy says it is waiting, ends it with SIGTERM as the runner would or SIGINT as a
//! person would, and reads what it printed from outside. A program that uses testkit outside
//! a test and takes its signals itself gets none of this: a copy plays that part too.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const FIXTURE: &str = "HANG_FIXTURE";
/// The copy, as [`FIXTURE`] says: a test that hangs ([`hang`]), or a program that takes its
/// signals itself ([`takes_its_signals`]).
const HANGS: &str = "hangs";
const TAKES_ITS_SIGNALS: &str = "takes its signals";
/// The file the copy's clean-up writes (`hang::on_end`), named by the test for the copy.
const MARKER: &str = "HANG_FIXTURE_MARKER";
const TEST_NAME: &str = "a_test_ended_by_its_deadline_names_its_wait_and_stops_its_programs";
const WAIT: &str = "a reply that never comes";
/// How long the outside part waits for each thing the copy should do (it does each at once).
const PATIENCE: Duration = Duration::from_secs(30);

#[test]
fn a_test_ended_by_its_deadline_names_its_wait_and_stops_its_programs() {
    match std::env::var(FIXTURE).as_deref() {
        Ok(HANGS) => hang(),
        Ok(TAKES_ITS_SIGNALS) => takes_its_signals(),
        _ => {}
    }
    // As nextest ends a test past its deadline.
    let ended = end_a_hanging_copy(libc::SIGTERM);
    ended.as_a_process_ended_by("SIGTERM", 143, "its deadline has passed");
    assert!(
        ended.report.contains(&format!("waiting for {WAIT}")),
        "the report should name the wait; it said:\n{}",
        ended.report
    );
    assert!(
        ended
            .report
            .contains(&format!("stopping pid {}: sleep 600", ended.program)),
        "the report should name the program it started; it said:\n{}",
        ended.report
    );
}

/// Ctrl-C, as nextest passes it on to a test (and a terminal sends it to `cargo test`):
/// what the test started and what it listed to undo are stopped and undone as on its
/// deadline, and it ends as a process interrupted does.
#[test]
fn a_test_interrupted_by_ctrl_c_stops_its_programs_and_cleans_up() {
    let ended = end_a_hanging_copy(libc::SIGINT);
    ended.as_a_process_ended_by("Ctrl-C", 130, "interrupted (Ctrl-C)");
}

/// How a hanging copy of this test ended, seen from outside.
struct Ended {
    /// Its exit code.
    status: Option<i32>,
    /// What it printed on stderr once signalled.
    report: String,
    /// The pid of the program it had started.
    program: u32,
}

impl Ended {
    /// It exited as a shell reports a process ended by `signal` (`code`), and its report
    /// said why (`why`).
    fn as_a_process_ended_by(&self, signal: &str, code: i32, why: &str) {
        assert_eq!(
            self.status,
            Some(code),
            "the copy should end as a process ended by {signal} does; it printed:\n{}",
            self.report
        );
        assert!(
            self.report.contains(why),
            "the report should say why it ended ({why}); it said:\n{}",
            self.report
        );
    }
}

/// Starts this test again as the one that hangs, waits until it says it is waiting, sends it
/// `signal`, and checks what every ending must do: its clean-up named and run, its program
/// gone.
fn end_a_hanging_copy(signal: libc::c_int) -> Ended {
    let marker =
        std::env::temp_dir().join(format!("hang-clean-up-{}-{signal}", std::process::id()));
    let _ = std::fs::remove_file(&marker);
    let copy = Copy::start(HANGS, &marker);
    let program = copy.program;
    let (status, report) = copy.end_with(signal);
    assert!(
        report.contains("cleaning up: a marker file written") && marker.is_file(),
        "the copy's clean-up should be named and run; it said:\n{report}"
    );
    let _ = std::fs::remove_file(&marker);
    // SAFETY: signal 0 only asks whether the process exists.
    let alive = unsafe { libc::kill(program as libc::pid_t, 0) } == 0;
    assert!(
        !alive,
        "the program the copy started (pid {program}) was left running"
    );
    Ended {
        status: status.code(),
        report,
        program,
    }
}

/// A copy of this test run as a fixture, once it has said it is waiting.
struct Copy {
    child: std::process::Child,
    /// Its stderr, line by line.
    said: mpsc::Receiver<String>,
    /// The program it started.
    program: u32,
}

impl Copy {
    /// Starts this test again as the fixture `kind`, and waits until it says it is waiting.
    fn start(kind: &str, marker: &std::path::Path) -> Copy {
        let mut child = Command::new(std::env::current_exe().expect("this test's own binary"))
            .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
            .env(FIXTURE, kind)
            .env(MARKER, marker)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start this test again as the fixture");

        // Its stderr, line by line, on a thread: a read that never returns cannot hang this
        // test.
        let (lines, said) = mpsc::channel();
        let stderr = child.stderr.take().expect("stderr is piped");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if lines.send(line).is_err() {
                    break;
                }
            }
        });

        let mut seen = Vec::new();
        let deadline = Instant::now() + PATIENCE;
        let program = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = said.recv_timeout(left).unwrap_or_else(|_| {
                let _ = child.kill();
                panic!("the copy never said it was waiting; it printed: {seen:#?}")
            });
            if let Some(pid) = line.strip_prefix("fixture: waiting, sleep is pid ") {
                break pid.parse::<u32>().expect("a pid");
            }
            seen.push(line);
        };
        Copy {
            child,
            said,
            program,
        }
    }

    /// Sends it `signal`; how it ended, and what it said until its stderr closed (it exits
    /// at once).
    fn end_with(mut self, signal: libc::c_int) -> (std::process::ExitStatus, String) {
        // SAFETY: `kill` only sends a signal.
        unsafe { libc::kill(self.child.id() as libc::pid_t, signal) };
        let mut report = Vec::new();
        let deadline = Instant::now() + PATIENCE;
        while let Ok(line) = self
            .said
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
        {
            report.push(line);
        }
        // Gone by now (its stderr closed as it exited), or, if PATIENCE passed first, killed
        // here.
        let _ = self.child.kill();
        let status = self.child.wait().expect("reap the copy");
        (status, report.join("\n"))
    }
}

/// A program, not a test, that uses testkit and takes its signals itself (`workbook-dev
/// verify`, for the book's Redis and etcd): testkit leaves SIGINT alone once told, so the
/// signal's default ends it, and nothing of testkit's report is printed.
#[test]
fn a_program_that_takes_its_signals_gets_none_of_testkits_handling() {
    let copy = Copy::start(TAKES_ITS_SIGNALS, &std::env::temp_dir());
    let program = copy.program;
    let (status, report) = copy.end_with(libc::SIGINT);
    // Its sleep outlives it (nobody stopped it): this test stops it.
    // SAFETY: `kill` only sends a signal.
    unsafe { libc::kill(program as libc::pid_t, libc::SIGKILL) };
    use std::os::unix::process::ExitStatusExt as _;
    assert_eq!(
        status.signal(),
        Some(libc::SIGINT),
        "the copy should end as SIGINT's default ends a program ({status}); it printed:\n{report}"
    );
    assert!(
        !report.contains("interrupted"),
        "testkit should have said nothing; it printed:\n{report}"
    );
}

/// `stop_started`, which such a program calls on its way out, kills and reaps what it
/// started.
#[test]
// The child is reaped by `stop_started`, which is what this test checks.
#[allow(clippy::zombie_processes)]
fn stop_started_stops_and_reaps_what_was_started() {
    testkit::hang::signals_are_the_programs();
    let sleep = Command::new("sleep").arg("600").spawn().unwrap();
    let pid = sleep.id();
    testkit::hang::started(pid, "sleep 600");
    testkit::hang::stop_started();
    // Killed and reaped: no process, not even a zombie, has its pid.
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "sleep (pid {pid}) is still there"
    );
}

/// The program that takes its signals: says so to testkit, then lists a wait and a
/// program, which in a test would start testkit's handling of SIGINT, and waits.
fn takes_its_signals() -> ! {
    testkit::hang::signals_are_the_programs();
    let _waiting = testkit::hang::waiting_for("Ctrl-C");
    // Its output not the copy's: the copy's stderr closes when the copy ends.
    let mut sleep = Command::new("sleep")
        .arg("600")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start sleep");
    testkit::hang::started(sleep.id(), "sleep 600");
    eprintln!("fixture: waiting, sleep is pid {}", sleep.id());
    let (_keep, never) = mpsc::channel::<()>();
    // deadline: the test above ends this copy with SIGINT once it has said it is waiting
    let _ = never.recv();
    let _ = sleep.kill();
    let _ = sleep.wait();
    unreachable!("nothing is ever sent")
}

/// The test that hangs: starts a program, lists a wait, and waits on something that never
/// comes. Its program is reaped by the report's thread, not here: nothing here ends.
#[allow(clippy::zombie_processes)]
fn hang() -> ! {
    let mut command = Command::new("sleep");
    command.arg("600");
    let child = command.spawn().expect("start sleep");
    testkit::hang::started(child.id(), testkit::hang::command_line(&command));
    let _waiting = testkit::hang::waiting_for(WAIT);
    let mut touch = Command::new("touch");
    touch.arg(std::env::var_os(MARKER).expect("the marker's path"));
    let _clean_up = testkit::hang::on_end("a marker file written", touch);
    eprintln!("fixture: waiting, sleep is pid {}", child.id());
    let (_keep, never) = mpsc::channel::<()>();
    // deadline: the tests above end this copy with a signal once it has said it is waiting
    let _ = never.recv();
    unreachable!("nothing is ever sent")
}
