//! The report as a learner first runs it, before `deploy.availability` is done: it says in
//! one line that the exercise is not done yet, how to check it and how to run with the
//! answers — no panic. `workbook-dev verify` runs this with every stub in place; built with
//! the answers (`--features solution`), it has nothing to check.

use testkit::tool::{meets_the_stub, names_an_unfinished_exercise, run};

const BINARY: &str = env!("CARGO_BIN_EXE_l14-deploy");

#[tokio::test]
async fn the_report_names_the_exercise_of_its_table() {
    let source = include_str!("../src/exercises/availability.rs");
    if !meets_the_stub("deploy.availability", cfg!(feature = "solution"), source) {
        return;
    }
    let history = std::env::temp_dir().join(format!("l14-unfinished-{}.jsonl", std::process::id()));
    let lines = [
        r#"{"started_unix_ms":1,"gateway":"http://127.0.0.1:1","rate":20}"#,
        r#"{"at_ms":0,"latency_ms":5,"answered":"host-b"}"#,
        r#"{"at_ms":50,"latency_ms":5000,"failed":"timed out"}"#,
    ];
    std::fs::write(&history, lines.join("\n")).expect("write the history");
    // A lab of its own name, so that no running lab's faults come into the report.
    let project = format!("l14-unfinished-{}", std::process::id());
    let args = ["--project", &project, "report", history.to_str().unwrap()];
    let output = run(BINARY, &args, &[("RUST_BACKTRACE", "1")]).await;
    let _ = std::fs::remove_file(&history);
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let id = names_an_unfinished_exercise(&printed, "deploy");
    assert_eq!(id, "deploy.availability", "{printed}");
}
