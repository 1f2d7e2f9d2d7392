use super::*;

const LIBTEST_OUTPUT: &str = "\nrunning 3 tests\ntest echoes_one_line ... ok\ntest echoes_until_eof ... FAILED\ntest slow ... ignored, needs redis\n\nfailures:\n\n---- echoes_until_eof stdout ----\n\nthread 'echoes_until_eof' panicked at lessons/01-tcp/src/exercises/echo.rs:10:5:\nnot yet implemented: echo the lines\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n\nfailures:\n    echoes_until_eof\n\ntest result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\n";

#[test]
fn reads_results_and_failures_from_libtest_output() {
    let report = TestReport::parse(LIBTEST_OUTPUT);
    assert_eq!(
        report.tests,
        [
            ("echoes_one_line".to_string(), TestResult::Ok),
            ("echoes_until_eof".to_string(), TestResult::Failed),
            ("slow".to_string(), TestResult::Ignored),
        ]
    );
    assert_eq!(report.failures.len(), 1);
    let (name, text) = &report.failures[0];
    assert_eq!(name, "echoes_until_eof");
    assert!(
        text.starts_with("thread 'echoes_until_eof' panicked"),
        "{text}"
    );
    assert!(
        text.ends_with("not yet implemented: echo the lines"),
        "{text}"
    );
    assert!(
        report
            .summary
            .as_deref()
            .unwrap()
            .starts_with("FAILED. 1 passed")
    );
    assert_eq!(
        report.first_reason().unwrap(),
        "echoes_until_eof: not yet implemented: echo the lines"
    );
}

#[test]
fn trims_backtraces_and_groups_identical_failures() {
    let output = "running 2 tests\ntest a ... FAILED\ntest b ... FAILED\n\nfailures:\n\n---- a stdout ----\n\nthread 'a' (11) panicked at src/x.rs:3:5:\nnot yet implemented\nstack backtrace:\n   0: __rustc::rust_begin_unwind\n             at /rustc/library/std/src/panicking.rs:689:5\nnote: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.\n\n---- b stdout ----\n\nthread 'b' (12) panicked at src/x.rs:3:5:\nnot yet implemented\n\n\nfailures:\n    a\n    b\n\ntest result: FAILED. 0 passed; 2 failed\n";
    let report = TestReport::parse(output);
    assert_eq!(
        report.failures[0].1,
        "thread 'a' (11) panicked at src/x.rs:3:5:\nnot yet implemented"
    );
    let groups = grouped_failures(&report.failures);
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].0, ["a", "b"]);
    assert_eq!(
        failure_gist("thread 'x' (7) panicked at t.rs:23:33:\nno server at 127.0.0.1:36809"),
        failure_gist("thread 'y' (9) panicked at t.rs:23:33:\nno server at 127.0.0.1:41981"),
    );
    assert_ne!(failure_gist("at t.rs:23:33"), failure_gist("at t.rs:24:33"));
}
