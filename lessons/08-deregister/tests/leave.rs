//! `deregister.leave`: the server stopped by your stop sequence (`server --exercise leave`),
//! watched from outside. After SIGTERM the health service says NOT_SERVING, and the instance
//! leaves the catalog while calls are still in flight, so before the drain; those calls
//! still get their replies; the process exits 0. A call longer than the grace period does
//! not hold it up, and neither does an agent that never answers the deregistration: the
//! grace counts from the signal.

mod program;
mod support;

use std::time::{Duration, Instant};

use program::{start_server, start_server_at};
use support::{until_gone, until_passing, within_for};
use testkit::{PATIENCE, within};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

#[tokio::test]
async fn not_serving_then_deregistered_while_calls_are_in_flight_then_exit_0() {
    let agent = testkit::consul().await;
    let name = support::unique_name("leave");
    // A grace far beyond the test's patience, and a long reap: an instance gone from the
    // catalog within the patience was deregistered, not reaped, and not after a drain.
    let args = [
        "--exercise",
        "leave",
        "--hello-delay",
        "2s",
        "--grace",
        "120s",
        "--reap-after",
        "120s",
    ];
    let mut server = start_server(&agent, &name, &args).await;
    until_passing(agent.url(), &name).await;
    let addr = server.addr().to_string();

    // Two calls in flight through the stop. The first is the test's own health Watch: a
    // stream that never ends by itself, so the server cannot finish draining while the
    // test holds it open. The order is then seen without racing a clock: a stop that
    // drains before it deregisters waits on this stream for its whole grace, and the
    // instance stays in the catalog.
    let channel = within("a connection", l08_deregister::client::connect(&addr))
        .await
        .expect("connect to the server");
    let mut health = HealthClient::new(channel);
    let greeter = HealthCheckRequest {
        service: "hello.Greeter".into(),
    };
    let mut watch = within("the Watch call", health.watch(greeter))
        .await
        .expect("Watch hello.Greeter")
        .into_inner();
    let mut next_status = async || {
        let update = within("the next health update", watch.message()).await;
        let update = update.unwrap_or_else(|status| {
            panic!(
                "the health Watch failed ({status}): the server did not stop in order; its log:\n{}",
                server.log()
            )
        });
        update
            .expect("the Watch stream ended before the health changed")
            .status()
    };
    assert_eq!(next_status().await, ServingStatus::Serving);

    // The second, a unary call: SayHello answers after 2 s.
    let call = tokio::spawn({
        let addr = addr.clone();
        async move { l08_deregister::client::say_hello(&addr, "Ferris", Duration::from_secs(30)).await }
    });
    server.logged("answering in").await;

    server.signal("TERM");
    assert_eq!(
        next_status().await,
        ServingStatus::NotServing,
        "the first step of a stop: health NOT_SERVING"
    );

    // The Watch is still open, so the server has not drained: an instance gone from the
    // catalog now was deregistered before the drain.
    let gone = tokio::spawn({
        let (url, name) = (agent.url().to_string(), name.clone());
        async move { until_gone(&url, &name, PATIENCE).await }
    });
    // deadline: until_gone gives up after PATIENCE, and the task ends with it.
    if gone.await.is_err() {
        panic!(
            "the instance should leave the catalog while calls are still in flight \
             (deregister before draining, not after); the server's log:\n{}",
            server.log()
        );
    }

    let (greeting, _) = within_for(
        Duration::from_secs(2) + PATIENCE,
        "the reply to the call in flight",
        call,
    )
    .await
    .expect("the call task")
    .expect("the call in flight should still get its reply");
    assert_eq!(greeting, "Hello Ferris!");

    drop(watch); // the last call in flight ends: the drain can finish
    server.exits_cleanly_within(PATIENCE).await;
}

