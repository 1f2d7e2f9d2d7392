//! The HTTP broker against go-micro's own bytes (repository micro/go-micro, tag v2.9.1,
//! commit 94bd1025a64eaaba1d89189891ef49f3ab5eee7f, `broker/http.go`): the registration of
//! a subscriber, the body a publisher POSTs and where it POSTs it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use crate::support::go_micro;
use micro::broker::http::{BROADCAST_VERSION, HttpBroker, SERVICE, subscriber_node};
use micro::broker::{Broker, Message, SubscribeOptions, handler};
use micro::registry::memory::MemoryRegistry;
use micro::registry::{Node, Registry};
use testkit::{PATIENCE, within};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

/// What go-micro's etcd registry stores for the subscriber `Subscribe` builds (lines
/// 664–687) for topic `go.micro.srv.t1` in queue group `t1-workers`: a `registry.Service`
/// named `serviceName` (line 70) with no metadata and no endpoints (nil: `null`), holding one
/// node with the three metadata entries, in Go's `encoding/json` (keys sorted).
const GO_SUBSCRIBER_RECORD: &str = concat!(
    r#"{"name":"micro.http.broker","version":"t1-workers","metadata":null,"endpoints":null,"#,
    r#""nodes":[{"id":"go.micro.srv.t1-6c9b3a2e-0f4d-4e58-9a71-3d2b5c8e1f07","#,
    r#""address":"10.0.0.7:41234","#,
    r#""metadata":{"broker":"http","secure":"false","topic":"go.micro.srv.t1"}}]}"#,
);

/// What go-micro's `Publish` POSTs for a message whose body is the protobuf bytes
/// `0a 05 68 65 6c 6c 6f` with the headers its client's `Publish` sets: the message copied
/// with `Micro-Topic` added (lines 540–549), marshalled by `codec/json`'s `Marshaler`
/// (`encoding/json` of `broker.Message`, which has no json tags: `Header`, `Body`; the map's
/// keys sorted; `[]byte` in standard base64).
const GO_POST_BODY: &str = concat!(
    r#"{"Header":{"Content-Type":"application/protobuf","#,
    r#""Micro-Id":"b8c1e7a4-5f2d-4a63-8e90-1c7d3f6a2b45","Micro-Topic":"go.micro.srv.t1"},"#,
    r#""Body":"CgVoZWxsbw=="}"#,
);

fn go_message() -> Message {
    let mut message = Message::new(&b"\x0a\x05hello"[..]);
    for (key, value) in [
        ("Content-Type", "application/protobuf"),
        ("Micro-Id", "b8c1e7a4-5f2d-4a63-8e90-1c7d3f6a2b45"),
        ("Micro-Topic", "go.micro.srv.t1"),
    ] {
        message.header.insert(key.to_string(), value.to_string());
    }
    message
}

#[test]
fn a_subscriber_registers_as_go_micro_registers_one() {
    let mut node = subscriber_node(
        "go.micro.srv.t1",
        Some("t1-workers"),
        "10.0.0.7:41234".parse().unwrap(),
    );
    assert!(node.id.starts_with("go.micro.srv.t1-"), "{}", node.id);
    let uuid = node.id.trim_start_matches("go.micro.srv.t1-");
    assert!(
        uuid::Uuid::parse_str(uuid).is_ok(),
        "<topic>-<uuid>: {}",
        node.id
    );
    node.id = "go.micro.srv.t1-6c9b3a2e-0f4d-4e58-9a71-3d2b5c8e1f07".to_string();
    let ours = micro::registry::etcd::keys::encode(SERVICE, &node);
    // The one difference: go-micro's nil Endpoints is `null`, the framework writes `[]`; Go's
    // json.Unmarshal reads both as an empty slice.
    assert_eq!(
        ours,
        GO_SUBSCRIBER_RECORD.replace(r#""endpoints":null"#, r#""endpoints":[]"#)
    );
    // go-micro's GetService finds it, with the queue group as the service's version.
    assert_eq!(
        go_micro::go_micro_get_service([ours.as_bytes()]),
        [(
            "t1-workers".to_string(),
            node.id.clone(),
            "10.0.0.7:41234".to_string()
        )]
    );
    // And go-micro's own record reads back as the same node.
    let prefix = micro::registry::etcd::keys::service_prefix(SERVICE);
    let key = micro::registry::etcd::keys::node_key(SERVICE, &node);
    let read = micro::registry::etcd::keys::decode(
        &prefix,
        key.as_bytes(),
        GO_SUBSCRIBER_RECORD.as_bytes(),
    );
    assert_eq!(read, [node]);
    // No queue group: go-micro's broadcast version.
    let broadcast = subscriber_node("t", None, "127.0.0.1:1".parse().unwrap());
    assert_eq!(broadcast.version, BROADCAST_VERSION);
    assert_eq!(BROADCAST_VERSION, "ff.http.broadcast");
}

#[test]
fn consul_tags_carry_the_metadata_as_go_micro_packs_them() {
    use micro::registry::consul::tags;
    let node = subscriber_node("go.micro.srv.t1", None, "127.0.0.1:1".parse().unwrap());
    let written = tags::encode(&node.metadata, &node.endpoints, &node.version);
    // go-micro's encodeMetadata: one `t-` tag per entry, the JSON of a one-entry map, packed.
    let unpacked: Vec<String> = written
        .iter()
        .map(|tag| {
            let (kind, hex) = tag.split_at(2);
            let json = go_micro::go_micro_unpack(&[hex]);
            format!("{kind}{}", String::from_utf8(json).unwrap())
        })
        .collect();
    assert_eq!(
        unpacked,
        [
            r#"t-{"broker":"http"}"#,
            r#"t-{"secure":"false"}"#,
            r#"t-{"topic":"go.micro.srv.t1"}"#,
            "v-ff.http.broadcast",
        ]
    );
    // Tags packed by go-micro's encode (zlib and hex of the same JSON) read back.
    let theirs: Vec<String> = [r#"{"topic":"go.micro.srv.t1"}"#, r#"{"broker":"http"}"#]
        .iter()
        .map(|json| format!("t-{}", go_micro::go_micro_pack(json.as_bytes()).concat()))
        .collect();
    assert_eq!(
        tags::metadata(&theirs),
        BTreeMap::from([
            ("broker".to_string(), "http".to_string()),
            ("topic".to_string(), "go.micro.srv.t1".to_string()),
        ])
    );
}

/// A node registered as a go-micro subscriber, behind which a bare TCP listener records
/// the one request it gets.
async fn go_subscriber(registry: &MemoryRegistry, topic: &str) -> (Node, TcpListener) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let mut node = subscriber_node(topic, Some("t1-workers"), listener.local_addr().unwrap());
    node.id = format!("{topic}-6c9b3a2e-0f4d-4e58-9a71-3d2b5c8e1f07");
    registry.register(SERVICE, &node).await.unwrap();
    (node, listener)
}

/// Reads one HTTP/1.1 request (head and a Content-Length body) and answers 200. The request
/// is whole within testkit's patience, or the test fails showing what came of it.
async fn one_request(listener: TcpListener) -> (String, Vec<u8>) {
    let (mut stream, _) = listener.accept().await.unwrap();
    let deadline = Instant::now() + PATIENCE;
    let mut bytes = Vec::new();
    let (head, length) = loop {
        read_more(&mut stream, &mut bytes, deadline).await;
        if let Some(end) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&bytes[..end]).to_string();
            let length: usize = head
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse().unwrap())
                })
                .expect("a Content-Length");
            bytes.drain(..end + 4);
            break (head, length);
        }
    };
    while bytes.len() < length {
        read_more(&mut stream, &mut bytes, deadline).await;
    }
    stream
        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n")
        .await
        .unwrap();
    (head, bytes)
}

