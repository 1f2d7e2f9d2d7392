//! At most once, seen from outside: `l11-micro api` in front of `l11-micro captcha-server`
//! nodes that share one Redis, each run of `Captcha.NewCaptcha` counted by the `SET` it sends
//! through a tap between the nodes and Redis (`at_most_once/tap.rs`). A call nobody declared
//! idempotent runs once, whatever its node does after the work — hangs, dies, or its Redis
//! times out — and the gateway's answer says whether it may have run: 503 never ran (send it
//! again, anywhere), 502 or 504 may have. A method declared idempotent is answered by another
//! node when one is slower than a try may be (`at_most_once/slow.rs`); with every node gone,
//! retries stay within the budget, and the log says once that it is spent and once that it
//! is back (`at_most_once/budget.rs`).

use crate::program;
use crate::support;

mod budget;
mod slow;
mod tap;

use std::time::{Duration, Instant};

use micro::registry::Registry;
use micro::registry::consul::ConsulRegistry;
use program::api::{UserNode, get, registry, request, start};
use serde_json::{Value, json};
use slow::AheadOfItsCaller;
use support::{node, unique_service};
use tap::{Taps, Then, When};
use testkit::{ConsulAgent, RedisServer, ServerProcess, within};

/// Captcha nodes on one Redis, each through its tap, registered on a Consul agent.
struct Lab {
    agent: ConsulAgent,
    _redis: RedisServer,
    registry: Vec<String>,
    service: String,
    taps: Taps,
    stopped: tokio::sync::mpsc::UnboundedReceiver<tap::Stopped>,
    nodes: Vec<ServerProcess>,
}

impl Lab {
    /// `count` captcha nodes, their taps armed to stop at the first `SET` (`when`) or not.
    async fn start(count: usize, when: Option<When>) -> Lab {
        let (agent, redis) = tokio::join!(testkit::consul(), testkit::redis());
        let registry = registry("consul", agent.url(), "1s");
        let service = unique_service("captcha");
        let (taps, stopped) = Taps::new(redis.url(), when);
        let mut nodes = Vec::new();
        for n in 0..count {
            let url = taps.tap(n).await;
            let command = ["captcha-server", "--name", &service];
            let node = start(&registry, &command, &[("REDIS_URL", &url)]).await;
            node.logged("registered").await;
            nodes.push(node);
        }
        Lab {
            agent,
            _redis: redis,
            registry,
            service,
            taps,
            stopped,
            nodes,
        }
    }

    /// `l11-micro api` with `options`, in front of the lab's registry.
    async fn gateway(&self, options: &[&str]) -> ServerProcess {
        let command: Vec<&str> = ["api"].iter().chain(options).copied().collect();
        start(&self.registry, &command, &[]).await
    }

    /// The first `SET`'s node, and the word that lets its tap go on.
    async fn first_set(&mut self) -> tap::Stopped {
        within("the first SET at a tap", self.stopped.recv())
            .await
            .expect("the taps are armed")
    }
}

/// `POST /SERVICE/captcha/new-captcha` for a new uuid: the gateway's status and body.
async fn new_captcha(gateway: &ServerProcess, service: &str) -> (u16, Value) {
    let path = format!("/{service}/captcha/new-captcha");
    let body = json!({"uuid": uuid::Uuid::new_v4().to_string()});
    request(gateway, &path, Some(body.to_string().into_bytes())).await
}

/// One call while the lab's first `SET` is acted on: the node is sent `signal` the moment
/// Redis has applied its `SET` (none: no signal), and the tap then does `then`.
async fn with_the_node_after_its_write(
    lab: &mut Lab,
    gateway: &ServerProcess,
    signal: Option<&str>,
    then: Then,
) -> (u16, Value) {
    let Lab {
        service,
        stopped,
        nodes,
        ..
    } = lab;
    let act = async {
        let stopped = within("the first SET at a tap", stopped.recv())
            .await
            .expect("the taps are armed");
        if let Some(signal) = signal {
            nodes[stopped.node].signal(signal);
        }
        let _ = stopped.go_on.send(then);
    };
    let (answer, ()) = tokio::join!(new_captcha(gateway, service), act);
    answer
}

#[tokio::test]
async fn a_node_that_hangs_after_its_write_runs_the_call_once_and_502_says_it_may_have() {
    let mut lab = Lab::start(3, Some(When::AfterTheWrite)).await;
    let gateway = lab.gateway(&[]).await;
    // SIGSTOP: its connection takes the request and then says nothing, pings included.
    let (status, body) =
        with_the_node_after_its_write(&mut lab, &gateway, Some("STOP"), Then::PassOn).await;
    assert_eq!(lab.taps.sets(), 1, "the call ran once: {status} {body}");
    assert_eq!(status, 502, "it may have run: {body}");
    assert_eq!(body["may_have_run"], true, "{body}");
}

