//! Ctrl-C at `verify`'s terminal ends it, whenever it comes: after the isolation probe too,
//! which catches Ctrl-C while it has exercise files broken, and with the command a chapter
//! runs at that moment, which runs in a process group of its own.

use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::fixture::Course;

/// Longer than verify's own limit on a chapter's command (10 s), after which it would kill
/// the program itself and go on.
const PROGRAM_SLEEPS: Duration = Duration::from_secs(600);

#[test]
fn ctrl_c_during_a_chapter_ends_verify_and_the_command_it_runs() {
    let course = Course::new();
    // The lesson's program says where it runs, then waits as a server would.
    let mark = course.path("program-started");
    course.write(
        "lessons/01-demo/src/main.rs",
        &format!(
            "fn main() {{\n    std::fs::write({:?}, std::process::id().to_string()).unwrap();\n    \
             println!(\"waiting\");\n    std::thread::sleep(std::time::Duration::from_secs({}));\n}}\n",
            mark.display().to_string(),
            PROGRAM_SLEEPS.as_secs()
        ),
    );
    let chapter = course.read("book/src/01-demo.md");
    course.write(
        "book/src/01-demo.md",
        &format!("{chapter}\n## Run it\n\n```console\n$ cargo run -p l01-demo\nwaiting\n```\n"),
    );

    // A terminal's Ctrl-C goes to its foreground process group: verify's own. Its output
    // goes to a file, which no one need read while it runs.
    let log = course.path("verify.log");
    let out = std::fs::File::create(&log).unwrap();
    let mut command = course.command(&["verify"]);
    command
        .process_group(0)
        .stdout(out.try_clone().unwrap())
        .stderr(out);
    let mut verify = command.spawn().expect("verify starts");
    let group = verify.id() as libc::pid_t;
    let program = wait_for_pid_in(&mark, &mut verify, &log);

    // SAFETY: kill(2) only sends a signal, to the group of a child nobody has waited for.
    assert_eq!(
        unsafe { libc::kill(-group, libc::SIGINT) },
        0,
        "Ctrl-C sent"
    );
    let output =
        testkit::child_output_within("verify after Ctrl-C", verify, testkit::deadline::TEST);
    let said = std::fs::read_to_string(&log).unwrap_or_default();
    assert_eq!(
        output.status.code(),
        Some(130),
        "verify did not end on Ctrl-C ({}):\n{said}",
        output.status
    );
    assert!(said.contains("interrupted"), "{said}");
    // The chapter's program, in its own process group, got the Ctrl-C too.
    let deadline = Instant::now() + testkit::deadline::STEP;
    while runs(program) {
        assert!(
            Instant::now() < deadline,
            "the chapter's program (pid {program}) still runs {:?} after verify ended",
            testkit::deadline::STEP
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The pid the program wrote to `mark` once it started. verify builds the course's two
/// sides first: it may take as long as a test that builds; if it ends before, it failed.
fn wait_for_pid_in(mark: &Path, verify: &mut std::process::Child, log: &Path) -> libc::pid_t {
    let patience = testkit::deadline::TEST_THAT_BUILDS;
    let deadline = Instant::now() + patience;
    loop {
        if let Some(pid) = std::fs::read_to_string(mark)
            .ok()
            .and_then(|text| text.trim().parse().ok())
        {
            return pid;
        }
        if let Ok(Some(status)) = verify.try_wait() {
            panic!(
                "verify ended ({status}) before the chapter's program started:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        if Instant::now() > deadline {
            let _ = verify.kill();
            panic!(
                "the chapter's program did not start within {patience:?}; verify printed:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Whether `pid` is a process that has not ended (a zombie has ended).
fn runs(pid: libc::pid_t) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            // The state follows the command's closing parenthesis.
            let state = stat.rsplit(')').next().unwrap_or("").trim_start();
            !state.starts_with('Z')
        })
        .unwrap_or(false)
}
