//! A program that uses testkit outside a test (`workbook-dev verify` starts its Redis and
//! etcd for the book's chapters) and takes its signals itself: testkit's `hang` leaves
//! SIGINT alone once told, and stops what the program started when the program asks.

use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt as _;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const FIXTURE: &str = "PROGRAM_SIGNALS_FIXTURE";
const TEST_NAME: &str = "a_program_that_takes_its_signals_gets_none_of_testkits_handling";
/// How long the outside part waits for each thing the copy does (it does each at once).
const PATIENCE: Duration = Duration::from_secs(30);

#[test]
fn a_program_that_takes_its_signals_gets_none_of_testkits_handling() {
    if std::env::var_os(FIXTURE).is_some() {
        // The copy: a program that takes its signals, with a wait and a program listed,
        // which would start testkit's handler in a test.
        testkit::hang::signals_are_the_programs();
        let _waiting = testkit::hang::waiting_for("Ctrl-C");
        // Its output not the copy's: the copy's stderr closes when the copy ends.
        let mut sleep = Command::new("sleep")
            .arg("600")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        testkit::hang::started(sleep.id(), "sleep 600");
        eprintln!("fixture: waiting, sleep is pid {}", sleep.id());
        std::thread::sleep(Duration::from_secs(600));
        let _ = sleep.kill();
        let _ = sleep.wait();
        return;
    }
    let mut copy = Command::new(std::env::current_exe().expect("this test's own binary"))
        .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
        .env(FIXTURE, "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start this test again as the program");
    let (lines, said) = mpsc::channel();
    let stderr = copy.stderr.take().expect("stderr is piped");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + PATIENCE;
    let sleep = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(line) = said.recv_timeout(left) else {
            let _ = copy.kill();
            panic!("the copy never said it was waiting");
        };
        if let Some(pid) = line.strip_prefix("fixture: waiting, sleep is pid ") {
            break pid.parse::<libc::pid_t>().expect("a pid");
        }
    };

    // SAFETY: `kill` only sends a signal.
    unsafe { libc::kill(copy.id() as libc::pid_t, libc::SIGINT) };
    let mut report = Vec::new();
    let deadline = Instant::now() + PATIENCE;
    while let Ok(line) = said.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
        report.push(line);
    }
    let _ = copy.kill();
    let status = copy.wait().expect("reap the copy");
    // Its sleep outlives it (nobody stopped it): this test stops it.
    // SAFETY: as above.
    unsafe { libc::kill(sleep, libc::SIGKILL) };
    let report = report.join("\n");
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