#[tokio::test]
async fn a_call_longer_than_the_grace_period_is_cut_off_and_the_exit_is_0() {
    let agent = testkit::consul().await;
    let name = support::unique_name("grace");
    let args = [
        "--exercise",
        "leave",
        "--hello-delay",
        "60s",
        "--grace",
        "1s",
    ];
    let mut server = start_server(&agent, &name, &args).await;
    until_passing(agent.url(), &name).await;

    let addr = server.addr().to_string();
    let call = tokio::spawn(async move {
        l08_deregister::client::say_hello(&addr, "Ferris", Duration::from_secs(120)).await
    });
    server.logged("answering in").await;

    let stopped = Instant::now();
    server.signal("TERM");
    // The grace (1 s), then the test's patience: a call of a minute is cut off long before.
    server
        .exits_cleanly_within(Duration::from_secs(1) + PATIENCE)
        .await;
    assert!(
        stopped.elapsed() >= Duration::from_millis(900),
        "the call in flight should get its grace period, 1 s, before it is cut off"
    );
    let outcome = within("the end of the cut-off call", call)
        .await
        .expect("the call task");
    assert!(
        outcome.is_err(),
        "a call cut off cannot have a reply: {outcome:?}"
    );
    assert!(
        support::is_gone(agent.url(), &name).await,
        "still in the catalog"
    );
}

#[tokio::test]
async fn an_agent_that_never_answers_the_deregistration_does_not_stretch_the_stop() {
    const GRACE: Duration = Duration::from_millis(500);
    let agent = testkit::consul().await;
    let silent = SilentOnLeave::start(agent.url()).await;
    let name = support::unique_name("silent");
    let mut server = start_server_at(
        &silent.url,
        &name,
        &["--exercise", "leave", "--grace", "500ms"],
    )
    .await;
    until_passing(agent.url(), &name).await;

    let stopped = Instant::now();
    server.signal("TERM");
    let mut held = silent.held.clone();
    within(
        "the deregistration to reach the agent",
        held.wait_for(|held| *held),
    )
    .await
    .expect("the proxy runs as long as the test");
    server.exits_cleanly_within(PATIENCE).await;
    let took = stopped.elapsed();
    // A quiet run stops in the grace itself; a stop that waits for the agent on its own
    // clock takes the agent's timeout (5 s) first.
    assert!(
        took < GRACE * 5,
        "the stop took {took:?} with a grace of {GRACE:?}: the grace counts from the signal, \
         and an agent that does not answer may not add its own wait to it; the server's log:\n{}",
        server.log()
    );
}

/// A TCP proxy in front of the agent that passes everything on, except a deregistration:
/// from the moment one comes, its connection is held open and never answered.
struct SilentOnLeave {
    url: String,
    /// Turns true once a deregistration is held.
    held: watch::Receiver<bool>,
}

impl SilentOnLeave {
    async fn start(agent: &str) -> SilentOnLeave {
        let target = agent.trim_start_matches("http://").to_string();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (hold, held) = watch::channel(false);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let target = target.clone();
                let hold = hold.clone();
                tokio::spawn(async move {
                    let Ok(agent) = TcpStream::connect(&target).await else {
                        return;
                    };
                    let (mut from_client, mut to_agent) = (client, agent);
                    let (mut client_read, mut client_write) = from_client.split();
                    let (mut agent_read, mut agent_write) = to_agent.split();
                    let upstream = async {
                        let mut buffer = [0u8; 8192];
                        loop {
                            let n = match client_read.read(&mut buffer).await {
                                Ok(0) | Err(_) => break,
                                Ok(n) => n,
                            };
                            let text = String::from_utf8_lossy(&buffer[..n]);
                            if text.contains("/v1/agent/service/deregister/") {
                                hold.send_replace(true);
                                // Nothing more goes to the agent, and no answer comes back:
                                // read until the server closes the connection, as it exits.
                                while let Ok(1..) = client_read.read(&mut buffer).await {}
                                break;
                            }
                            if agent_write.write_all(&buffer[..n]).await.is_err() {
                                break;
                            }
                        }
                        let _ = agent_write.shutdown().await;
                    };
                    let downstream = tokio::io::copy(&mut agent_read, &mut client_write);
                    let _ = tokio::join!(upstream, downstream);
                });
            }
        });
        SilentOnLeave { url, held }
    }
}
