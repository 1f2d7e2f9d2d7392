//! Health checks that really run: TCP, HTTP and gRPC probes against small servers the
//! tests start and stop, TTL checks and their expiry, and reaping.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};

use crate::common::{agent, eventually};
use axum::http::StatusCode;
use serde_json::json;
use tokio::net::TcpListener;
use tonic_health::ServingStatus;

#[tokio::test]
async fn a_tcp_check_passes_while_something_listens() {
    let (_agent, api) = agent().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    api.register(json!({"Name": "tcp", "Check": {"TCP": address.to_string(), "Interval": "1s"}}))
        .await;

    let (status, _) = api.check_status("service:tcp").await.unwrap();
    assert!(
        status == "critical" || status == "passing",
        "a new check starts critical, then probes"
    );
    let output = api.wait_for_status("service:tcp", "passing").await;
    assert_eq!(output, format!("TCP connect {address}: Success"));

    drop(listener);
    let output = api.wait_for_status("service:tcp", "critical").await;
    assert_eq!(
        output,
        format!("dial tcp {address}: connect: connection refused")
    );
}

/// An HTTP server whose answer the test sets; dropping the handle stops it.
async fn http_server(status: Arc<AtomicU16>) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/health",
        axum::routing::get(move || {
            let status = status.load(Ordering::SeqCst);
            async move { (StatusCode::from_u16(status).unwrap(), "hello") }
        }),
    );
    let task = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (address, task)
}

#[tokio::test]
async fn an_http_check_follows_the_status_code() {
    let (_agent, api) = agent().await;
    let status = Arc::new(AtomicU16::new(200));
    let (address, server) = http_server(Arc::clone(&status)).await;
    let url = format!("http://{address}/health");
    api.register(json!({"Name": "web", "Check": {"HTTP": url, "Interval": "1s"}}))
        .await;

    let output = api.wait_for_status("service:web", "passing").await;
    assert_eq!(output, format!("HTTP GET {url}: 200 OK Output: hello"));

    status.store(429, Ordering::SeqCst);
    let output = api.wait_for_status("service:web", "warning").await;
    assert_eq!(
        output,
        format!("HTTP GET {url}: 429 Too Many Requests Output: hello")
    );

    status.store(500, Ordering::SeqCst);
    api.wait_for_status("service:web", "critical").await;

    status.store(200, Ordering::SeqCst);
    api.wait_for_status("service:web", "passing").await;
    server.abort();
    let output = api.wait_for_status("service:web", "critical").await;
    assert!(output.starts_with(&format!("Get \"{url}\": ")), "{output}");
}

#[tokio::test]
async fn a_grpc_check_asks_the_health_service() {
    let (_agent, api) = agent().await;
    let (reporter, health) = tonic_health::server::health_reporter();
    reporter
        .set_service_status("greeter", ServingStatus::Serving)
        .await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(health)
            .serve_with_incoming(tonic::transport::server::TcpIncoming::from(listener)),
    );
    api.register(json!({"Name": "grpc", "Check": {"GRPC": address.to_string(), "Interval": "1s"}}))
        .await;
    api.register(json!({"Name": "greeter", "Check": {"GRPC": format!("{address}/greeter"), "Interval": "1s"}}))
        .await;

    let output = api.wait_for_status("service:grpc", "passing").await;
    assert_eq!(output, format!("gRPC check {address}: success"));
    api.wait_for_status("service:greeter", "passing").await;

    reporter
        .set_service_status("greeter", ServingStatus::NotServing)
        .await;
    let output = api.wait_for_status("service:greeter", "critical").await;
    assert!(output.contains("NOT_SERVING"), "{output}");

    server.abort();
    let _ = server.await;
    api.wait_for_status("service:grpc", "critical").await;
}

