//! The learner's program hands every command but the learner's to `workbook-full`: built
//! with cargo (here a stand-in cargo, a script that reports a built program as cargo's JSON
//! messages do), then run in this program's place with the same arguments, its exit code
//! the command's.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use workbook_core::testutil::Fixture;

/// Writes an executable shell script.
fn script(path: &Path, body: &str) {
    fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

/// A course with a stand-in cargo, whose `workbook-full` prints its arguments and exits 3;
/// the cargo leaves its arguments in `cargo-was-called`.
fn course_with_stand_in_cargo() -> Fixture {
    let fx = Fixture::course();
    let full = fx.path().join("full.sh");
    script(&full, "echo \"full: $*\"\nexit 3");
    let artifact = format!(
        r#"{{"reason":"compiler-artifact","package_id":"path+file://{root}/tools/workbook-full#0.1.0","manifest_path":"{root}/tools/workbook-full/Cargo.toml","target":{{"kind":["bin"],"name":"workbook-full"}},"profile":{{"test":false}},"executable":"{full}"}}"#,
        root = fx.path().display(),
        full = full.display(),
    );
    let called = fx.path().join("cargo-was-called");
    script(
        &fx.path().join("cargo.sh"),
        &format!(
            "echo \"$*\" > '{}'\necho '{artifact}'\necho '{{\"reason\":\"build-finished\",\"success\":true}}'",
            called.display()
        ),
    );
    fx
}

fn workbook(fx: &Fixture, args: &[&str]) -> Output {
    let mut workbook = Command::new(env!("CARGO_BIN_EXE_workbook"));
    workbook
        .args(args)
        .current_dir(fx.path())
        .env("CARGO", fx.path().join("cargo.sh"))
        .env_remove("CARGO_PKG_NAME")
        .env("NO_COLOR", "1");
    testkit::output_within(
        &format!("`workbook {}`", args.join(" ")),
        &mut workbook,
        testkit::PATIENCE,
    )
}

#[test]
fn a_command_of_workbook_full_is_built_and_handed_on_whole() {
    let fx = course_with_stand_in_cargo();
    let output = workbook(&fx, &["report", "--name", "Ada Lovelace"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        stdout.trim(),
        "full: report --name Ada Lovelace",
        "the arguments reach workbook-full as typed; stderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        output.status.code(),
        Some(3),
        "its exit code is the command's"
    );
    let cargo = fs::read_to_string(fx.path().join("cargo-was-called")).unwrap();
    assert!(
        cargo.starts_with("build --keep-going") && cargo.contains("-p workbook-full"),
        "cargo is asked to build workbook-full: {cargo}"
    );
}

#[test]
fn a_learners_command_runs_without_building_anything() {
    let fx = course_with_stand_in_cargo();
    let output = workbook(&fx, &["list"]);
    assert!(output.status.success(), "{output:?}");
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains("full:"),
        "`list` is the learner's program's own"
    );
    assert!(
        !fx.path().join("cargo-was-called").exists(),
        "no build before a learner's command"
    );
}

#[test]
fn a_full_program_that_does_not_build_is_an_error_that_says_so() {
    let fx = course_with_stand_in_cargo();
    script(
        &fx.path().join("cargo.sh"),
        "echo 'error: could not compile `workbook-full`' >&2\necho '{\"reason\":\"build-finished\",\"success\":false}'\nexit 101",
    );
    let output = workbook(&fx, &["doctor"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("workbook-full") && stderr.contains("could not compile"),
        "the error names the program and what cargo said: {stderr}"
    );
}
