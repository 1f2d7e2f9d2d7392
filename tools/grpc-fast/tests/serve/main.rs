//! The tests of `grpc-fast`, one binary: the server on one single-threaded runtime per core
//! answers on every runtime, keeps the HTTP/2 limits of lesson 05's `server::builder()`, and
//! stops on SIGTERM as the worked example does, within its grace period (this file); it
//! answers what a real grpc-go client writes (`grpc_go.rs`), h2spec's cases as RFC 9113
//! says (`h2spec.rs` and the two beside it), and hostile clients within its limits
//! (`hostile.rs`).
//!
//! They are one test binary rather than one per file: one link is faster to build and
//! lighter on disk than six.

mod raw;
mod support;

mod grpc_go;
mod h2spec;
mod h2spec_frames;
mod h2spec_http;
mod hostile;

use http2::frame::{self, error, flag, kind};
use proto::hello::HelloRequest;
use proto::hello::greeter_client::GreeterClient;
use raw::{Raw, call_data, call_headers};
use shared::grpc::{MAX_HEADER_BYTES, MAX_STREAMS_PER_CONNECTION, SHUTDOWN_GRACE};
use support::connect;
use testkit::grpc::GreeterHealth;
use testkit::{PATIENCE, ServerProcess, within};
use tokio::net::TcpStream;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

const SERVER: &str = env!("CARGO_BIN_EXE_grpc-fast");

/// Starts the fast server in this process with `runtimes` runtimes on a free port.
fn start(runtimes: usize) -> String {
    let sockets = grpc_fast::bind("127.0.0.1:0".parse().unwrap(), runtimes).expect("bind");
    let addr = sockets[0].local_addr().expect("local address").to_string();
    // The runtimes stop when this test's runtime drops the future.
    tokio::spawn(grpc_fast::serve(sockets, std::future::pending()));
    addr
}

async fn say_hello(addr: &str, name: &str) -> String {
    let mut greeter = GreeterClient::new(connect(addr).await);
    let request = HelloRequest { name: name.into() };
    let reply = within("a reply", greeter.say_hello(request)).await;
    reply.expect("a reply").into_inner().message
}

#[tokio::test]
async fn every_connection_is_answered_whichever_runtime_takes_it() {
    let addr = start(3);
    // The kernel spreads connections over the sockets by a hash of their addresses: with
    // a dozen, each runtime almost surely gets some, and every one must be answered.
    for n in 0..12 {
        let name = format!("caller {n}");
        assert_eq!(say_hello(&addr, &name).await, format!("Hello {name}!"));
    }
}

#[tokio::test]
async fn server_streams_are_made_as_the_client_takes_them() {
    use proto::hello::HelloStreamRequest;
    let addr = start(1);
    let mut greeter = GreeterClient::new(connect(&addr).await);
    let request = HelloStreamRequest {
        name: "Ferris".into(),
        count: 3,
    };
    let mut replies = within("a stream", greeter.say_hello_stream(request))
        .await
        .expect("a stream")
        .into_inner();
    let mut got = Vec::new();
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while let Some(reply) = within("a message", replies.message())
        .await
        .expect("a message")
    {
        got.push(reply.message);
        assert!(
            tokio::time::Instant::now() < deadline,
            "the stream went on past {PATIENCE:?}: {got:?}"
        );
    }
    assert_eq!(
        got,
        [
            "Hello Ferris! (1 of 3)",
            "Hello Ferris! (2 of 3)",
            "Hello Ferris! (3 of 3)"
        ]
    );

    // A stream of a billion: a few messages taken, then the client hangs up. The server
    // made only what fit the client's window, and the connection serves on.
    let request = HelloStreamRequest {
        name: "Ferris".into(),
        count: 1_000_000_000,
    };
    let mut replies = within("a stream", greeter.say_hello_stream(request))
        .await
        .expect("a stream")
        .into_inner();
    for n in 1..=5 {
        let reply = within("a message", replies.message())
            .await
            .expect("a message");
        assert_eq!(
            reply.unwrap().message,
            format!("Hello Ferris! ({n} of 1000000000)")
        );
    }
    drop(replies);
    let reply = within(
        "a reply",
        greeter.say_hello(HelloRequest {
            name: "again".into(),
        }),
    )
    .await;
    assert_eq!(reply.expect("a reply").into_inner().message, "Hello again!");
}

/// A raw HTTP/2 connection, to see the settings the server sends and to break its rules.
async fn raw_h2(addr: &str) -> h2::client::SendRequest<bytes::Bytes> {
    let socket = TcpStream::connect(addr).await.expect("connect");
    let (client, connection) = within("the HTTP/2 handshake", h2::client::handshake(socket))
        .await
        .expect("an HTTP/2 connection");
    tokio::spawn(connection);
    client
}

fn call(addr: &str) -> http::request::Builder {
    http::Request::post(format!("http://{addr}/hello.Greeter/SayHello"))
        .header("content-type", "application/grpc")
        .header("te", "trailers")
}

