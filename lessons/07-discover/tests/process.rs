//! Three servers as real processes and a client that keeps calling while one of them stops,
//! checked from outside: `cargo test -p l07-discover --test process`.

mod support;

use std::collections::HashMap;
use std::time::Duration;

use l07_discover::client::{GreeterPool, Instances};
use shared::discovery::{WatchOptions, watch_healthy};
use support::{passing, unique_service};
use testkit::{PATIENCE, ServerProcess, within};

const BINARY: &str = env!("CARGO_BIN_EXE_l07-discover");

async fn server(agent: &str, service: &str) -> ServerProcess {
    ServerProcess::start_with_env(
        BINARY,
        &["server", "--addr", "127.0.0.1:0", "--service", service],
        &[("CONSUL_HTTP_ADDR", agent)],
        1,
    )
    .await
}

#[tokio::test]
async fn calls_go_on_while_one_of_three_instances_stops() {
    let agent = testkit::consul().await;
    let service = unique_service("greeter");
    let mut servers = Vec::new();
    for _ in 0..3 {
        servers.push(server(agent.url(), &service).await);
    }
    passing(agent.url(), &service, 3).await;

    let watcher = watch_healthy(
        agent.url().to_string(),
        service.clone(),
        WatchOptions::default(),
        std::future::pending(),
    );
    let pool = GreeterPool::new(&service, Instances::Watched(watcher.healthy.clone()));
    within("the watcher's first answer", async {
        while pool.addresses().len() < 3 {
            watcher.healthy.clone().changed().await.unwrap();
        }
    })
    .await;

    let stopped = format!("{service}-localhost-{}", servers[1].addr().port());
    let mut served: HashMap<String, usize> = HashMap::new();
    for call in 1..=100 {
        if call == 50 {
            servers[1].signal("TERM");
        }
        let answer = within("a call", pool.say_hello("Ferris"))
            .await
            .unwrap_or_else(|status| {
                // What an operator would look at: whom the client could call, and what
                // the stopping instance was doing.
                panic!(
                    "call {call} failed: {status:?}\ninstances listed then: {:?}\n\
                     the stopping instance ({stopped}) logged:\n{}",
                    pool.addresses(),
                    servers[1].log()
                )
            });
        *served.entry(answer.instance).or_default() += 1;
        tokio::time::sleep(Duration::from_millis(5)).await; // calls spread over time, not a sync
    }

    assert_eq!(
        served.len(),
        3,
        "every instance answered some calls: {served:?}"
    );
    let stopped_calls = served[&stopped];
    assert!(
        (10..=40).contains(&stopped_calls),
        "the stopped instance answered {stopped_calls} calls; about 49 / 3 before it stopped \
         and none after: {served:?}"
    );
    let status = servers[1].exits_within(PATIENCE).await;
    assert!(
        status.success(),
        "exit status {status}; log:\n{}",
        servers[1].log()
    );
    assert!(
        servers[1].log().contains("deregistered"),
        "{}",
        servers[1].log()
    );
    passing(agent.url(), &service, 2).await;
}

#[tokio::test]
async fn the_binary_client_calls_every_instance_in_turn() {
    let agent = testkit::consul().await;
    let service = unique_service("greeter");
    let mut servers = Vec::new();
    for _ in 0..3 {
        servers.push(server(agent.url(), &service).await);
    }
    passing(agent.url(), &service, 3).await;

    let mut command = std::process::Command::new(BINARY);
    command
        .args(["client", "--service", &service, "--calls", "6"])
        .env("CONSUL_HTTP_ADDR", agent.url());
    let output =
        testkit::output_within_async("the client to finish", command, testkit::PATIENCE).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "client failed: {}\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    for server in &servers {
        let id = format!("{service}-localhost-{}", server.addr().port());
        assert_eq!(
            stdout.matches(&format!("from {id}")).count(),
            2,
            "6 calls over 3 instances: two each for {id}:\n{stdout}"
        );
    }
}

#[tokio::test]
async fn sigterm_deregisters_and_exits_0() {
    let agent = testkit::consul().await;
    let service = unique_service("greeter");
    let mut server = server(agent.url(), &service).await;
    let found = passing(agent.url(), &service, 1).await;
    assert_eq!(
        found[0].address(),
        format!("localhost:{}", server.addr().port())
    );

    server.signal("TERM");
    passing(agent.url(), &service, 0).await;
    server.exits_cleanly_within(PATIENCE).await;
}

#[tokio::test]
async fn an_agent_that_is_down_is_a_clear_error() {
    let nothing = support::dead_address().await;
    let mut command = std::process::Command::new(BINARY);
    command
        .args(["server", "--addr", "127.0.0.1:0"])
        .env("CONSUL_HTTP_ADDR", &nothing);
    let server =
        testkit::output_within_async("the server to give up", command, testkit::PATIENCE).await;
    let log = String::from_utf8_lossy(&server.stderr);
    assert!(
        !server.status.success(),
        "the server ran without Consul:\n{log}"
    );
    assert!(log.contains("cannot register"), "{log}");

    let mut command = std::process::Command::new(BINARY);
    command.arg("client").env("CONSUL_HTTP_ADDR", &nothing);
    let client =
        testkit::output_within_async("the client to give up", command, testkit::PATIENCE).await;
    let log = String::from_utf8_lossy(&client.stderr);
    assert!(!client.status.success(), "{log}");
    assert!(log.contains("no Consul agent answers"), "{log}");
}

#[tokio::test]
async fn the_client_ends_quietly_when_its_output_is_cut() {
    // `client | head -0`: the list of passing instances has nowhere to go.
    let agent = testkit::consul().await;
    let service = unique_service("greeter");
    let _server = server(agent.url(), &service).await;
    passing(agent.url(), &service, 1).await;
    let env = [("CONSUL_HTTP_ADDR", agent.url())];
    testkit::tool::ends_quietly_when_output_is_cut(
        BINARY,
        &["client", "--service", &service],
        &env,
    )
    .await;
}
