//! Ctrl-C at `verify`'s terminal ends it, whenever it comes: during the isolation probe,
//! which first puts the exercise files it broke back; and after it, with the command a
//! chapter runs at that moment, which runs in a process group of its own.

use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use crate::fixture::{Course, STUB};

/// How long the course's programs wait, as a server would: longer than verify's own limit
/// on a chapter's command (10 s), after which it would kill one itself and go on, and than
/// any wait of these tests.
const SLEEPS: Duration = Duration::from_secs(600);

/// A line of Rust that writes this process's id to `mark`, then sleeps [`SLEEPS`].
fn say_pid_then_sleep(mark: &Path) -> String {
    format!(
        "std::fs::write({:?}, std::process::id().to_string()).unwrap(); \
         std::thread::sleep(std::time::Duration::from_secs({}));",
        mark.display().to_string(),
        SLEEPS.as_secs()
    )
}

#[test]
fn ctrl_c_during_a_chapter_ends_verify_and_the_command_it_runs() {
    let course = Course::new();
    // The lesson's program says it is there, then waits as a server would.
    let mark = course.path("program-started");
    course.write(
        "lessons/01-demo/src/main.rs",
        &format!(
            "fn main() {{\n    println!(\"waiting\");\n    {}\n}}\n",
            say_pid_then_sleep(&mark)
        ),
    );
    let chapter = course.read("book/src/01-demo.md");
    course.write(
        "book/src/01-demo.md",
        &format!("{chapter}\n## Run it\n\n```console\n$ cargo run -p l01-demo\nwaiting\n```\n"),
    );

    let mut verify = Verify::start(&course);
    let program = verify.pid_written_to(&mark);
    verify.ends_on_ctrl_c();
    // The chapter's program, in a process group of its own, got the Ctrl-C too.
    ends_within_a_step(program, "the chapter's program");
}

#[test]
fn ctrl_c_during_the_isolation_probe_puts_the_files_back_and_ends_verify() {
    let course = Course::new();
    // The lesson's build script waits while the probe has its exercise file broken, so that
    // the Ctrl-C comes while the probe builds.
    let mark = course.path("probe-building");
    course.write(
        "lessons/01-demo/build.rs",
        &format!(
            "fn main() {{\n    println!(\"cargo:rerun-if-changed=src/exercises/add.rs\");\n    \
             let file = std::fs::read_to_string(\"src/exercises/add.rs\").unwrap();\n    \
             if file.contains(\"isolation probe\") {{\n        {}\n    }}\n}}\n",
            say_pid_then_sleep(&mark)
        ),
    );
    let exercise = course.path("lessons/01-demo/src/exercises/add.rs");
    let modified = std::fs::metadata(&exercise).unwrap().modified().unwrap();

    let mut verify = Verify::start(&course);
    let build_script = verify.pid_written_to(&mark);
    let said = verify.ends_on_ctrl_c();
    assert_eq!(course.read("lessons/01-demo/src/exercises/add.rs"), STUB);
    assert_eq!(
        std::fs::metadata(&exercise).unwrap().modified().unwrap(),
        modified,
        "the exercise file's modification time"
    );
    assert!(said.contains("put back"), "{said}");
    ends_within_a_step(build_script, "the probe's build");
}

/// `verify` on a course, in a process group of its own as a terminal's foreground job is,
/// its output in a file that no one need read while it runs.
struct Verify {
    child: Option<Child>,
    log: PathBuf,
}

impl Verify {
    fn start(course: &Course) -> Verify {
        let log = course.path("verify.log");
        let out = std::fs::File::create(&log).unwrap();
        let mut command = course.command(&["verify"]);
        command
            .process_group(0)
            .stdout(out.try_clone().unwrap())
            .stderr(out);
        let child = command.spawn().expect("verify starts");
        Verify {
            child: Some(child),
            log,
        }
    }

    fn said(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The pid a program of the course wrote to `mark` once it started. verify builds the
    /// course's two sides first: it may take as long as a test that builds; if verify ends
    /// before, it failed.
    fn pid_written_to(&mut self, mark: &Path) -> libc::pid_t {
        let patience = testkit::deadline::TEST_THAT_BUILDS;
        let deadline = Instant::now() + patience;
        let child = self.child.as_mut().expect("verify runs");
        loop {
            let written = std::fs::read_to_string(mark).ok();
            if let Some(pid) = written.and_then(|text| text.trim().parse().ok()) {
                return pid;
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "verify ended ({status}) before {} was written:\n{}",
                    mark.display(),
                    self.said()
                );
            }
            assert!(
                Instant::now() < deadline,
                "{} was not written within {patience:?}; verify printed:\n{}",
                mark.display(),
                self.said()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Ctrl-C, as a terminal sends it to its foreground group: verify must end as a program
    /// ended by SIGINT does (130), saying so. What it printed.
    fn ends_on_ctrl_c(&mut self) -> String {
        let child = self.child.take().expect("verify runs");
        let group = child.id() as libc::pid_t;
        // SAFETY: kill(2) only sends a signal, to the group of a child nobody has waited for.
        assert_eq!(
            unsafe { libc::kill(-group, libc::SIGINT) },
            0,
            "Ctrl-C sent"
        );
        let output =
            testkit::child_output_within("verify after Ctrl-C", child, testkit::deadline::TEST);
        let said = self.said();
        assert_eq!(
            output.status.code(),
            Some(130),
            "verify did not end on Ctrl-C ({}):\n{said}",
            output.status
        );
        assert!(said.contains("interrupted"), "{said}");
        said
    }
}

impl Drop for Verify {
    /// A test that failed before its Ctrl-C ends verify and what it started.
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SAFETY: as in `ctrl_c`.
            unsafe { libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL) };
            let _ = child.wait();
        }
    }
}

/// Waits for `pid` (`what`) to have ended, for up to testkit's step.
fn ends_within_a_step(pid: libc::pid_t, what: &str) {
    let patience = testkit::deadline::STEP;
    let deadline = Instant::now() + patience;
    while runs(pid) {
        assert!(
            Instant::now() < deadline,
            "{what} (pid {pid}) still runs {patience:?} after verify ended"
        );
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
