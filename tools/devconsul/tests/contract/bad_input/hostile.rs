//! Requests built to exhaust a recursive parser or an unbounded read: each gets its error,
//! and the agent keeps its state.

use super::{REGISTER, expect_error, still_serving};
use crate::common::{Api, agent};
use serde_json::json;

/// Requests built to exhaust a recursive parser: filters nested 700 parentheses or 5 000
/// `not`s deep, flat chains of thousands of `or` terms, JSON bodies nested a hundred
/// thousand levels, a query string longer than any server reads. Each gets its error and,
/// as §5 asks after every bad request, the agent keeps serving with its state intact.
/// (Before filters were bounded, the first request aborted the whole process with a stack
/// overflow, and every registration and KV entry went with it.)
#[tokio::test]
async fn hostile_requests_leave_the_agent_serving_with_its_state() {
    let (_agent, api) = agent().await;
    api.register(json!({"Name": "web", "ID": "web-1", "Port": 8080, "Check": {"TTL": "30s"}}))
        .await;
    api.put("/v1/kv/config/db", "postgres://db")
        .await
        .expect(200);

    // A bad filter is a 500 on agent endpoints and a 400 elsewhere, as in Consul.
    let endpoints = [
        ("/v1/agent/services", "ID", 500),
        ("/v1/agent/checks", "CheckID", 500),
        ("/v1/catalog/service/web", "ServiceID", 400),
        ("/v1/health/service/web", "Service.ID", 400),
        ("/v1/health/checks/web", "CheckID", 400),
        ("/v1/health/state/any", "CheckID", 400),
    ];
    for (path, selector, status) in endpoints {
        let term = format!("{selector} == a");
        // As many `or` terms as a URL carries, up to 5 000 (hyper refuses request lines
        // over 64 KiB before the agent sees them).
        let terms = 5_000.min(60_000 / (term.len() + 4));
        let hostile = [
            (
                format!("{}{term}{}", "(".repeat(700), ")".repeat(700)),
                "nest more than 32 levels",
            ),
            (
                format!("{}{term}", "not ".repeat(100)),
                "nest more than 32 levels",
            ),
            (
                format!("{}{term}", "not ".repeat(5_000)),
                "the limit is 16384",
            ),
            (
                vec![term.as_str(); terms].join(" or "),
                "the limit is 16384",
            ),
            (
                vec![term.as_str(); terms].join(" and "),
                "the limit is 16384",
            ),
        ];
        for (filter, reason) in hostile {
            // `+` is a space in a query string, and a second `=` is part of the value.
            let url = format!("{path}?filter={}", filter.replace(' ', "+"));
            let reply = api.get(&url).await;
            assert_eq!(reply.status.as_u16(), status, "{path}: {}", reply.text());
            let text = reply.text();
            assert!(
                text.starts_with("Failed to create boolean expression evaluator: ")
                    && text.contains(reason),
                "{path}: {text:?} lacks {reason:?}"
            );
        }
    }

    // Bodies nested a hundred thousand levels: refused before they are parsed.
    for (path, body) in [
        (
            REGISTER,
            format!(r#"{{"Name": "x", "Meta": {}"#, "[".repeat(100_000)),
        ),
        (REGISTER, format!("{}1", r#"{"a":"#.repeat(100_000))),
        ("/v1/agent/check/register", "[".repeat(500_000)),
        ("/v1/agent/check/update/service:web-1", "{".repeat(500_000)),
    ] {
        expect_error(
            &api,
            "PUT",
            path,
            &body,
            400,
            "Request decode failed: exceeded max depth",
        )
        .await;
    }

    // A query string past 64 KiB never reaches a handler: the HTTP server answers 414 URI
    // Too Long. (Sent as raw bytes: reqwest refuses to build such a URL at all.)
    let long = format!("/v1/agent/services?filter={}", "a".repeat(100_000));
    assert_eq!(raw_get_status(&api, &long).await, 414);

    still_serving(&api).await;
    let services = api.get("/v1/agent/services").await.expect(200).json();
    assert_eq!(services["web-1"]["Port"], 8080, "{services}");
    assert_eq!(
        api.check_status("service:web-1").await.unwrap().0,
        "critical"
    );
    let value = api.get("/v1/kv/config/db?raw").await.expect(200);
    assert_eq!(value.text(), "postgres://db");
    // And a sensible filter still works.
    let filtered = api
        .get("/v1/agent/services?filter=ID+==+web-1")
        .await
        .expect(200);
    assert_eq!(filtered.json().as_object().unwrap().len(), 1);
}

/// Sends `GET target` as raw HTTP/1.1 and returns the status code of the answer.
async fn raw_get_status(api: &Api, target: &str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = api.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!("GET {target} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut status_line = [0u8; 12]; // "HTTP/1.1 414"
    testkit::within("the status line", stream.read_exact(&mut status_line))
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&status_line);
    text[9..]
        .parse()
        .unwrap_or_else(|_| panic!("not a status line: {text:?}"))
}
