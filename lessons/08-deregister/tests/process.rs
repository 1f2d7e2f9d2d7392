//! The worked example as a process, watched from outside as an operator would, against a
//! real agent: `cargo test -p l08-deregister --test process`.
//!
//! A clean stop (SIGTERM) takes the instance out of the catalog at once and exits 0. A kill
//! that cannot be caught (SIGKILL) leaves the instance behind: its check turns critical,
//! and the agent reaps it after DeregisterCriticalServiceAfter.
//!
//! The lesson's clients as a script runs them, too: one that reaches no server exits with a
//! failure, so that `hello && next-step` stops there; and one whose reader has gone
//! (`hello | head -0`) ends quietly, as `cat` does.

mod program;
mod support;

use std::time::{Duration, Instant};

use program::{SERVER, start_server};
use support::{until_critical, until_gone, until_passing};
use testkit::tool::{ends_quietly_when_output_is_cut, fails, nothing_listens};
use testkit::{ConsulKind, PATIENCE, ServerProcess};

/// How long reaping may take: the embedded agent honours `--reap-after 1s` and looks every
/// second; a real Consul waits at least a minute and looks every 30 seconds.
fn reap_limit(kind: ConsulKind) -> Duration {
    match kind {
        ConsulKind::Embedded => PATIENCE,
        _ => Duration::from_secs(100),
    }
}

#[tokio::test]
async fn sigterm_deregisters_at_once_and_exits_0() {
    let agent = testkit::consul().await;
    let name = support::unique_name("term");
    // A long reap and a long grace, so that "at once" means long before either: an
    // instance that left was deregistered, not reaped, and nothing is in flight to drain.
    let args = ["--reap-after", "60s", "--grace", "60s"];
    let mut server = start_server(&agent, &name, &args).await;

    let entry = until_passing(agent.url(), &name).await;
    assert_eq!(entry.service.port, server.addr().port());

    let stopped = Instant::now();
    server.signal("TERM");
    until_gone(agent.url(), &name, PATIENCE).await;
    server.exits_cleanly_within(PATIENCE).await;
    assert!(stopped.elapsed() < PATIENCE);

    // The log tells the order: NOT_SERVING, deregistered, draining.
    let log = server.log();
    let at = |text: &str| {
        log.find(text)
            .unwrap_or_else(|| panic!("no {text:?} in:\n{log}"))
    };
    assert!(at("1/3 health is NOT_SERVING") < at("2/3 deregistering"));
    assert!(at("2/3 deregistering") < at("3/3 draining"));
}

// ANCHOR: sigkill
#[tokio::test]
async fn sigkill_leaves_a_critical_instance_that_the_agent_reaps() {
    let agent = testkit::consul().await;
    let name = support::unique_name("kill");
    // `start_server` gives it `--check-interval 1s --reap-after 1s`.
    let mut server = start_server(&agent, &name, &[]).await;
    until_passing(agent.url(), &name).await;

    server.signal("KILL");
    let status = server.exits_within(PATIENCE).await;
    assert!(!status.success(), "a killed process cannot exit 0");

    // Nobody deregistered: the next probe fails (one check interval, 1 s here).
    let killed = Instant::now();
    let output = until_critical(agent.url(), &name).await;
    assert!(
        killed.elapsed() < Duration::from_secs(10),
        "critical only after {:?}",
        killed.elapsed()
    );
    println!("critical: {output}");

    // Then the reaper removes it: 1 s on the embedded agent, a minute or more on Consul.
    until_gone(agent.url(), &name, reap_limit(agent.kind())).await;
}
// ANCHOR_END: sigkill

#[tokio::test]
async fn a_second_signal_stops_at_once() {
    let agent = testkit::consul().await;
    let name = support::unique_name("twice");
    let mut server = start_server(&agent, &name, &["--hello-delay", "60s", "--grace", "60s"]).await;
    until_passing(agent.url(), &name).await;

    // A call that would hold the drain for a minute.
    let addr = server.addr().to_string();
    let _call = tokio::spawn(async move {
        l08_deregister::client::say_hello(&addr, "Ferris", Duration::from_secs(120)).await
    });
    server.logged("answering in").await;

    server.signal("INT");
    server.logged("3/3 draining").await;
    server.signal("INT");
    let status = server.exits_within(PATIENCE).await;
    assert_eq!(status.code(), Some(128 + 2), "log:\n{}", server.log());
}

#[tokio::test]
async fn an_agent_that_is_down_is_a_clear_error_not_a_hang() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let agent = format!("127.0.0.1:{}", closed.local_addr().unwrap().port());
    drop(closed);

    let args = ["server", "--addr", "127.0.0.1:0", "--name", "l08-nobody"];
    let mut server =
        ServerProcess::start_with_env(SERVER, &args, &[("CONSUL_HTTP_ADDR", &agent)], 1).await;
    let status = server.exits_within(PATIENCE).await;
    assert!(!status.success());
    let log = server.log();
    assert!(
        log.contains("cannot register") && log.contains(&agent),
        "the error should say what failed and where:\n{log}"
    );
}

#[tokio::test]
async fn clients_that_reach_no_server_exit_with_failure() {
    let nowhere = nothing_listens();
    for client in ["hello", "health"] {
        let said = fails(SERVER, &[client, "--addr", &nowhere], &[]).await;
        assert!(
            said.contains("cannot reach a gRPC server at"),
            "{client} says why:\n{said}"
        );
    }
}

#[tokio::test]
async fn hello_ends_quietly_when_its_output_is_cut() {
    let agent = testkit::consul().await;
    let server = start_server(&agent, &support::unique_name("cut"), &[]).await;
    let addr = server.addr().to_string();
    ends_quietly_when_output_is_cut(SERVER, &["hello", "--addr", &addr], &[]).await;
}
