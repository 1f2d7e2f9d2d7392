//! The retry budget, seen from outside: with every node gone, the gateway's retries stay
//! within its budget, its answers say the budget is spent, and its log says so once, and
//! once that it is back.

use std::time::Instant;

use micro::client::budget::RetryBudget;
use testkit::{PATIENCE, ServerProcess, within};

use crate::program::api::{get, registry, start, user_server};
use crate::support::unique_service;

/// The gateway's answer to `GET path`: its status, and whether it says the retry budget is
/// spent (its `x-retry-budget` header).
async fn status_and_budget(
    client: &reqwest::Client,
    gateway: &ServerProcess,
    path: &str,
) -> (u16, bool) {
    let url = format!("http://{}{path}", gateway.addr());
    let answer = within("the gateway's answer", client.get(url).send())
        .await
        .expect("an HTTP answer");
    let spent = answer
        .headers()
        .get("x-retry-budget")
        .is_some_and(|spent| spent == "spent");
    (answer.status().as_u16(), spent)
}

/// The value of the counter `name` in a Prometheus exposition.
fn counter(exposition: &str, name: &str) -> f64 {
    exposition
        .lines()
        .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {exposition}"))
}

#[tokio::test]
async fn with_every_node_gone_retries_stay_within_the_budget_and_the_log_says_it_once() {
    let agent = testkit::consul().await;
    let registry = registry("consul", agent.url(), "1s");
    let service = unique_service("user");
    let mut users = Vec::new();
    for _ in 0..3 {
        users.push(user_server(&registry, &service).await);
    }
    let started = Instant::now();
    let options = ["api", "--per-try", "100ms", "--deadline", "2s"];
    let gateway = start(&registry, &options, &[]).await;
    let hello = format!("/{service}/say/hello?name=Ada");
    // The schema is learnt while the nodes are up. The first call learns it within the
    // call's 2 s, which a machine busy enough can take for itself: then the gateway answers
    // 503 (the schema was still being learnt, the call never sent) or 504 (the call was
    // sent, and its answer came too late), and a later call finds the schema learnt.
    let until = Instant::now() + PATIENCE;
    loop {
        let (status, body) = get(&gateway, &hello).await;
        if status == 200 {
            break;
        }
        assert!(
            Instant::now() < until && [503, 504].contains(&status),
            "the schema is learnt while the nodes are up: {status} {body}"
        );
    }

    // Every node paused: each try of Say.Hello (idempotent) times out, and each call wants
    // a retry on every other node. Four callers, fifteen calls each.
    for user in &users {
        user.signal("STOP");
    }
    let client = reqwest::Client::new();
    let caller = async || {
        let mut answers = Vec::new();
        for _ in 0..15 {
            answers.push(status_and_budget(&client, &gateway, &hello).await);
        }
        answers
    };
    let answers: Vec<(u16, bool)> = futures::future::join_all((0..4).map(|_| caller()))
        .await
        .into_iter()
        .flatten()
        .collect();
    let took = started.elapsed();
    assert!(
        answers
            .iter()
            .all(|(status, _)| [502, 503, 504].contains(status)),
        "{answers:?}"
    );
    assert!(
        answers.iter().any(|(_, spent)| *spent),
        "an answer says the budget is spent: {answers:?}"
    );
    let (_, exposition) = testkit::http_get(&gateway.addr().to_string(), "/metrics")
        .await
        .expect("the gateway's metrics");
    let retries = counter(&exposition, "micro_api_retries_total");
    let refused = counter(&exposition, "micro_api_retry_budget_exhausted_total");
    let most = RetryBudget::default().most_for(answers.len() as u64 + 1, took);
    assert!(retries <= most, "{retries} retries, at most {most}");
    assert!(refused >= 1.0, "{refused} retries refused");
    let spent = "the retry budget is spent";
    assert_eq!(gateway.log().matches(spent).count(), 1, "{}", gateway.log());

    // The nodes are back: calls are answered, earn the budget back, and the log says so once.
    for user in &users {
        user.signal("CONT");
    }
    let back = "the retry budget has retries again";
    let until = Instant::now() + PATIENCE;
    while !gateway.log().contains(back) {
        assert!(Instant::now() < until, "never back: {}", gateway.log());
        status_and_budget(&client, &gateway, &hello).await;
    }
    assert_eq!(gateway.log().matches(spent).count(), 1, "{}", gateway.log());
    assert_eq!(gateway.log().matches(back).count(), 1, "{}", gateway.log());
}