#[tokio::test]
async fn a_ttl_check_expires_without_updates() {
    let (_agent, api) = agent().await;
    api.register(json!({"Name": "ttl", "Check": {"TTL": "1s"}}))
        .await;
    assert_eq!(api.check_status("service:ttl").await.unwrap().0, "critical");

    api.put("/v1/agent/check/pass/service:ttl?note=all%20good", "")
        .await
        .expect(200);
    assert_eq!(
        api.check_status("service:ttl").await.unwrap(),
        ("passing".into(), "all good".into())
    );

    let output = api.wait_for_status("service:ttl", "critical").await;
    assert_eq!(
        output,
        "TTL expired (last output before timeout follows): all good"
    );

    // consulrs sends its note as a JSON body; it is ignored.
    api.put("/v1/agent/check/warn/service:ttl", r#"{"note": "ignored"}"#)
        .await
        .expect(200);
    assert_eq!(
        api.check_status("service:ttl").await.unwrap(),
        ("warning".into(), String::new())
    );
    api.put("/v1/agent/check/fail/service:ttl", "")
        .await
        .expect(200);
    assert_eq!(api.check_status("service:ttl").await.unwrap().0, "critical");
}

#[tokio::test]
async fn update_sets_status_and_output() {
    let (_agent, api) = agent().await;
    api.register(json!({"Name": "u", "Check": {"TTL": "60s", "OutputMaxSize": 10}}))
        .await;
    api.put_json(
        "/v1/agent/check/update/service:u",
        json!({"Status": "warning", "Output": "disk 91%"}),
    )
    .await
    .expect(200);
    assert_eq!(
        api.check_status("service:u").await.unwrap(),
        ("warning".into(), "disk 91%".into())
    );
    api.put_json(
        "/v1/agent/check/update/service:u",
        json!({"status": "passing", "output": "0123456789abcdef"}),
    )
    .await
    .expect(200);
    let (_, output) = api.check_status("service:u").await.unwrap();
    assert_eq!(output, "0123456789 ... (captured 10 of 16 bytes)");

    let reply = api
        .put_json(
            "/v1/agent/check/update/service:u",
            json!({"Status": "fine"}),
        )
        .await
        .expect(400);
    assert_eq!(reply.text(), "Invalid check status: 'fine'");
    api.put_json("/v1/agent/check/update/nope", json!({"Status": "passing"}))
        .await
        .expect(404);
}

#[tokio::test]
async fn only_ttl_checks_take_ttl_updates() {
    let (_agent, api) = agent().await;
    api.register(json!({"Name": "t", "Check": {"TCP": "127.0.0.1:9", "Interval": "10s"}}))
        .await;
    let reply = api
        .put("/v1/agent/check/pass/service:t", "")
        .await
        .expect(500);
    assert_eq!(
        reply.text(),
        "CheckID \"service:t\" does not have associated TTL"
    );
    api.put("/v1/agent/check/pass/nope", "").await.expect(404);
    api.get("/v1/agent/check/pass/service:t").await.expect(405);
}

#[tokio::test]
async fn re_registering_keeps_the_status_and_several_checks_are_numbered() {
    let (_agent, api) = agent().await;
    let body = json!({"Name": "r", "Checks": [{"TTL": "60s"}, {"TTL": "60s", "Name": "second"}]});
    api.register(body.clone()).await;
    let checks = api.get("/v1/agent/checks").await.expect(200).json();
    assert_eq!(checks["service:r:1"]["Name"], "Service 'r' check");
    assert_eq!(checks["service:r:2"]["Name"], "second");

    api.put("/v1/agent/check/pass/service:r:1", "")
        .await
        .expect(200);
    api.register(body).await;
    assert_eq!(api.check_status("service:r:1").await.unwrap().0, "passing");

    // Without replace-existing-checks, checks missing from the new registration stay.
    api.register(json!({"Name": "r", "Checks": [{"TTL": "60s"}, {"TTL": "60s"}], "Check": {}}))
        .await;
    api.register(json!({"Name": "r", "Check": {"TTL": "60s", "CheckID": "only"}}))
        .await;
    let checks = api.get("/v1/agent/checks").await.expect(200).json();
    assert!(checks.get("service:r:2").is_some());
    api.put_json(
        "/v1/agent/service/register?replace-existing-checks",
        json!({"Name": "r", "Check": {"TTL": "60s", "CheckID": "only"}}),
    )
    .await
    .expect(200);
    let checks = api.get("/v1/agent/checks").await.expect(200).json();
    assert_eq!(
        checks.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["only"]
    );
}

#[tokio::test]
async fn checks_register_and_deregister_on_their_own() {
    let (_agent, api) = agent().await;
    api.register(json!({"Name": "s", "ID": "s-1"})).await;
    api.put_json(
        "/v1/agent/check/register",
        json!({"Name": "mem", "ServiceId": "s-1", "TTL": "60s", "Status": "passing"}),
    )
    .await
    .expect(200);
    let checks = api.get("/v1/agent/checks").await.expect(200).json();
    assert_eq!(checks["mem"]["ServiceID"], "s-1");
    assert_eq!(checks["mem"]["ServiceName"], "s");
    assert_eq!(checks["mem"]["Status"], "passing");

    // A node-level check counts for every service on the node.
    api.put_json(
        "/v1/agent/check/register",
        json!({"Name": "disk", "ID": "node-disk", "TTL": "60s"}),
    )
    .await
    .expect(200);
    let health = api.get("/v1/health/service/s").await.expect(200).json();
    let ids: Vec<_> = health[0]["Checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["CheckID"].clone())
        .collect();
    assert_eq!(ids, [json!("node-disk"), json!("serfHealth"), json!("mem")]);
    assert_eq!(
        api.get("/v1/health/service/s?passing")
            .await
            .expect(200)
            .json(),
        json!([])
    );

    api.put("/v1/agent/check/deregister/node-disk", "")
        .await
        .expect(200);
    assert_eq!(
        api.get("/v1/health/service/s?passing")
            .await
            .expect(200)
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    api.put("/v1/agent/check/deregister/node-disk", "")
        .await
        .expect(404);
    api.put_json("/v1/agent/check/register", json!({"TTL": "60s"}))
        .await
        .expect(400);
    let reply = api
        .put_json(
            "/v1/agent/check/register",
            json!({"Name": "x", "ServiceID": "nope", "TTL": "1s"}),
        )
        .await;
    assert_eq!(reply.status, 404);
}

#[tokio::test]
async fn a_service_critical_for_too_long_is_reaped() {
    let (_agent, api) = agent().await;
    api.register(json!({"Name": "doomed", "Check": {"TTL": "60s", "DeregisterCriticalServiceAfter": "10ms"}})).await;
    api.register(json!({"Name": "kept", "Check": {"TTL": "60s", "Status": "passing", "DeregisterCriticalServiceAfter": "10ms"}}))
        .await;
    eventually("the critical service to be reaped", || async {
        let services = api.get("/v1/agent/services").await.expect(200).json();
        services.get("doomed").is_none().then_some(())
    })
    .await;
    let services = api.get("/v1/agent/services").await.expect(200).json();
    assert!(services.get("kept").is_some());
    assert!(
        api.check_status("service:doomed").await.is_none(),
        "its checks go with it"
    );
    assert_eq!(
        api.get("/v1/health/service/doomed")
            .await
            .expect(200)
            .json(),
        json!([])
    );
}

/// A check's address is a string Consul only dials, never validates: a TCP, HTTP or gRPC
/// check on port 70000 or -1 is registered like any other and turns critical with Go's
/// dial error, without dialling some other port instead.
#[tokio::test]
async fn checks_on_impossible_ports_register_and_turn_critical() {
    let (_agent, api) = agent().await;
    let checks = [
        (
            "tcp-high",
            json!({"TCP": "127.0.0.1:70000"}),
            "dial tcp: address 70000: invalid port",
        ),
        (
            "tcp-negative",
            json!({"TCP": "127.0.0.1:-1"}),
            "dial tcp: address -1: invalid port",
        ),
        (
            "http-high",
            json!({"HTTP": "http://127.0.0.1:70000/health"}),
            "invalid port",
        ),
        (
            "grpc-high",
            json!({"GRPC": "127.0.0.1:70000/health"}),
            "dial tcp: address 70000: invalid port",
        ),
    ];
    for (name, check, _) in &checks {
        let mut check = check.clone();
        check["Interval"] = json!("1s");
        check["Status"] = json!("passing");
        api.register(json!({"Name": name, "Port": 1, "Check": check}))
            .await;
    }
    for (name, _, error) in checks {
        let output = api
            .wait_for_status(&format!("service:{name}"), "critical")
            .await;
        assert!(output.contains(error), "{name}: {output:?} lacks {error:?}");
    }
}
