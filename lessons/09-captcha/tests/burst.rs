//! A burst of NewCaptcha calls against the server as a process, with a real Redis that
//! answers all along: `cargo test -p l09-captcha --test main burst::`.
//!
//! Drawn on the async workers, such a burst starved the Redis deadlines and the health
//! probe: hundreds of calls failed with "Redis … cannot be reached" while Redis answered,
//! the health flipped to NOT_SERVING, and Redis kept codes for calls that had failed. Now:
//! what cannot be drawn soon is `RESOURCE_EXHAUSTED` at once, nothing else fails, the health
//! stays SERVING, and a failed call leaves no code behind.
//!
//! Two connections × 64 calls in flight by default; `L09_BURST_CALLS=N` sends N per
//! connection, `L09_BURST_ROUNDS=R` repeats the burst R times (a longer run, on demand).

use crate::program;
use crate::support;

use std::time::{Duration, Instant};

use l09_captcha::server::CAPTCHA;
use program::start_server;
use proto::captcha::NewCaptchaRequest;
use proto::captcha::captcha_client::CaptchaClient;
use redis::AsyncCommands as _;
use testkit::{PATIENCE, within};
use tokio_stream::StreamExt as _;
use tonic::Code;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

fn from_env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// One call's outcome: its uuid, how long it took, and its status code.
type Outcome = (String, Duration, Code);

async fn burst(addr: &str, calls_per_connection: usize) -> Vec<Outcome> {
    let mut calls = tokio::task::JoinSet::new();
    for _connection in 0..2 {
        let channel = l09_captcha::client::connect(addr)
            .await
            .expect("the server");
        for _ in 0..calls_per_connection {
            let mut client = CaptchaClient::new(channel.clone());
            calls.spawn(async move {
                let uuid = uuid::Uuid::new_v4().to_string();
                let started = Instant::now();
                let request = NewCaptchaRequest { uuid: uuid.clone() };
                let code = match client.new_captcha(request).await {
                    Ok(_) => Code::Ok,
                    Err(status) => {
                        assert!(
                            !status.message().contains("cannot be reached"),
                            "a false Redis outage: {status:?}"
                        );
                        status.code()
                    }
                };
                (uuid, started.elapsed(), code)
            });
        }
    }
    within("the burst", calls.join_all()).await
}

#[tokio::test]
async fn a_burst_is_drawn_or_refused_at_once_and_redis_stays_serving() {
    let agent = testkit::consul().await;
    let redis_server = testkit::redis().await;
    let name = support::unique_name("burst");
    let mut server = start_server(&agent, redis_server.url(), &name).await;
    let addr = server.addr().to_string();

    // Every status the health service reports while the burst runs.
    let channel = l09_captcha::client::connect(&addr).await.unwrap();
    support::until_status(
        &mut HealthClient::new(channel.clone()),
        CAPTCHA,
        ServingStatus::Serving,
    )
    .await;
    let request = HealthCheckRequest {
        service: CAPTCHA.into(),
    };
    let mut statuses = HealthClient::new(channel)
        .watch(request)
        .await
        .expect("a health watch")
        .into_inner();

    let calls = from_env("L09_BURST_CALLS", 64);
    let rounds = from_env("L09_BURST_ROUNDS", 1);
    let started = Instant::now();
    let mut outcomes = Vec::new();
    for _ in 0..rounds {
        outcomes.extend(burst(&addr, calls).await);
    }
    let elapsed = started.elapsed();

    let mut drawn: Vec<Duration> = outcomes
        .iter()
        .filter(|(_, _, code)| *code == Code::Ok)
        .map(|(_, took, _)| *took)
        .collect();
    drawn.sort();
    let refused: Vec<&Outcome> = outcomes
        .iter()
        .filter(|(_, _, code)| *code != Code::Ok)
        .collect();
    let p99 = drawn[(drawn.len() * 99 / 100).min(drawn.len() - 1)];
    let slowest_refusal = refused.iter().map(|(_, took, _)| *took).max();
    println!(
        "{} calls in {elapsed:.2?}: {} drawn ({:.0} images/s, p99 {p99:.1?}), {} refused \
         (slowest refusal {slowest_refusal:.1?})",
        outcomes.len(),
        drawn.len(),
        drawn.len() as f64 / elapsed.as_secs_f64(),
        refused.len(),
    );

    assert!(!drawn.is_empty(), "no call was drawn");
    for (_, took, code) in &refused {
        assert_eq!(*code, Code::ResourceExhausted, "a refusal says why");
        assert!(
            *took < l09_captcha::client::DEADLINE / 2,
            "an overloaded instance answers at once, not after {took:?}"
        );
    }

    // A code for every call drawn, none for a call refused.
    let mut redis = support::redis_connection(redis_server.url());
    for (uuid, _, code) in &outcomes {
        let kept: Option<String> = redis.get(format!("captcha:{uuid}")).await.unwrap();
        assert_eq!(kept.is_some(), *code == Code::Ok, "{uuid}: {code:?}");
    }

    // The health never left SERVING: Redis answered all along.
    server.signal("TERM");
    let mut seen = Vec::new();
    // What the watch has said by now, however often it says it.
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline
        && let Ok(Some(Ok(answer))) =
            tokio::time::timeout(Duration::from_millis(50), statuses.next()).await
    {
        seen.push(answer.status());
    }
    drop(statuses); // heard; a Watch never ends by itself, so it would hold the drain
    server.exits_cleanly_within(PATIENCE).await;
    let log = server.log();
    assert!(
        !log.contains("Redis at") || !log.contains(": NOT_SERVING"),
        "the health flipped while Redis answered:\n{log}"
    );
    println!("health during the burst: {seen:?}");
}
