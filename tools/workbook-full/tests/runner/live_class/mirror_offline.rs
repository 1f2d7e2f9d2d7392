//! The room with no Internet: a laptop with Rust alone, on a network where only the teacher's
//! machine answers, goes from nothing to a first verdict. The test runs in a network namespace
//! whose only interface is its loopback (`testkit::netns`): the teacher's `class serve
//! --mirror` of this course (its crates from this machine's cargo cache), then the learner's
//! line as the server prints it (a clone over git's HTTP, the mirror's cargo configuration),
//! an empty cargo home, every crate of the lock file fetched from the mirror, and the
//! runner's check of `tcp.echo` built from them. Nothing else can be reached: a request to
//! the public registry would fail the fetch or the build.
//!
//! The fetch is what holds the mirror to every lesson: `cargo fetch --locked` resolves the
//! whole workspace, every lesson and tool with every feature, against the mirror's index
//! (a line that lacked a dependency, a feature or a rename would not match the lock file),
//! and downloads each `.crate`, its checksum checked against the lock. Then one check, as a
//! learner meets it: lesson 01's `tcp.echo`, the course's first verdict, built from what the
//! mirror served with nothing else in reach.
//!
//! Why one build and not a later lesson's too: once every `.crate` is in the learner's cargo
//! home with the lock's checksum, a build reads nothing from the mirror (cargo builds from
//! its home, offline or not), so a second lesson's build would prove cargo, not the mirror.
//! What a build alone can show, that the room builds with no network at all (no build
//! script reaches out, the runner's own build, the mirror's cargo configuration read from
//! the room's folder), the first check shows. Lesson 05's build from nothing was three
//! quarters of this test's time (48 of 81 s quiet, most of the suite's on a slower machine).
use std::path::PathBuf;
use std::process::Command;

use workbook_full::teacher::class::mirror;

use super::Running;
use crate::fixture::{Course, runner_in};
use crate::real_course::course_root;

/// The name the test binary knows this test by, to run it again inside its namespace.
const THIS_TEST: &str = "live_class::mirror_offline::a_laptop_with_rust_alone_reaches_a_first_verdict_from_the_teachers_machine";

/// Every wait of this test: a build of the runner and of lesson 01 from nothing.
const PATIENCE: std::time::Duration = testkit::deadline::A_LAPTOP_FROM_NOTHING;

fn succeeded(what: &str, command: &mut Command) -> String {
    let output = testkit::output_within(what, command, PATIENCE);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{what} failed:\n{said}");
    said
}

#[test]
fn a_laptop_with_rust_alone_reaches_a_first_verdict_from_the_teachers_machine() {
    let outside = std::env::var_os(testkit::netns::INSIDE).is_none();
    if outside && testkit::netns::cannot_make_one().is_none() {
        // The teacher's cache filled first, every platform's crates, where there is a
        // network (the room has none): `class serve --mirror` asks the teacher to, too.
        succeeded(
            "the teacher's cargo fetch --locked",
            Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
                .args(["fetch", "--locked", "--quiet"])
                .current_dir(course_root()),
        );
    }
    if !testkit::netns::inside(THIS_TEST, testkit::netns::LOOPBACK_UP, PATIENCE) {
        return;
    }
    // The teacher: the class's folder in a scratch folder, the server in the course itself.
    let scratch = Course::new();
    let command = runner_in(&course_root(), &["--lang", "en", "class", "serve", "--dir"]);
    let options = ["--mirror", "--mirror-no-book"];
    let server = Running::spawn(
        command,
        &scratch.path("class"),
        "127.0.0.1:0",
        &options,
        None,
    );

    // The learner: the projected line, in a folder of their own.
    let desk = scratch.path("desk");
    std::fs::create_dir_all(&desk).unwrap();
    let line = mirror::learners_line(&server.url);
    // The learner's moments from the line on, printed and never asserted: a busy
    // machine's times are its own.
    let cloned = std::time::Instant::now();
    succeeded(
        "the learner's line",
        Command::new("sh")
            .args(["-c", &line])
            .current_dir(&desk)
            .env("GIT_TERMINAL_PROMPT", "0"),
    );
    let clone = desk.join("room/course");
    let home: PathBuf = scratch.path("learners-cargo");
    std::fs::create_dir_all(&home).unwrap();
    let cargo = |args: &[&str]| {
        let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cargo
            .args(args)
            .current_dir(&clone)
            .env("CARGO_HOME", &home)
            .env("NO_COLOR", "1")
            .env("LANG", "C")
            .env_remove("CARGO_TARGET_DIR")
            // The test script lints the course as it builds it (clippy-driver as the
            // workspace's compiler, warnings denied); a learner's laptop builds with rustc.
            .env_remove("RUSTC_WORKSPACE_WRAPPER")
            .env_remove("CLIPPY_ARGS");
        cargo
    };
    // Every crate of the lock file, for every platform, from the mirror alone.
    let fetched = succeeded("cargo fetch --locked", &mut cargo(&["fetch", "--locked"]));
    assert!(fetched.contains("registry `room`"), "{fetched}");
    let fetched_at = cloned.elapsed();
    // The first verdict: a stub fails its tests, which is a verdict.
    let exercise = "tcp.echo";
    let check = ["run", "-p", "workbook", "--", "check", exercise];
    let output = testkit::output_within(
        &format!("the check of {exercise}"),
        &mut cargo(&check),
        PATIENCE,
    );
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(
        said.contains(&format!("{exercise}:"))
            && (said.contains("failed") || said.contains("passed")),
        "no verdict of {exercise}:\n{said}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!(
        "from the learner's line: every crate fetched in {:.1} s, the first verdict in {:.1} s",
        fetched_at.as_secs_f64(),
        cloned.elapsed().as_secs_f64()
    );
}
