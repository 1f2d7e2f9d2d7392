//! The client as a learner first runs it, before the exercises it calls are done: it says
//! in one line which one it needs, how to check it and how to run with the answers, and
//! exits with a failure — no panic. `workbook-dev verify` runs this with every stub in
//! place; built with the answers (`--features solution`), it has nothing to check.

use testkit::tool::{meets_the_stub, nothing_listens, stops_at_an_unfinished_exercise};

const BINARY: &str = env!("CARGO_BIN_EXE_l07-discover");

#[tokio::test]
async fn the_client_names_the_exercise_it_needs_first() {
    let source = include_str!("../src/exercises/wait_for.rs");
    if !meets_the_stub("discover.wait-for", cfg!(feature = "solution"), source) {
        return;
    }
    // The wait for a passing instance comes before any question to the agent.
    let nowhere = nothing_listens();
    let env = [("CONSUL_HTTP_ADDR", nowhere.as_str())];
    for args in [&["client"][..], &["client", "--balanced"]] {
        let id = stops_at_an_unfinished_exercise(BINARY, args, &env, "discover").await;
        assert_eq!(id, "discover.wait-for");
    }
}
