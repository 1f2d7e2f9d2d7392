//! `l11-micro api` seen from outside, as an HTTP client sees it: the gateway as a process in
//! front of real servers on a three-member etcd and on a Consul agent, services it has
//! never seen called with no change to it, and every kind of bad request answered with
//! the right JSON error.

use crate::program;
use crate::support;

use std::time::Duration;

use micro::registry::Registry;
use micro::registry::consul::ConsulRegistry;
use program::api::{error_of, get, registry, request, start, user_server};
use serde_json::json;
use support::{node, tally, unique_service};
use testkit::{ServerProcess, within};

/// `calls` times `Say.Hello` through the gateway; every call must succeed. Who answered.
async fn say_hello(gateway: &ServerProcess, service: &str, calls: usize) -> Vec<String> {
    let mut answered = Vec::new();
    for n in 0..calls {
        let (status, reply) = get(gateway, &format!("/{service}/say/hello?name=huohuo")).await;
        assert_eq!(status, 200, "call {n}: {reply}");
        let msg = reply["msg"].as_str().expect("a msg");
        let node = msg
            .strip_prefix("Hello huohuo from ")
            .expect("the greeting");
        answered.push(node.to_string());
    }
    answered
}

/// Three nodes, each answering a third of the calls (give or take one).
fn assert_round_robin(answered: &[String]) {
    let counts = tally(answered.iter().map(String::as_str));
    let spread: Vec<usize> = counts.values().copied().collect();
    assert_eq!(spread.len(), 3, "every instance should answer: {counts:?}");
    let (max, min) = (spread.iter().max().unwrap(), spread.iter().min().unwrap());
    assert!(max - min <= 1, "round robin: {counts:?}");
}

#[tokio::test]
async fn the_seeds_curl_on_three_users_in_etcd_and_one_killed_costs_no_request() {
    let cluster = testkit::etcd_cluster(3).await;
    // A lease of 5 s, renewed every third of it: the killed node stays in the registry for
    // all the calls after it (each of its turns is refused and tried on another node), and
    // a live node's renewal late by a busy second does not take it out.
    let registry = registry("etcd", &cluster.endpoints().join(","), "5s");
    let service = unique_service("user");
    let mut users = Vec::new();
    for _ in 0..3 {
        users.push(user_server(&registry, &service).await);
    }
    let gateway = start(&registry, &["api"], &[]).await;

    assert_round_robin(&say_hello(&gateway, &service, 30).await);

    // kill -9: no deregistration. Until the lease runs out the gateway still picks the dead
    // node in turn; its call is refused and tried once more on another.
    users[0].signal("KILL");
    let answered = say_hello(&gateway, &service, 30).await;
    assert_eq!(tally(answered.iter().map(String::as_str)).len(), 2);
}

#[tokio::test]
async fn on_consul_the_gateway_calls_services_it_has_never_seen() {
    let (agent, redis) = tokio::join!(testkit::consul(), testkit::redis());
    let registry = registry("consul", agent.url(), "1s");
    let gateway = start(&registry, &["api"], &[]).await;

    // The seed's user service, three times.
    let users_name = unique_service("user");
    let mut users = Vec::new();
    for _ in 0..3 {
        users.push(user_server(&registry, &users_name).await);
    }
    assert_round_robin(&say_hello(&gateway, &users_name, 9).await);

    // Lesson 05's Greeter, as lesson 05 serves it, written into the registry by hand.
    let greeter_name = unique_service("greeter");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(shared::grpc::serve(listener, async {
        let _ = stopped.await;
    }));
    let consul = ConsulRegistry::new(agent.url(), Duration::from_secs(1)).unwrap();
    let greeter = node(&format!("{greeter_name}-1"), &address);
    consul.register(&greeter_name, &greeter).await.unwrap();
    let (status, reply) = get(
        &gateway,
        &format!("/{greeter_name}/greeter/say-hello?name=Ada"),
    )
    .await;
    assert_eq!((status, reply), (200, json!({"message": "Hello Ada!"})));
    let (status, reply) = get(&gateway, &format!("/{greeter_name}/say-name?name=Ada")).await;
    assert_eq!(
        status, 404,
        "two segments: method Greeter-name.SayName: {reply}"
    );

    // Lesson 09's captcha service on the framework; bytes come back as base64.
    let captcha_name = unique_service("captcha");
    let env = [("REDIS_URL", redis.url())];
    let captcha = start(
        &registry,
        &["captcha-server", "--name", &captcha_name],
        &env,
    )
    .await;
    captcha.logged("registered").await;
    let uuid = uuid::Uuid::new_v4().to_string();
    let body = json!({"uuid": uuid}).to_string().into_bytes();
    let path = format!("/{captcha_name}/captcha/new-captcha");
    let (status, reply) = request(&gateway, &path, Some(body)).await;
    assert_eq!(status, 200, "{reply}");
    let png = reply["png"].as_str().expect("the image, in base64");
    assert!(png.starts_with("iVBORw0KGgo"), "a PNG: {}", &png[..20]);
    assert_eq!(reply["expires_in_seconds"], 300);
    let path = format!("/{captcha_name}/captcha/verify?uuid={uuid}&code=wrong");
    assert_eq!(get(&gateway, &path).await, (200, json!({"ok": false})));
}

