//! The gateway as a learner first runs it, before its routes (the exercises) are done: it
//! serves, and each request that reaches a route not written yet is answered errno 4500
//! naming the file, and logged in one line that names the exercise, how to check it and how
//! to run with the answers — no panic, and the gateway goes on serving. `workbook-dev
//! verify` runs this with every stub in place; built with the answers (`--features
//! solution`), it has nothing to check.

use testkit::ServerProcess;
use testkit::http_get;
use testkit::tool::{meets_the_stub, names_an_unfinished_exercise, nothing_listens};

const BINARY: &str = env!("CARGO_BIN_EXE_l10-gateway");

#[tokio::test]
async fn a_route_not_written_yet_is_named_in_one_line_and_the_gateway_goes_on() {
    let source = include_str!("../src/exercises/image.rs");
    if !meets_the_stub("gateway.image", cfg!(feature = "solution"), source) {
        return;
    }
    let nowhere = nothing_listens();
    let env = [
        ("CONSUL_HTTP_ADDR", nowhere.as_str()),
        ("RUST_BACKTRACE", "1"),
    ];
    let args = ["server", "--addr", "127.0.0.1:0"];
    let mut gateway = ServerProcess::start_with_env(BINARY, &args, &env, 1).await;
    let addr = gateway.addr().to_string();
    for _ in 0..2 {
        let (status, body) = http_get(&addr, "/api/v1.0/imagecode/some-uuid")
            .await
            .expect("the gateway answers");
        assert_eq!(status, 500, "{body}");
        assert!(
            body.contains("4500") && body.contains("src/exercises/image.rs"),
            "{body}"
        );
    }
    gateway.logged("exercise gateway.image").await;
    gateway.signal("INT");
    gateway.exits_cleanly_within(testkit::PATIENCE).await;
    let id = names_an_unfinished_exercise(&gateway.log(), "gateway");
    assert_eq!(id, "gateway.image");
}
