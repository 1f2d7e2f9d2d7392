//! `shared::program::say_unfinished_exercises` from outside: a program that reaches a stub's
//! `todo!()` in another thread or in a tokio task ends in one line, with the exercise's id,
//! and exits 1 — no panic message, no backtrace, whichever thread it was.
//!
//! Each test runs this test binary again as the program, with `PROGRAM_REACHES` saying
//! where the stub is reached; this file stands for the exercise's file.

use std::process::Command;

/// A lesson.toml whose one exercise is this very file.
const LESSON_TOML: &str = r#"
id = "demo"

[[exercise]]
id = "demo.stub"
file = "tests/program.rs"
"#;

/// The stub.
fn stub() -> u32 {
    todo!("the demo's stub")
}

/// Runs this test again as the program, the stub reached `where`; its exit code and stderr.
fn run_as_the_program(test: &str, reached: &str) -> (Option<i32>, String) {
    let mut program = Command::new(std::env::current_exe().expect("the test binary"));
    program
        .args(["--exact", test, "--nocapture", "--test-threads", "1"])
        .env("PROGRAM_REACHES", reached)
        .env("RUST_BACKTRACE", "1");
    let output = testkit::output_within(
        &format!("this test run again as the program, the stub reached {reached}"),
        &mut program,
        testkit::PATIENCE,
    );
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), stderr)
}

/// The program's part: where the stub is reached, if this run is the program.
fn as_the_program() -> Option<String> {
    let reached = std::env::var("PROGRAM_REACHES").ok()?;
    shared::program::say_unfinished_exercises("l00-demo", LESSON_TOML);
    Some(reached)
}

fn says_it_in_one_line(code: Option<i32>, stderr: &str) {
    assert_eq!(code, Some(1), "{stderr}");
    let line = stderr
        .lines()
        .find(|line| line.starts_with("Error: exercise demo.stub is not done yet"))
        .unwrap_or_else(|| panic!("no line for the exercise:\n{stderr}"));
    assert!(
        line.contains("`cargo run -p workbook -- check demo.stub`")
            && line.contains("-p l00-demo --features solution -- "),
        "{line}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("stack backtrace"),
        "{stderr}"
    );
}

#[test]
fn a_stub_reached_in_another_thread_is_one_line() {
    if as_the_program().is_some() {
        // deadline: the stub's `todo!()` ends the thread at once, and the hook the program
        let _ = std::thread::spawn(stub).join();
        unreachable!("the hook ends the program first");
    }
    let (code, stderr) =
        run_as_the_program("a_stub_reached_in_another_thread_is_one_line", "thread");
    says_it_in_one_line(code, &stderr);
}

#[test]
fn a_stub_reached_in_a_tokio_task_is_one_line() {
    if as_the_program().is_some() {
        let runtime = tokio::runtime::Runtime::new().expect("a runtime");
        // tokio catches a task's panic and hands it to whoever awaits the task: the hook
        // comes first, on the worker thread, and ends the program.
        let _ = runtime.block_on(async { tokio::spawn(async { stub() }).await });
        unreachable!("the hook ends the program first");
    }
    let (code, stderr) = run_as_the_program("a_stub_reached_in_a_tokio_task_is_one_line", "task");
    says_it_in_one_line(code, &stderr);
}

#[test]
fn any_other_panic_is_a_panic_as_before() {
    if as_the_program().is_some() {
        panic!("a bug, not a stub");
    }
    let (code, stderr) = run_as_the_program("any_other_panic_is_a_panic_as_before", "main");
    assert_eq!(code, Some(101), "{stderr}");
    assert!(
        stderr.contains("panicked") && stderr.contains("a bug, not a stub"),
        "{stderr}"
    );
}
