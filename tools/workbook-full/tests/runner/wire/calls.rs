//! Each lesson's own server and client talking through the relay: the calls succeed, and
//! the feed holds every message decoded (lines, frames, JSON-RPC, gRPC, NATS).

use std::net::SocketAddr;

use testkit::ServerProcess;

use super::relay::Relay;
use super::{Background, client, lesson};

#[tokio::test]
async fn lesson_05_grpc_calls_go_through_and_every_frame_is_decoded() {
    let server =
        ServerProcess::start(lesson("l05-grpc"), &["server", "--addr", "127.0.0.1:0"], 1).await;
    let mut relay = Relay::start("grpc", server.addr()).await;
    let printed = client("l05-grpc", &["client", "--addr", &relay.addr(), "Ferris"]);
    assert!(
        printed.contains("SayHello       -> Hello Ferris!"),
        "{printed}"
    );
    relay
        .expect(&[
            "connection preface",
            "SETTINGS stream 0",
            "HEADERS stream 1, END_HEADERS: POST /hello.Greeter/SayHello",
            r#"DATA stream 1: 13 bytes; HelloRequest {"name (1)":"Ferris"}"#,
            "HEADERS stream 1, END_HEADERS: :status 200",
            r#"HelloReply {"message (1)":"Hello Ferris!"}"#,
            "trailers: grpc-status 0",
            "closed",
        ])
        .await;
    let data = relay
        .events
        .iter()
        .find(|e| e["summary"].as_str().unwrap().contains("HelloRequest"))
        .unwrap();
    let labels: Vec<&str> = data["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"gRPC: message length = 8"), "{labels:?}");
    assert!(
        labels.contains(&"field 1 `name` = \"Ferris\""),
        "{labels:?}"
    );
    assert!(!relay.events.iter().any(|e| e["broken"] == true));
}

#[tokio::test]
async fn lesson_01_lines_go_through_both_ways() {
    let server =
        ServerProcess::start(lesson("l01-tcp"), &["server", "--addr", "127.0.0.1:0"], 1).await;
    let mut relay = Relay::start("lines", server.addr()).await;
    let printed = client(
        "l01-tcp",
        &["client", "--addr", &relay.addr(), "hello", "wire"],
    );
    assert_eq!(printed, "hello\nwire\n");
    relay
        .expect(&["line \"hello\"", "line \"wire\"", "closed"])
        .await;
    let directions: Vec<&str> = relay
        .events
        .iter()
        .filter(|e| e["summary"] == "line \"hello\"")
        .map(|e| e["direction"].as_str().unwrap())
        .collect();
    assert_eq!(directions, ["→", "←"]);
}

#[tokio::test]
async fn lesson_02_frames_go_through_over_tcp_and_http() {
    let server =
        ServerProcess::start(lesson("l02-rpc"), &["server", "--addr", "127.0.0.1:0"], 1).await;
    let mut relay = Relay::start("frames", server.addr()).await;
    let printed = client("l02-rpc", &["client", "--addr", &relay.addr(), "gopher"]);
    assert!(printed.contains("gopher hello world"), "{printed}");
    relay
        .expect(&[
            "frame of 54 bytes: request id 1 hello.HelloWorld(\"gopher\")",
            "frame of 38 bytes: reply id 1: \"gopher hello world\"",
        ])
        .await;

    let http = ServerProcess::start(
        lesson("l02-rpc"),
        &["http-server", "--addr", "127.0.0.1:0"],
        1,
    )
    .await;
    let mut relay = Relay::start("frames", http.addr()).await;
    client("l02-rpc", &["http-client", "--addr", &relay.addr(), "ada"]);
    relay
        .expect(&[
            "HTTP: CONNECT /_rpc_ HTTP/1.0",
            "HTTP: HTTP/1.0 200 Connected to RPC",
            "request id 1 hello.HelloWorld(\"ada\")",
            "reply id 1: \"ada hello world\"",
        ])
        .await;
}

#[tokio::test]
async fn lesson_03_json_rpc_goes_through_over_tcp_and_http() {
    let args = [
        "server",
        "--addr",
        "127.0.0.1:0",
        "--http-addr",
        "127.0.0.1:0",
    ];
    let server = ServerProcess::start(lesson("l03-jsonrpc"), &args, 2).await;
    let mut relay = Relay::start("jsonrpc", server.addrs()[0]).await;
    client("l03-jsonrpc", &["client", "--addr", &relay.addr(), "ada"]);
    relay
        .expect(&[
            "request id 0 hello.HelloWorld([\"ada\"])",
            "reply id 0: \"ada hello world\"",
        ])
        .await;

    let mut relay = Relay::start("http", server.addrs()[1]).await;
    client(
        "l03-jsonrpc",
        &["http-client", "--addr", &relay.addr(), "ada"],
    );
    relay
        .expect(&[
            "POST / HTTP/1.1: request id 0 hello.HelloWorld([\"ada\"])",
            "HTTP/1.1 200 OK: reply id 0: \"ada hello world\"",
        ])
        .await;
}

/// Lesson 12 on NATS: the lesson's own subscriber and publisher reach a real nats-server
/// through the relay (`--broker-address nats://RELAY`); the subscriber gets the message, and
/// the feed shows async-nats's `PUB` and the server's `MSG`, go-micro's broker message
/// decoded in both.
#[tokio::test]
async fn lesson_12_a_publish_through_the_nats_relay_is_decoded() {
    let nats = testkit::nats().await;
    let to: SocketAddr = nats
        .url()
        .trim_start_matches("nats://")
        .parse()
        .expect("nats://HOST:PORT");
    let mut relay = Relay::start("nats", to).await;
    let url = format!("nats://{}", relay.addr());
    let broker = ["--broker", "nats", "--broker-address", url.as_str()];
    let mut args = broker.to_vec();
    args.extend(["subscribe", "greetings"]);
    let mut subscriber = Background::start("l12-events", &args);
    subscriber.has_printed(1).await;
    assert_eq!(subscriber.printed[0], "subscribed to greetings");
    let mut publish = broker.to_vec();
    publish.extend(["publish", "greetings", "hello"]);
    let printed = client("l12-events", &publish);
    assert!(
        printed.contains("published 1 message(s) on greetings; 0 not delivered everywhere"),
        "{printed}"
    );
    subscriber.has_printed(2).await;
    assert_eq!(subscriber.printed[1], "greetings: hello");
    // The subscriber's connection, the publisher's and the MSG back on the first: each
    // connection is decoded by a task of its own, so the feed keeps the order within a
    // connection, not across them. Each connection's part is looked for alone.
    relay.expect(&["INFO {", "SUB greetings 1"]).await;
    relay
        .expect(&[r#"PUB greetings 31: broker message on greetings, body "hello""#])
        .await;
    relay
        .expect(&[r#"MSG greetings 1 31: broker message on greetings, body "hello""#])
        .await;
    assert!(
        !relay.events.iter().any(|e| e["broken"] == true),
        "{:#?}",
        relay.events
    );
}
