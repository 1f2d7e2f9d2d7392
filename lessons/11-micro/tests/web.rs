//! The seed's web service, `l11-micro web-server`, seen from outside: registered and found by
//! name like any service, calling a service by name through the framework's client with no
//! failed request when one of its two nodes is killed, and every bad request answered in JSON.

use crate::program;
use crate::support;

use std::time::Duration;

use micro::registry::Registry;
use micro::registry::consul::ConsulRegistry;
use program::api::{registry, request, start, user_server};
use serde_json::Value;
use support::{tally, unique_service};
use testkit::{ServerProcess, within};

/// `POST /example/call` with `body`: status and JSON.
async fn example_call(web: &ServerProcess, body: &[u8]) -> (u16, Value) {
    request(web, "/example/call", Some(body.to_vec())).await
}

/// `calls` times `/example/call` for Ferris; every one must succeed. Who answered.
async fn call_ferris(web: &ServerProcess, calls: usize) -> Vec<String> {
    let mut answered = Vec::new();
    for n in 0..calls {
        let (status, reply) = example_call(web, br#"{"name": "Ferris"}"#).await;
        assert_eq!(status, 200, "call {n}: {reply}");
        assert!(
            reply["ref"].as_u64().is_some_and(|nanos| nanos > 0),
            "{reply}"
        );
        let msg = reply["msg"].as_str().expect("a msg");
        let node = msg
            .strip_prefix("Hello Ferris from ")
            .expect("the greeting");
        answered.push(node.to_string());
    }
    answered
}

#[tokio::test]
async fn the_web_service_is_found_by_name_and_calls_through_a_killed_node() {
    let agent = testkit::consul().await;
    let registry_args = registry("consul", agent.url(), "1s");
    let users = unique_service("user");
    let mut user_servers = vec![
        user_server(&registry_args, &users).await,
        user_server(&registry_args, &users).await,
    ];
    let web_name = unique_service("go.micro.web.example");
    let args = ["web-server", "--name", &web_name, "--service", &users];
    let mut web = start(&registry_args, &args, &[]).await;
    web.logged("registered").await;

    // Found by name, at the address it listens on, as any client of the registry finds it.
    let consul = ConsulRegistry::new(agent.url(), Duration::from_secs(10)).unwrap();
    let nodes = consul.get_service(&web_name).await.unwrap();
    let addresses: Vec<&str> = nodes.iter().map(|node| node.address.as_str()).collect();
    assert_eq!(addresses, [web.addr().to_string()]);

    // Its page, and the calls shared by both nodes of the service behind it.
    let page = within("the page", reqwest::get(format!("http://{}/", web.addr())))
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("/example/call"));
    let answered = call_ferris(&web, 10).await;
    assert_eq!(tally(answered.iter().map(String::as_str)).len(), 2);

    // kill -9: the dead node stays registered until its TTL (1 s) runs out; its turn comes,
    // the call is refused there and made on the other.
    user_servers[0].signal("KILL");
    let answered = call_ferris(&web, 20).await;
    assert!(
        answered
            .iter()
            .all(|node| !node.contains(&user_servers[0].addr().port().to_string()))
    );

    // SIGTERM: it leaves the registry, then exits 0.
    web.signal("TERM");
    web.exits_cleanly_within(testkit::PATIENCE).await;
    assert!(consul.get_service(&web_name).await.unwrap().is_empty());
    user_servers.clear();
}

#[tokio::test]
async fn every_bad_request_and_failed_call_is_a_json_error() {
    let registry_args = registry("memory", "", "1s");
    let args = ["web-server", "--service", "nobody"];
    let web = start(&registry_args, &args, &[]).await;

    let cases: [(&[u8], u16, i64); 5] = [
        (b"not json", 400, 3),
        (b"", 400, 3),
        (br#"{"name": 42}"#, 400, 3),
        (br#"{"nom": "Ferris"}"#, 400, 3),
        // A good request, but no node of the service behind is running.
        (br#"{"name": "Ferris"}"#, 503, 14),
    ];
    let huge = vec![b' '; 3 << 20];
    let cases = cases.into_iter().chain([(huge.as_slice(), 413, 8)]);
    for (body, status, code) in cases {
        let (got, reply) = example_call(&web, body).await;
        let shown = String::from_utf8_lossy(&body[..body.len().min(40)]);
        assert_eq!(
            (got, reply["code"].as_i64()),
            (status, Some(code)),
            "{shown}: {reply}"
        );
        assert!(reply["message"].is_string(), "{shown}: {reply}");
    }
}