#[tokio::test]
async fn bad_requests_get_json_errors_with_fitting_statuses() {
    let agent = testkit::consul().await;
    let registry = registry("consul", agent.url(), "1s");
    let gateway = start(&registry, &["api"], &[]).await;
    let service = unique_service("user");
    let mut user = user_server(&registry, &service).await;
    let hello = format!("/{service}/say/hello");
    let post = async |body: &[u8]| error_of(request(&gateway, &hello, Some(body.to_vec())).await);

    assert_eq!(post(b"{\"name\": ").await, (400, 3), "malformed JSON");
    assert_eq!(post(b"[1, 2]").await, (400, 3), "not an object");
    assert_eq!(post(b"{\"nam\": \"Ada\"}").await, (400, 3), "no such field");
    assert_eq!(
        post(b"{\"name\": 5}").await,
        (400, 3),
        "a number for a string"
    );
    assert_eq!(
        post(b"{\"name\": \"\"}").await,
        (400, 3),
        "the service's own refusal"
    );
    let deep = format!("{}{}", "[".repeat(30_000), "]".repeat(30_000));
    assert_eq!(post(deep.as_bytes()).await, (400, 3), "deep nesting");
    assert_eq!(post(&vec![b' '; 1 << 20]).await, (413, 8), "a huge body");
    let query = async |path: String| error_of(get(&gateway, &path).await);
    assert_eq!(query(format!("{hello}?nobody=1")).await, (400, 3));
    assert_eq!(query(format!("{hello}?name=a&name=b")).await, (400, 3));
    assert_eq!(query(format!("/{service}/say/goodbye")).await, (404, 5));
    assert_eq!(
        query(format!("/{service}-nobody/say/hello")).await,
        (404, 5)
    );
    assert_eq!(query("/".to_string()).await, (404, 5));

    // A node that accepts connections and never answers: the deadline passes while its
    // schema is asked for, before the call is sent, so the call never ran: 503.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_name = unique_service("silent");
    let consul = ConsulRegistry::new(agent.url(), Duration::from_secs(1)).unwrap();
    let node = node(
        &format!("{silent_name}-1"),
        &silent.local_addr().unwrap().to_string(),
    );
    consul.register(&silent_name, &node).await.unwrap();
    // Its own gateway, with a short deadline: the silent node is all that waits it out.
    let impatient = start(&registry, &["api", "--deadline", "1s"], &[]).await;
    let silent_call = get(&impatient, &format!("/{silent_name}/say/hello")).await;
    assert_eq!(silent_call.1["may_have_run"], false, "{silent_call:?}");
    assert_eq!(error_of(silent_call), (503, 4));

    // The only node stops (and deregisters): the service is known, and has no node: 503.
    user.signal("TERM");
    user.exits_cleanly_within(testkit::PATIENCE).await;
    within("the gateway to see no node", async {
        loop {
            match get(&gateway, &format!("{hello}?name=Ada")).await {
                (200, _) => tokio::time::sleep(Duration::from_millis(20)).await,
                answer if error_of(answer.clone()) == (503, 14) => break,
                other => panic!("a stopped node should be 503 Unavailable, not {other:?}"),
            }
        }
    })
    .await;
}
