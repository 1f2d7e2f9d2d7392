//! `workbook wire` from outside: the lessons' own servers and clients talk through the
//! relay as a learner's would, the calls succeed, and the relay's feed (what the book
//! server's `/wire` page reads) holds each message decoded. A client sending garbage leaves
//! the relay and the server up.
//!
//! The lessons' binaries are built once, with their reference answers, as the `cargo test
//! --workspace --all-features` that runs this test builds them.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;
use testkit::ServerProcess;

pub(crate) use crate::real_course::course_root;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// How long the feed may take to show what a test waits for.
pub(crate) const PATIENCE: Duration = Duration::from_secs(20);

/// Lessons 01, 02, 03, 05 and 12's executables, built once.
pub(crate) fn lesson(package: &str) -> PathBuf {
    static BUILT: OnceLock<HashMap<String, PathBuf>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        let packages = [
            "l01-tcp",
            "l02-rpc",
            "l03-jsonrpc",
            "l05-grpc",
            "l12-events",
        ];
        let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        // As a shell would run it: none of the variables cargo gave this test.
        for (name, _) in std::env::vars() {
            if name.starts_with("CARGO_") && name != "CARGO_HOME" && name != "CARGO_TARGET_DIR" {
                command.env_remove(name);
            }
        }
        command.current_dir(course_root()).args([
            "build",
            "--bins",
            "--message-format=json-render-diagnostics",
        ]);
        for package in packages {
            command.args(["-p", package]);
        }
        let features: Vec<String> = packages.iter().map(|p| format!("{p}/solution")).collect();
        command.args(["--features", &features.join(",")]);
        let output = command
            .stderr(Stdio::inherit())
            .output()
            .expect("cargo runs");
        assert!(output.status.success(), "the lessons do not build");
        let mut found = HashMap::new();
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Ok(message) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            if let (Some(name), Some(executable)) = (
                message["target"]["name"].as_str(),
                message["executable"].as_str(),
            ) {
                found.insert(name.to_string(), PathBuf::from(executable));
            }
        }
        found
    });
    built[package].clone()
}

/// A relay to `to`, and a reader of its feed.
struct Relay {
    process: ServerProcess,
    feed: tokio::io::Lines<BufReader<TcpStream>>,
    /// Every event read from the feed so far.
    events: Vec<Value>,
}

impl Relay {
    async fn start(protocol: &str, to: SocketAddr) -> Relay {
        let to = to.to_string();
        let args = [
            "wire",
            "--listen",
            "127.0.0.1:0",
            "--to",
            &to,
            "--protocol",
            protocol,
        ];
        // It logs the relay's address, then the feed's.
        let process = ServerProcess::start(env!("CARGO_BIN_EXE_workbook"), &args, 2).await;
        let feed = TcpStream::connect(process.addrs()[1])
            .await
            .expect("the feed accepts");
        let mut feed = BufReader::new(feed).lines();
        let hello = feed
            .next_line()
            .await
            .unwrap()
            .expect("the feed says hello");
        assert!(hello.contains(protocol), "{hello}");
        Relay {
            process,
            feed,
            events: Vec::new(),
        }
    }

    fn addr(&self) -> String {
        self.process.addr().to_string()
    }

    /// Reads the feed until one event's summary contains each of `texts`, in that order;
    /// panics with what it read if they do not come.
    async fn expect(&mut self, texts: &[&str]) {
        let read = tokio::time::timeout(PATIENCE, async {
            loop {
                let summaries: Vec<&str> = self
                    .events
                    .iter()
                    .filter_map(|event| event["summary"].as_str())
                    .collect();
                let mut from = 0;
                let all = texts.iter().all(|text| {
                    match summaries[from..].iter().position(|s| s.contains(text)) {
                        Some(at) => {
                            from += at + 1;
                            true
                        }
                        None => false,
                    }
                });
                if all {
                    return;
                }
                match self.feed.next_line().await {
                    Ok(Some(line)) => self.events.push(serde_json::from_str(&line).unwrap()),
                    _ => return,
                }
            }
        })
        .await;
        let shown: Vec<String> = self
            .events
            .iter()
            .map(|e| format!("{} {} {}", e["direction"], e["broken"], e["summary"]))
            .collect();
        assert!(
            read.is_ok() && self.has_all(texts),
            "the feed did not show {texts:?}; it showed:\n{}",
            shown.join("\n")
        );
    }

    fn has_all(&self, texts: &[&str]) -> bool {
        texts.iter().all(|text| {
            self.events
                .iter()
                .any(|e| e["summary"].as_str().unwrap_or_default().contains(text))
        })
    }
}

/// Runs a lesson's client to the end; its standard output.
pub(crate) fn client(package: &str, args: &[&str]) -> String {
    let output = Command::new(lesson(package))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the client runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{package} {args:?} failed:\n{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

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

#[tokio::test]
async fn garbage_through_the_relay_leaves_relay_and_server_up() {
    let server =
        ServerProcess::start(lesson("l05-grpc"), &["server", "--addr", "127.0.0.1:0"], 1).await;
    let mut relay = Relay::start("grpc", server.addr()).await;
    let garbage: [&[u8]; 3] = [
        b"GET / HTTP/1.1\r\n\r\n",
        // The preface, then a frame header that announces 16 MiB and sends 3 bytes.
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\xff\xff\xff\x00\x00\x00\x00\x00\x01abc",
        // The preface, then SETTINGS of 5 bytes (entries are 6).
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x05\x04\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00",
    ];
    for bytes in garbage {
        let mut stream = TcpStream::connect(relay.addr()).await.unwrap();
        stream.write_all(bytes).await.unwrap();
        stream.write_all(&[0x5a; 70_000]).await.unwrap();
        // Whatever the server answers, until it closes.
        let mut sink = Vec::new();
        let _ = tokio::time::timeout(
            PATIENCE,
            tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut sink),
        )
        .await;
    }
    // Each connection is decoded by a task of its own: their events may come in any order.
    for text in [
        "not HTTP/2",
        "too large to show",
        "cannot have a payload of 5 bytes",
    ] {
        relay.expect(&[text]).await;
    }
    assert!(relay.events.iter().any(|e| e["broken"] == true));

    // Both still up: a real call goes through.
    let printed = client("l05-grpc", &["client", "--addr", &relay.addr(), "after"]);
    assert!(printed.contains("Hello after!"), "{printed}");
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
    let mut subscriber = tokio::process::Command::new(lesson("l12-events"))
        .args(broker)
        .args(["subscribe", "greetings"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("the subscriber runs");
    let mut said = BufReader::new(subscriber.stdout.take().unwrap()).lines();
    let mut next_line = async || {
        tokio::time::timeout(PATIENCE, said.next_line())
            .await
            .expect("the subscriber speaks in time")
            .unwrap()
    };
    assert_eq!(
        next_line().await.as_deref(),
        Some("subscribed to greetings")
    );
    let mut publish = broker.to_vec();
    publish.extend(["publish", "greetings", "hello"]);
    let printed = client("l12-events", &publish);
    assert!(
        printed.contains("published 1 message(s) on greetings; 0 not delivered everywhere"),
        "{printed}"
    );
    assert_eq!(next_line().await.as_deref(), Some("greetings: hello"));
    relay
        .expect(&[
            "INFO {",
            "SUB greetings 1",
            r#"PUB greetings 31: broker message on greetings, body "hello""#,
            r#"MSG greetings 1 31: broker message on greetings, body "hello""#,
        ])
        .await;
    assert!(
        !relay.events.iter().any(|e| e["broken"] == true),
        "{:#?}",
        relay.events
    );
}