#[tokio::test]
async fn the_limits_of_the_worked_example_hold() {
    let addr = start(2);
    let mut client = raw_h2(&addr).await;
    // One whole call first: its answer comes after the server's SETTINGS.
    let (answer, _) = client
        .send_request(call(&addr).body(()).unwrap(), true)
        .expect("send a call");
    within("an answer", answer).await.expect("an answer");
    assert_eq!(
        client.current_max_send_streams(),
        MAX_STREAMS_PER_CONNECTION as usize,
        "the server should advertise SETTINGS_MAX_CONCURRENT_STREAMS"
    );

    // Metadata within the limit is served; over it, the call is refused (431, or the stream
    // reset), never served.
    let half = "x".repeat(MAX_HEADER_BYTES as usize / 2);
    let request = call(&addr).header("x-half", half).body(()).unwrap();
    let mut client = within("room for a call", client.ready())
        .await
        .expect("open");
    let (answer, _) = client.send_request(request, true).expect("send a call");
    let answer = within("an answer", answer).await.expect("an answer");
    assert_eq!(
        answer.status(),
        http::StatusCode::OK,
        "half the limit is served"
    );
    let huge = "x".repeat(MAX_HEADER_BYTES as usize + 1);
    let request = call(&addr).header("x-huge", huge).body(()).unwrap();
    let mut client = within("room for a call", client.ready())
        .await
        .expect("open");
    let refused = match client.send_request(request, true) {
        Err(_) => true,
        Ok((answer, _)) => match within("an answer", answer).await {
            Err(_) => true,
            Ok(response) => response.status() == http::StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        },
    };
    assert!(
        refused,
        "a call with {MAX_HEADER_BYTES} bytes of metadata was served"
    );
    // And everyone else is served as usual.
    assert_eq!(say_hello(&addr, "Ferris").await, "Hello Ferris!");
}

#[tokio::test]
async fn sigterm_drains_then_exits_0() {
    let mut server = ServerProcess::start(SERVER, &["server", "--addr", "127.0.0.1:0"], 1).await;
    let addr = server.addr().to_string();
    assert_eq!(say_hello(&addr, "Ferris").await, "Hello Ferris!");
    let mut health = GreeterHealth::watch(connect(&addr).await).await;
    assert_eq!(health.next().await, ServingStatus::Serving);

    server.signal("TERM");
    assert_eq!(health.next().await, ServingStatus::NotServing);
    drop(health);
    server.exits_cleanly_within(PATIENCE).await;
    server.logged("server stopped").await;
}

#[tokio::test]
async fn a_call_that_never_ends_is_closed_after_the_grace_period() {
    let mut server = ServerProcess::start(SERVER, &["server", "--addr", "127.0.0.1:0"], 1).await;
    let mut health = HealthClient::new(connect(&server.addr().to_string()).await);
    // A health Watch never ends by itself: it holds the server until the grace runs out.
    let _watch = within("Watch", health.watch(HealthCheckRequest::default()))
        .await
        .expect("Watch");

    server.signal("TERM");
    server.logged("shutting down").await;
    server.exits_cleanly_within(SHUTDOWN_GRACE + PATIENCE).await;
    server.logged("closing the rest").await;
}

#[tokio::test]
async fn a_call_begun_before_sigint_is_answered() {
    let mut server = ServerProcess::start(SERVER, &["server", "--addr", "127.0.0.1:0"], 1).await;
    let mut raw = Raw::connect(&server.addr().to_string(), &[]).await;
    // The server's SETTINGS show that it has taken the connection in.
    raw.until(kind::SETTINGS, 0).await;
    // Half a call: its HEADERS before the stop, its message after. Whether the server has
    // read those HEADERS when the signal comes or not, they are ahead of anything this
    // client sends once it has read the GOAWAY.
    let mut half = Vec::new();
    call_headers(&mut half, 1, 0);
    raw.send(&half).await;
    server.signal("INT");

    // First GOAWAY: no new calls, naming the largest stream there is; a PING behind it.
    let first = raw.until(kind::GOAWAY, 0).await;
    assert_eq!(frame::u32_at(&first.payload, 0), Some(frame::MAX_WINDOW));
    assert_eq!(frame::u32_at(&first.payload, 4), Some(error::NO_ERROR));
    let ping = raw.until(kind::PING, 0).await;
    let mut pong = Vec::new();
    frame::put(&mut pong, kind::PING, flag::ACK, 0, &ping.payload);
    raw.send(&pong).await;
    // Its answer tells the server this client has read the GOAWAY: the second names the
    // last call it will answer, ours.
    let last = raw.until(kind::GOAWAY, 0).await;
    assert_eq!(
        frame::u32_at(&last.payload, 0),
        Some(1),
        "the last stream answered"
    );

    let mut rest = Vec::new();
    call_data(&mut rest, 1, "late");
    raw.send(&rest).await;
    assert_eq!(raw.trailers(1).await.header("grpc-status"), Some("0"));
    // With its last call answered, the connection closes and the server exits.
    raw.closed().await;
    server.exits_cleanly_within(PATIENCE).await;
}
