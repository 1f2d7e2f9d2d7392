//! Waiting for passing instances with blocking queries, against a real agent:
//! `cargo test -p l07-discover --test wait_for`.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use l07_discover::exercises::wait_for::{WaitError, wait_for_passing};
use support::{Greeter, passing, register, unique_service};
use testkit::{deadline, within};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[tokio::test]
async fn returns_once_enough_instances_pass() {
    let agent = testkit::consul().await;
    let service = unique_service("wait");
    // The wait's limit is the test's own deadline (its nextest group's, held to
    // .config/nextest.toml): the steps below, each within its own, may take a loaded
    // machine long, and the wait must outlast them all, never give up on its own first.
    let waiting = tokio::spawn({
        let (agent, service) = (agent.url().to_string(), service.clone());
        async move { wait_for_passing(&agent, &service, 2, deadline::TEST).await }
    });

    // The instances come after the wait has begun, one by one.
    let a = Greeter::start("a").await;
    register(agent.url(), &service, a.addr).await;
    passing(agent.url(), &service, 1).await;
    assert!(
        !waiting.is_finished(),
        "one instance passes, two were asked for"
    );
    let b = Greeter::start("b").await;
    register(agent.url(), &service, b.addr).await;

    let found = within("wait_for_passing", waiting)
        .await
        .expect("the waiting task")
        .expect("two instances pass");
    let mut ports: Vec<u16> = found.iter().map(|entry| entry.service.port).collect();
    ports.sort();
    let mut expected = vec![a.addr.port(), b.addr.port()];
    expected.sort();
    assert_eq!(ports, expected);
}

#[tokio::test]
async fn returns_at_once_when_enough_already_pass() {
    let agent = testkit::consul().await;
    let service = unique_service("wait");
    let a = Greeter::start("a").await;
    register(agent.url(), &service, a.addr).await;
    passing(agent.url(), &service, 1).await;

    // A long limit, so that "at once" means long before it: a first question that waited
    // would take all of it (and `within` gives up first).
    let limit = Duration::from_secs(60);
    let started = Instant::now();
    let found = within(
        "wait_for_passing",
        wait_for_passing(agent.url(), &service, 1, limit),
    )
    .await
    .expect("one instance passes");
    let took = started.elapsed();
    assert_eq!(found.len(), 1);
    assert!(
        took < limit / 10,
        "took {took:?}: the first question must not wait (a quiet machine answers in 50 ms)"
    );
}

#[tokio::test]
async fn gives_up_when_the_time_is_up() {
    let agent = testkit::consul().await;
    let service = unique_service("wait");
    let a = Greeter::start("a").await;
    register(agent.url(), &service, a.addr).await;
    passing(agent.url(), &service, 1).await;

    let limit = Duration::from_millis(1500);
    let started = Instant::now();
    let answer = within(
        "wait_for_passing",
        wait_for_passing(agent.url(), &service, 2, limit),
    )
    .await;
    let took = started.elapsed();
    match answer {
        Err(WaitError::TimedOut {
            passing, wanted, ..
        }) => {
            assert_eq!((passing, wanted), (1, 2), "what the error says")
        }
        other => panic!("expected TimedOut with one of two passing, got {other:?}"),
    }
    assert!(
        took >= limit,
        "gave up after {took:?}, before the limit of {limit:?}"
    );
    // Given up by the limit, not by something longer: a question left to the agent's own
    // wait (five minutes by default) or a poll that oversleeps would take far more than
    // twice the limit, while a busy machine's late timers take far less.
    assert!(
        took < limit * 2,
        "gave up after {took:?}, long after the limit of {limit:?}"
    );
}

#[tokio::test]
async fn waits_with_blocking_queries_not_polling() {
    let agent = testkit::consul().await;
    let proxy = CountingProxy::start(agent.url()).await;
    let service = unique_service("wait");

    // Nothing registers: the whole wait is one (or, around the jitter, two) requests. A
    // loop that asks again every few milliseconds makes hundreds.
    let answer = within(
        "wait_for_passing",
        wait_for_passing(&proxy.url, &service, 1, Duration::from_millis(1500)),
    )
    .await;
    assert!(
        matches!(answer, Err(WaitError::TimedOut { passing: 0, .. })),
        "expected TimedOut, got {answer:?}"
    );
    let requests = proxy.requests();
    assert!(
        (1..=3).contains(&requests),
        "{requests} requests reached the agent in 1.5 s: ask with ?index=&wait=, so the \
         agent holds the question until something changes"
    );
}

#[tokio::test]
async fn an_agent_that_is_down_is_an_error_not_a_hang() {
    let nothing = support::dead_address().await;
    // A limit no test outlives (the test's nextest deadline): what ends the wait is the
    // agent's absence, and `within` gives up long before the limit could.
    let answer = within(
        "wait_for_passing against a closed port",
        wait_for_passing(&format!("http://{nothing}"), "greeter", 1, deadline::TEST),
    )
    .await;
    match answer {
        Err(error @ WaitError::Agent(_)) => {
            assert!(error.to_string().contains("no Consul agent"), "{error}")
        }
        other => panic!("expected WaitError::Agent, got {other:?}"),
    }
}

/// A TCP proxy in front of the agent that counts the HTTP requests going through it.
struct CountingProxy {
    url: String,
    requests: Arc<AtomicUsize>,
}

impl CountingProxy {
    async fn start(agent: &str) -> CountingProxy {
        let target = agent.trim_start_matches("http://").to_string();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&requests);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let target = target.clone();
                let counted = Arc::clone(&counted);
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
                            // Each request starts with its method; ours are all GETs.
                            let text = String::from_utf8_lossy(&buffer[..n]);
                            counted.fetch_add(text.matches("GET /v1/").count(), Ordering::SeqCst);
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
        CountingProxy { url, requests }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}
