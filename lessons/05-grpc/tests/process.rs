//! The gRPC server as a process, watched from outside: `cargo test -p l05-grpc --test main process::`.
//!
//! On SIGTERM (what Kubernetes sends a pod it is about to stop) the server first turns its
//! health to NOT_SERVING, so that whoever watches it stops sending calls, then finishes
//! the calls in flight and exits 0.

use testkit::grpc::GreeterHealth;
use testkit::{PATIENCE, ServerProcess, within};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

const SERVER: &str = env!("CARGO_BIN_EXE_l05-grpc");

async fn start() -> ServerProcess {
    ServerProcess::start(SERVER, &["server", "--addr", "127.0.0.1:0"], 1).await
}

#[tokio::test]
async fn sigterm_turns_health_off_then_exits_0() {
    let mut server = start().await;
    let channel = l05_grpc::client::connect(&server.addr().to_string())
        .await
        .expect("connect");
    let mut health = GreeterHealth::watch(channel).await;
    assert_eq!(health.next().await, ServingStatus::Serving);

    server.signal("TERM");
    assert_eq!(health.next().await, ServingStatus::NotServing);
    drop(health); // the watcher has heard; the server has nothing left in flight

    server.exits_cleanly_within(PATIENCE).await;
    server.logged("SIGTERM received").await;
}

#[tokio::test]
async fn a_second_signal_stops_at_once() {
    let mut server = start().await;
    let channel = l05_grpc::client::connect(&server.addr().to_string())
        .await
        .expect("connect");
    // A health Watch never ends by itself: it would hold the server for its grace period.
    let mut health = HealthClient::new(channel);
    let _watch = within("Watch", health.watch(HealthCheckRequest::default()))
        .await
        .expect("Watch");

    server.signal("INT");
    server.logged("shutting down").await;
    server.signal("INT");
    let status = server.exits_within(PATIENCE).await;
    assert_eq!(status.code(), Some(128 + 2), "log:\n{}", server.log());
}

#[tokio::test]
async fn clients_that_reach_no_server_exit_with_failure() {
    let nowhere = testkit::tool::nothing_listens();
    for client in ["client", "health", "wire"] {
        let said = testkit::tool::fails(SERVER, &[client, "--addr", &nowhere], &[]).await;
        assert!(
            said.contains("cannot reach a gRPC server at"),
            "{client} says why:\n{said}"
        );
    }
}

#[tokio::test]
async fn the_client_ends_quietly_when_its_output_is_cut() {
    // `client | head -0`: the first reply has nowhere to go.
    let server = start().await;
    let addr = server.addr().to_string();
    testkit::tool::ends_quietly_when_output_is_cut(SERVER, &["client", "--addr", &addr], &[]).await;
}
