//! The client as a learner first runs it, before the exercises it can call are done: with
//! `--select weighted` (rpcx.weighted) or `--fail failbackup` (rpcx.backup) it says in one
//! line which exercise it needs, how to check it and how to run with the answers, and exits
//! with a failure — no panic. `workbook-dev verify` runs this with every stub in place;
//! built with the answers (`--features solution`), it has nothing to check.

use testkit::tool::{meets_the_stub, nothing_listens, stops_at_an_unfinished_exercise};

const BINARY: &str = env!("CARGO_BIN_EXE_l13-rpcx");

#[tokio::test]
async fn the_weighted_select_mode_names_its_exercise() {
    let source = include_str!("../src/exercises/weighted.rs");
    if !meets_the_stub("rpcx.weighted", cfg!(feature = "solution"), source) {
        return;
    }
    let nowhere = nothing_listens();
    let args = [
        "client", "--addr", &nowhere, "--select", "weighted", "--rounds", "1",
    ];
    let id = stops_at_an_unfinished_exercise(BINARY, &args, &[], "rpcx").await;
    assert_eq!(id, "rpcx.weighted");
}

#[tokio::test]
async fn failbackup_names_its_exercise() {
    let source = include_str!("../src/exercises/backup.rs");
    if !meets_the_stub("rpcx.backup", cfg!(feature = "solution"), source) {
        return;
    }
    let nowhere = nothing_listens();
    let args = [
        "client",
        "--addr",
        &nowhere,
        "--fail",
        "failbackup",
        "--rounds",
        "1",
    ];
    let id = stops_at_an_unfinished_exercise(BINARY, &args, &[], "rpcx").await;
    assert_eq!(id, "rpcx.backup");
}
