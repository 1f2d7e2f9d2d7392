//! Blocking queries: woken by the change they wait for, not by others, and answered
//! with the same index when the wait runs out.

use std::time::Duration;

use crate::common::{DEADLINE, agent};
use serde_json::json;
use tokio::time::{Instant, timeout};

#[tokio::test]
async fn a_health_query_wakes_when_its_service_changes() {
    let (_agent, api) = agent().await;
    api.register(json!({"Name": "b", "Check": {"TTL": "60s"}}))
        .await;
    let first = api.get("/v1/health/service/b").await.expect(200);
    let index = first.index();

    let waiting = {
        let api = api.clone();
        tokio::spawn(async move {
            api.get(&format!("/v1/health/service/b?index={index}&wait=30s"))
                .await
        })
    };
    // An unrelated write does not answer it...
    api.register(json!({"Name": "unrelated"})).await;
    api.put("/v1/kv/unrelated", "x").await.expect(200);
    // ...but a status change of its check does.
    api.put("/v1/agent/check/pass/service:b", "")
        .await
        .expect(200);
    let woken = timeout(DEADLINE, waiting)
        .await
        .expect("the query wakes")
        .unwrap()
        .expect(200);
    assert!(woken.index() > index);
    assert_eq!(woken.json()[0]["Checks"][1]["Status"], "passing");
}

#[tokio::test]
async fn a_blocking_query_times_out_with_the_same_index() {
    let (_agent, api) = agent().await;
    api.register(json!({"Name": "quiet"})).await;
    let index = api
        .get("/v1/catalog/service/quiet")
        .await
        .expect(200)
        .index();
    let started = Instant::now();
    let reply = api
        .get(&format!(
            "/v1/catalog/service/quiet?index={index}&wait=300ms"
        ))
        .await
        .expect(200);
    assert!(started.elapsed() >= Duration::from_millis(300), "it waited");
    assert_eq!(reply.index(), index);
    assert_eq!(reply.json()[0]["ServiceName"], "quiet");
}

#[tokio::test]
async fn unrelated_changes_do_not_end_the_wait_early() {
    let (_agent, api) = agent().await;
    api.register(json!({"Name": "still"})).await;
    let index = api
        .get("/v1/health/service/still")
        .await
        .expect(200)
        .index();
    let waiting = {
        let api = api.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let reply = api
                .get(&format!("/v1/health/service/still?index={index}&wait=1s"))
                .await;
            (started.elapsed(), reply)
        })
    };
    for i in 0..10 {
        api.put(&format!("/v1/kv/noise/{i}"), "x").await.expect(200);
        api.register(json!({"Name": "noise", "ID": format!("noise-{i}")}))
            .await;
    }
    let (elapsed, reply) = waiting.await.unwrap();
    assert!(
        elapsed >= Duration::from_secs(1),
        "answered after {elapsed:?}"
    );
    assert_eq!(reply.expect(200).index(), index);
}

#[tokio::test]
async fn a_ttl_expiry_wakes_a_health_query() {
    let (_agent, api) = agent().await;
    api.register(json!({"Name": "exp", "Check": {"TTL": "1s", "Status": "passing"}}))
        .await;
    let index = api
        .get("/v1/health/service/exp?passing")
        .await
        .expect(200)
        .index();
    let reply = timeout(
        DEADLINE,
        api.get(&format!(
            "/v1/health/service/exp?passing&index={index}&wait=30s"
        )),
    )
    .await
    .expect("the expiry wakes the query")
    .expect(200);
    assert!(reply.index() > index);
    assert_eq!(reply.json(), json!([]));
}

#[tokio::test]
async fn kv_and_catalog_queries_block_too() {
    let (_agent, api) = agent().await;
    let missing = api.get("/v1/kv/watched").await.expect(404);
    let index = missing.index();
    let waiting = {
        let api = api.clone();
        tokio::spawn(async move {
            api.get(&format!("/v1/kv/watched?index={index}&wait=30s"))
                .await
        })
    };
    api.put("/v1/kv/other", "x").await.expect(200);
    api.put("/v1/kv/watched", "now").await.expect(200);
    let reply = timeout(DEADLINE, waiting)
        .await
        .unwrap()
        .unwrap()
        .expect(200);
    assert_eq!(reply.json()[0]["Value"], "bm93");

    let index = api.get("/v1/catalog/services").await.expect(200).index();
    let waiting = {
        let api = api.clone();
        tokio::spawn(async move {
            api.get(&format!("/v1/catalog/services?index={index}&wait=30s"))
                .await
        })
    };
    api.register(json!({"Name": "new"})).await;
    let reply = timeout(DEADLINE, waiting)
        .await
        .unwrap()
        .unwrap()
        .expect(200);
    assert!(reply.json().get("new").is_some());
}

#[tokio::test]
async fn index_zero_and_a_stale_index_answer_at_once() {
    let (_agent, api) = agent().await;
    let reply = timeout(DEADLINE, api.get("/v1/catalog/services?index=0&wait=5m"))
        .await
        .unwrap()
        .expect(200);
    let index = reply.index();
    timeout(
        DEADLINE,
        api.get(&format!(
            "/v1/catalog/services?index={}&wait=5m",
            index + 1000
        )),
    )
    .await
    .expect("an index the agent has not reached answers at once")
    .expect(200);
}

#[tokio::test]
async fn shutdown_answers_blocked_queries() {
    let (agent, api) = agent().await;
    let index = api.get("/v1/catalog/services").await.expect(200).index();
    let waiting = {
        let api = api.clone();
        tokio::spawn(async move {
            api.get(&format!("/v1/catalog/services?index={index}&wait=5m"))
                .await
        })
    };
    // Wait until the query is parked: a second one with a short wait proves the server is up.
    api.get(&format!("/v1/catalog/services?index={index}&wait=50ms"))
        .await
        .expect(200);
    timeout(DEADLINE, agent.shutdown())
        .await
        .expect("shutdown does not wait for blocked queries");
    timeout(DEADLINE, waiting)
        .await
        .expect("the blocked query is answered")
        .unwrap()
        .expect(200);
}