/// Reads what comes next of a request onto `bytes`, by `deadline`: a request that ends, or
/// stops, before it is whole fails the test with what it sent.
async fn read_more(stream: &mut TcpStream, bytes: &mut Vec<u8>, deadline: Instant) {
    let mut chunk = [0u8; 4096];
    let read = tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await;
    let sent = || String::from_utf8_lossy(bytes).to_string();
    match read {
        Ok(Ok(0)) => panic!("the request ended early; it sent: {:?}", sent()),
        Ok(Ok(n)) => bytes.extend_from_slice(&chunk[..n]),
        Ok(Err(error)) => panic!("reading the request: {error}; it sent: {:?}", sent()),
        Err(_) => panic!(
            "no whole request within {PATIENCE:?}; it sent: {:?}",
            sent()
        ),
    }
}

#[tokio::test]
async fn a_publisher_posts_what_go_micros_publisher_posts() {
    let registry = Arc::new(MemoryRegistry::new());
    let (node, listener) = go_subscriber(&registry, "go.micro.srv.t1").await;
    let broker = HttpBroker::new(registry.clone(), "127.0.0.1:0").unwrap();
    let mut message = go_message();
    message.header.remove("Micro-Topic"); // the broker adds it, as go-micro's does
    let (published, (head, body)) = within(
        "one POST",
        futures::future::join(
            broker.publish("go.micro.srv.t1", &message),
            one_request(listener),
        ),
    )
    .await;
    published.unwrap();
    let request_line = head.lines().next().unwrap();
    assert_eq!(
        request_line,
        format!("POST /?id={} HTTP/1.1", node.id),
        "go-micro's pub: http://<address>/?id=<node id>"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{head}"
    );
    assert_eq!(String::from_utf8(body).unwrap(), GO_POST_BODY);
}

#[tokio::test]
async fn a_subscriber_takes_what_go_micros_publisher_posts() {
    let registry = Arc::new(MemoryRegistry::new());
    let broker = HttpBroker::new(registry.clone(), "127.0.0.1:0").unwrap();
    let got = Arc::new(Mutex::new(Vec::new()));
    let keep = got.clone();
    let record = handler(move |event| {
        let keep = keep.clone();
        async move {
            keep.lock().unwrap().push(event);
            Ok(())
        }
    });
    let _subscription = broker
        .subscribe("go.micro.srv.t1", SubscribeOptions::default(), record)
        .await
        .unwrap();
    let node = registry.get_service(SERVICE).await.unwrap().remove(0);
    // As go-micro's pub sends it: url.Values' encoding of the id, Content-Type JSON.
    let url = format!("http://{}/?id={}", node.address, node.id);
    let answer = reqwest::Client::new()
        .post(url)
        .header("Content-Type", "application/json")
        .body(GO_POST_BODY)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let got = got.lock().unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].topic, "go.micro.srv.t1");
    assert_eq!(got[0].message, go_message());
}
