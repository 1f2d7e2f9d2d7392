//! The server as a learner first runs it with `--exercise leave`, before `deregister.leave`
//! is done: at Ctrl-C it says in one line that the exercise is not done yet, how to check it
//! and how to run with the answers, and exits with a failure — no panic. `workbook-dev
//! verify` runs this with every stub in place; built with the answers (`--features
//! solution`), it has nothing to check.

mod program;

use program::start_server;
use testkit::PATIENCE;
use testkit::tool::{meets_the_stub, names_an_unfinished_exercise};

#[tokio::test]
async fn a_stop_with_the_unfinished_leave_names_it() {
    let source = include_str!("../src/exercises/leave.rs");
    if !meets_the_stub("deregister.leave", cfg!(feature = "solution"), source) {
        return;
    }
    let agent = testkit::consul().await;
    let name = format!("unfinished-{}", std::process::id());
    let mut server = start_server(&agent, &name, &["--exercise", "leave"]).await;
    server.signal("INT");
    let status = server.exits_within(PATIENCE).await;
    assert_eq!(status.code(), Some(1), "{}", server.log());
    let id = names_an_unfinished_exercise(&server.log(), "deregister");
    assert_eq!(id, "deregister.leave");
}