#[tokio::test]
async fn a_node_whose_redis_times_out_after_the_write_runs_the_call_once() {
    let mut lab = Lab::start(3, Some(When::AfterTheWrite)).await;
    let gateway = lab.gateway(&[]).await;
    // Redis applied the SET; its answer never reaches the node, whose command times out.
    let (status, body) =
        with_the_node_after_its_write(&mut lab, &gateway, None, Then::Swallow).await;
    assert_eq!(lab.taps.sets(), 1, "the call ran once: {status} {body}");
    assert_eq!(
        (status, body["status"].as_str()),
        (504, Some("DeadlineExceeded")),
        "the node says its Redis may have done it, never Unavailable: {body}"
    );
    assert_eq!(body["may_have_run"], true, "{body}");
}

#[tokio::test]
async fn a_node_killed_after_its_write_is_502_not_the_503_of_a_call_that_never_ran() {
    let mut lab = Lab::start(3, Some(When::AfterTheWrite)).await;
    let gateway = lab.gateway(&[]).await;
    let (status, body) =
        with_the_node_after_its_write(&mut lab, &gateway, Some("KILL"), Then::PassOn).await;
    assert_eq!(lab.taps.sets(), 1, "the call ran once: {status} {body}");
    assert_eq!(
        status, 502,
        "a connection reset after the request left: {body}"
    );
    assert_eq!(body["may_have_run"], true, "{body}");
}

#[tokio::test]
async fn a_node_that_refuses_connections_is_passed_over_and_each_call_runs_once() {
    let lab = Lab::start(1, None).await;
    // A port bound and never listened on: the kernel refuses every connection to it.
    let refusing = testkit::ReservedPort::new();
    let consul = ConsulRegistry::new(lab.agent.url(), Duration::from_secs(1)).unwrap();
    let listed = node("refusing", &refusing.addr().to_string());
    consul.register(&lab.service, &listed).await.unwrap();
    let gateway = lab.gateway(&[]).await;
    for n in 0..6 {
        let (status, body) = new_captcha(&gateway, &lab.service).await;
        assert_eq!(
            status, 200,
            "call {n}: a refused connection never ran: {body}"
        );
    }
    assert_eq!(lab.taps.sets(), 6, "each call ran once");
}

#[tokio::test]
async fn hedging_never_sends_a_call_nobody_declared_idempotent_twice() {
    let mut lab = Lab::start(2, Some(When::BeforeTheWrite)).await;
    let hedge_after = Duration::from_millis(20);
    let gateway = lab.gateway(&["--hedge", "20ms"]).await;
    let taps = lab.taps.clone();
    let service = lab.service.clone();
    let act = async {
        // The first node is slow: its SET is held. A hedge would reach the other node 20 ms
        // after the call started; twenty times that later, no second SET has come.
        let stopped = lab.first_set().await;
        let second = tokio::time::timeout(hedge_after * 20, taps.arrived(2)).await;
        let _ = stopped.go_on.send(Then::PassOn);
        second.is_ok()
    };
    let ((status, body), hedged) = tokio::join!(new_captcha(&gateway, &service), act);
    assert!(!hedged, "a second SET came while the first was held");
    assert_eq!(status, 200, "{body}");
    assert_eq!(taps.sets(), 1, "the call ran once");
}

#[tokio::test]
async fn an_idempotent_call_to_a_node_slower_than_a_try_is_answered_by_another_in_time() {
    let agent = testkit::consul().await;
    let service = unique_service("user");
    let (ahead, slow) = AheadOfItsCaller::start("a-ahead").await;
    let answers = UserNode::start("b-answers").await;
    let consul = ConsulRegistry::new(agent.url(), Duration::from_secs(1)).unwrap();
    for node in [&slow, &answers.node] {
        consul.register(&service, node).await.unwrap();
    }
    let per_try = Duration::from_secs(1);
    let options = ["api", "--per-try", "1s", "--deadline", "30s"];
    let options = [&options[..], &["--idempotent", "Say.Hello"]].concat();
    let gateway = start(&registry("consul", agent.url(), "1s"), &options, &[]).await;
    for n in 0..4 {
        let started = Instant::now();
        let (status, body) = get(&gateway, &format!("/{service}/say/hello?name=Ada")).await;
        let took = started.elapsed();
        assert_eq!(status, 200, "call {n}: {body}");
        assert_eq!(body["msg"], "Hello Ada from b-answers", "call {n}");
        // In time: a try past its per-try time is given up and another node answers, where
        // waiting for the slow node would take most of the deadline (27 of 30 s). A call takes
        // about one per-try on a quiet machine; beside stress-ng, 3.2 s and once 6.9 s.
        // Fifteen per-tries tells one from the other on any machine that runs the suite.
        assert!(took <= per_try * 15, "call {n} took {took:?}");
    }
    assert!(ahead.calls() >= 1, "a call reached the slow node");
}
