//! The lesson's server as a process, watched from outside as an operator would:
//! `cargo test -p l06-register --test main process::`.
//!
//! Started against an agent, it shows up among the passing instances; after SIGTERM it is
//! gone from the catalog at once (in 50 ms on a quiet machine; the agent would reap it only
//! after a minute) and the process exits 0. With no agent to talk to it says so and exits
//! with an error, quickly.

use crate::support;

use std::time::Instant;

use testkit::{PATIENCE, ServerProcess};

const PROGRAM: &str = env!("CARGO_BIN_EXE_l06-register");

async fn start(agent: &str, name: &str) -> ServerProcess {
    ServerProcess::start_with_env(
        PROGRAM,
        &[
            "server",
            "--addr",
            "127.0.0.1:0",
            "--name",
            name,
            "--tag",
            "v1",
        ],
        &[("CONSUL_HTTP_ADDR", agent)],
        1,
    )
    .await
}

#[tokio::test]
async fn the_server_registers_and_leaves_on_sigterm() {
    let (agent, _client) = support::consul().await;
    let name = support::unique_name("process");
    let mut server = start(agent.url(), &name).await;

    let passing = support::wait_for_passing(agent.url(), &name, 1).await;
    let entry = &passing[0];
    assert_eq!(
        entry.address(),
        format!("localhost:{}", server.addr().port())
    );
    assert_eq!(entry.service.tags, ["v1"]);
    assert!(
        entry.checks.iter().any(|check| check.kind == "grpc"),
        "{:?}",
        entry.checks
    );

    server.signal("TERM");
    let signalled = Instant::now();
    server.logged("deregistered").await;
    let left = l06_register::catalog::all_instances(agent.url(), &name)
        .await
        .expect("the health query");
    assert!(
        left.is_empty(),
        "still in the catalog after SIGTERM: {left:?}"
    );
    assert!(
        signalled.elapsed() < PATIENCE,
        "deregistering took {:?}",
        signalled.elapsed()
    );
    server.exits_cleanly_within(PATIENCE).await;
}

#[tokio::test]
async fn two_servers_of_one_service_are_two_instances() {
    let (agent, _client) = support::consul().await;
    let name = support::unique_name("pair");
    let mut first = start(agent.url(), &name).await;
    let second = start(agent.url(), &name).await;
    support::wait_for_passing(agent.url(), &name, 2).await;

    first.signal("TERM");
    first.exits_within(PATIENCE).await;
    let left = support::wait_for_passing(agent.url(), &name, 1).await;
    assert_eq!(left[0].service.port, second.addr().port());
}

#[tokio::test]
async fn with_no_agent_the_server_says_so_and_exits() {
    // A port nobody listens on: bind one, note it, let it go.
    let (closed, addr) = support::listener().await;
    drop(closed);
    let mut command = std::process::Command::new(PROGRAM);
    command
        .args(["server", "--addr", "127.0.0.1:0"])
        .env("CONSUL_HTTP_ADDR", addr.to_string());
    let output = testkit::output_within_async("the server to give up", command, PATIENCE).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "it should fail; it printed:\n{stderr}"
    );
    assert!(
        stderr.contains("cannot register") && stderr.contains(&addr.to_string()),
        "the error should say what failed and where; it printed:\n{stderr}"
    );
}

#[tokio::test]
async fn an_agent_that_never_answers_is_a_clear_error_too() {
    // Accepts connections and never answers: consulrs alone would wait forever.
    let (silent, addr) = support::listener().await;
    let _held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            open.push(stream);
        }
    });
    let mut command = std::process::Command::new(PROGRAM);
    command
        .args(["server", "--addr", "127.0.0.1:0"])
        .env("CONSUL_HTTP_ADDR", addr.to_string());
    let output = testkit::output_within_async(
        "the server to give up on a silent agent",
        command,
        // A process run to its end: as long as the test runner gives the test.
        testkit::deadline::TEST,
    )
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("did not answer"), "it printed:\n{stderr}");
}

#[tokio::test]
async fn catalog_and_find_with_no_agent_say_so_and_exit_with_failure() {
    let nowhere = testkit::tool::nothing_listens();
    for command in ["catalog", "find"] {
        let said =
            testkit::tool::fails(PROGRAM, &[command], &[("CONSUL_HTTP_ADDR", &nowhere)]).await;
        assert!(
            said.contains(&format!("no Consul agent answers at http://{nowhere}"))
                && said.contains("cargo run -p workbook -- services up")
                && said.lines().count() == 1,
            "{command} should say in one line that no agent answers, and how to start one; \
             it printed:\n{said}"
        );
    }
}

#[tokio::test]
async fn find_ends_quietly_when_its_output_is_cut() {
    // `find NAME | head -0`: its answer has nowhere to go.
    let (agent, _client) = support::consul().await;
    let name = support::unique_name("cut");
    let env = [("CONSUL_HTTP_ADDR", agent.url())];
    testkit::tool::ends_quietly_when_output_is_cut(PROGRAM, &["find", &name], &env).await;
}
