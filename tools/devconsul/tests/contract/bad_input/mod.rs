//! The error catalogue (`CONTRACT.md` §5 Error catalogue): every bad request gets its status code and a
//! plain-text reason, and the agent keeps serving, whatever the request; `hostile` sends requests
//! built to exhaust a recursive parser, and `properties` throws generated bodies and filters
//! at the same endpoints.

mod hostile;

use crate::common::{Api, agent};
use serde_json::json;

/// After a bad request, a good one must still work.
pub(super) async fn still_serving(api: &Api) {
    api.register(json!({"Name": "canary", "Port": 1})).await;
    api.get("/v1/agent/services").await.expect(200);
}

pub(super) async fn expect_error(
    api: &Api,
    method: &str,
    path: &str,
    body: &str,
    status: u16,
    message: &str,
) {
    let reply = api.send(method, path, Some(body.as_bytes().to_vec())).await;
    assert_eq!(
        reply.status.as_u16(),
        status,
        "{method} {path} {body:?} answered {}",
        reply.text()
    );
    assert!(
        reply.text().contains(message),
        "{method} {path}: {:?} lacks {message:?}",
        reply.text()
    );
    if status != 405 && status != 404 {
        let content_type = reply.header("Content-Type").unwrap_or("");
        assert!(
            content_type.starts_with("text/plain"),
            "errors are plain text, not {content_type}"
        );
    }
    still_serving(api).await;
}

pub(super) const REGISTER: &str = "/v1/agent/service/register";

#[tokio::test]
async fn register_refuses_bad_bodies() {
    let (_agent, api) = agent().await;
    let cases: &[(&str, &str)] = &[
        ("{not json", "Request decode failed"),
        ("", "Request decode failed: EOF"),
        ("[1, 2]", "Request decode failed"),
        (r#"{"Port": 80}"#, "Missing service name"),
        (r#"{"Name": "a", "Port": "80"}"#, "Request decode failed"),
        (r#"{"Name": "a", "Tags": "a"}"#, "Request decode failed"),
        (
            r#"{"Name": "a", "Meta": {"k": 1}}"#,
            "Request decode failed",
        ),
        (
            r#"{"Name": "a", "Service": "a"}"#,
            r#"Request decode failed: json: unknown field "Service""#,
        ),
        (r#"{"Name": "a", "Ns": "x"}"#, r#"unknown field "Ns""#),
        (
            r#"{"Name": "a", "Check": {"HTTP": "http://x", "TLSSkipVerify": "true"}}"#,
            "Request decode failed",
        ),
        (
            r#"{"Name": "a", "Check": {"HTTP": "http://x", "Header": {"k": "v"}}}"#,
            "Request decode failed",
        ),
        (
            r#"{"Name": "a", "Check": {"TCP": "127.0.0.1:1"}}"#,
            "Invalid check: Interval must be > 0",
        ),
        (
            r#"{"Name": "a", "Check": {"HTTP": "http://x"}}"#,
            "Invalid check: Interval must be > 0",
        ),
        (
            r#"{"Name": "a", "Check": {"TTL": "1s", "Interval": "1s"}}"#,
            "Interval and TTL cannot both be specified",
        ),
        (
            r#"{"Name": "a", "Check": {"Notes": "x"}}"#,
            "TTL must be > 0 for TTL checks",
        ),
        (
            r#"{"Name": "a", "Check": {"TTL": "1s", "Status": "ok"}}"#,
            "Status for checks must",
        ),
        (
            r#"{"Name": "a", "Check": {"TTL": "soon"}}"#,
            "Request decode failed: time: invalid duration",
        ),
        (
            r#"{"Name": "a", "Address": "0.0.0.0"}"#,
            "Invalid service address",
        ),
        (
            r#"{"Name": "a", "Meta": {"consul-x": "y"}}"#,
            "Invalid Service Meta",
        ),
        (
            r#"{"Name": "a", "Weights": {"Passing": 0, "Warning": 1}}"#,
            "Invalid Weights",
        ),
        (
            r#"{"Name": "a", "TaggedAddresses": {"lan": "1.2.3.4"}}"#,
            "Request decode failed",
        ),
    ];
    for (body, message) in cases {
        expect_error(&api, "PUT", REGISTER, body, 400, message).await;
    }
    expect_error(
        &api,
        "PUT",
        REGISTER,
        r#"{"Name": "a", "Check": {"Args": ["sh"], "Interval": "1s"}}"#,
        500,
        "Scripts are disabled",
    )
    .await;
    // Nothing Consul accepts is refused: every ServiceDefinition and CheckType field.
    api.put_json(
        REGISTER,
        json!({
            "Kind": "", "ID": "full", "Name": "full", "Tags": [], "Address": "", "TaggedAddresses": {},
            "Meta": {}, "Port": 1, "SocketPath": "", "Weights": {"Passing": 1, "Warning": 1}, "Token": "",
            "EnableTagOverride": false, "Proxy": null, "Connect": {}, "Locality": null,
            "Check": {
                "CheckID": "full-check", "Name": "n", "Status": "passing", "Notes": "", "HTTP": "http://127.0.0.1:9",
                "Method": "GET", "Header": {"X": ["1"]}, "Body": "", "DisableRedirects": true,
                "TLSServerName": "", "TLSSkipVerify": false, "GRPC": "", "GRPCUseTLS": false, "Interval": 10e9,
                "Timeout": "1s", "DeregisterCriticalServiceAfter": "1h", "SuccessBeforePassing": 1,
                "FailuresBeforeWarning": 1, "FailuresBeforeCritical": 2, "OutputMaxSize": 100,
                "ScriptArgs": null, "DockerContainerID": "", "Shell": "", "UDP": "", "H2PING": "",
                "H2PingUseTLS": false, "OSService": "", "AliasNode": "", "AliasService": "", "ServiceID": "",
                "TCPUseTLS": false, "ProxyHTTP": "", "ProxyGRPC": ""
            }
        }),
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn the_rest_of_the_catalogue() {
    let (_agent, api) = agent().await;
    api.register(json!({"Name": "t", "Check": {"TTL": "60s"}}))
        .await;
    // (method, path, body, the status Consul answers, what its message says)
    let catalogue = [
        (
            "PUT",
            "/v1/agent/service/deregister/nope",
            "",
            404,
            "Unknown service ID \"nope\"",
        ),
        (
            "GET",
            "/v1/agent/service/nope",
            "",
            404,
            "unknown service ID",
        ),
        (
            "PUT",
            "/v1/agent/check/pass/nope",
            "",
            404,
            "Unknown check ID",
        ),
        (
            "PUT",
            "/v1/agent/check/update/nope",
            r#"{"Status":"passing"}"#,
            404,
            "Unknown check ID",
        ),
        (
            "PUT",
            "/v1/agent/check/update/service:t",
            r#"{"Status":"bad"}"#,
            400,
            "Invalid check status: 'bad'",
        ),
        (
            "PUT",
            "/v1/agent/check/update/service:t",
            "",
            400,
            "Request decode failed: EOF",
        ),
        (
            "PUT",
            "/v1/agent/check/update/service:t",
            r#"{"Stat": "x"}"#,
            400,
            "unknown field",
        ),
        (
            "GET",
            "/v1/health/service/t?passing=maybe",
            "",
            400,
            "Invalid value for ?passing",
        ),
        (
            "GET",
            "/v1/health/service/t?index=abc",
            "",
            400,
            "Invalid index",
        ),
        (
            "GET",
            "/v1/catalog/services?wait=xyz",
            "",
            400,
            "Invalid wait time",
        ),
        (
            "GET",
            "/v1/health/service/t?dc=mars",
            "",
            500,
            "No path to datacenter",
        ),
        (
            "GET",
            "/v1/health/service/t?filter=%28",
            "",
            400,
            "Failed to create boolean expression",
        ),
        ("PUT", "/v1/kv/k?cas=abc", "v", 500, "invalid syntax"),
    ];
    for (method, path, body, status, message) in catalogue {
        expect_error(&api, method, path, body, status, message).await;
    }

    // A bad passing value still carries the index headers.
    api.get("/v1/health/service/t?passing=maybe")
        .await
        .expect(400)
        .index();
}

#[tokio::test]
async fn methods_paths_and_options() {
    let (_agent, api) = agent().await;
    let reply = api.get(REGISTER).await.expect(405);
    assert_eq!(reply.header("Allow"), Some("PUT,OPTIONS"));
    let reply = api.put("/v1/agent/services", "").await.expect(405);
    assert_eq!(reply.header("Allow"), Some("GET,OPTIONS"));
    let reply = api.send("OPTIONS", "/v1/kv/x", None).await.expect(200);
    assert_eq!(reply.header("Allow"), Some("GET,PUT,DELETE,OPTIONS"));

    let reply = api.get("/v1/not/a/thing").await.expect(404);
    assert_eq!(
        reply.text(),
        "Invalid URL path: not a recognized HTTP API endpoint"
    );
    let reply = api.put("/v1/session/create", "").await.expect(501);
    assert!(reply.text().contains("real Consul"));
    api.get("/v1/acl/tokens").await.expect(501);
    api.put("/v1/txn", "[]").await.expect(501);
    still_serving(&api).await;
}

#[tokio::test]
async fn oversized_and_binary_bodies() {
    let (_agent, api) = agent().await;
    let huge = vec![b' '; 2 << 20];
    api.send("PUT", REGISTER, Some(huge)).await.expect(413);
    still_serving(&api).await;
    let binary: Vec<u8> = (0..=255u8).cycle().take(4096).collect();
    api.send("PUT", REGISTER, Some(binary.clone()))
        .await
        .expect(400);
    api.send("PUT", "/v1/agent/check/update/x", Some(binary))
        .await
        .expect(400);
    still_serving(&api).await;
}
