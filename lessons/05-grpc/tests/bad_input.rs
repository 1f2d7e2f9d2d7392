//! Bad input to the worked example's server: each kind gets a clean answer (a gRPC status,
//! or a closed connection for bytes that are not HTTP/2 at all), and the server goes on
//! serving everyone else.

use crate::support;

use bytes::Bytes;
use l05_grpc::wire::{frame, raw_call};
use proto::hello::greeter_client::GreeterClient;
use proto::hello::{HelloRequest, HelloStreamRequest};
use testkit::within;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tonic::Code;

use support::{connect, worked_example as start};

/// A good call on a fresh connection: the server is still serving.
async fn still_serving(addr: &str) {
    let mut greeter = GreeterClient::new(connect(addr).await);
    let reply = within(
        "a good call after the bad input",
        greeter.say_hello(HelloRequest {
            name: "Ferris".into(),
        }),
    )
    .await
    .expect("the server should still answer a good call");
    assert_eq!(reply.into_inner().message, "Hello Ferris!");
}

/// Sends a hand-made body to `path` and returns the call's status code and message.
async fn raw_status(addr: &str, path: &str, body: Vec<u8>) -> (Code, String) {
    let reply = within(
        "the reply to a hand-made call",
        raw_call(connect(addr).await, path, Bytes::from(body)),
    )
    .await
    .expect("an HTTP/2 response");
    assert_eq!(reply.status, http::StatusCode::OK, "gRPC answers 200");
    let status = reply.grpc_status().expect("a grpc-status");
    (status.code(), status.message().to_string())
}

// ANCHOR: junk
#[tokio::test]
async fn bytes_that_are_not_http2_close_that_connection_only() {
    let addr = start().await;
    let junk: [&[u8]; 3] = [
        b"hello? is this thing on? \x00\xff\x13\x37 hello?\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x04\x09",
    ];
    for bytes in junk {
        let mut socket = TcpStream::connect(&addr).await.expect("connect");
        socket.write_all(bytes).await.expect("write");
        socket.shutdown().await.expect("shut down our side");
        // The server reads, sees no HTTP/2 connection preface, and hangs up.
        let mut answer = Vec::new();
        let _ = within("the server to hang up", socket.read_to_end(&mut answer)).await;
        still_serving(&addr).await;
    }
}
// ANCHOR_END: junk

// ANCHOR: bad_protobuf
#[tokio::test]
async fn broken_protobuf_is_internal() {
    let addr = start().await;
    let bodies: [(&str, Vec<u8>); 4] = [
        // Field 1 says 6 bytes follow; only 2 do.
        (
            "a truncated message",
            frame(&[0x0a, 0x06, b'F', b'e']).to_vec(),
        ),
        // Field 1 is a string, but this says it is a varint.
        ("a field of the wrong type", frame(&[0x08, 0x01]).to_vec()),
        // A string field that is not UTF-8.
        (
            "a string that is not UTF-8",
            frame(&[0x0a, 0x02, 0xff, 0xfe]).to_vec(),
        ),
        // The prefix promises 100 bytes; the body ends after 3.
        ("a truncated frame", vec![0, 0, 0, 0, 100, 0x0a, 0x01, b'F']),
    ];
    for (what, body) in bodies {
        let (code, message) = raw_status(&addr, "/hello.Greeter/SayHello", body).await;
        assert_eq!(code, Code::Internal, "{what}: {message}");
        assert!(!message.is_empty(), "{what}: the status explains itself");
    }
    still_serving(&addr).await;
}
// ANCHOR_END: bad_protobuf

#[tokio::test]
async fn a_compressed_flag_without_compression_is_refused() {
    let addr = start().await;
    let mut body = frame(b"\x0a\x01F").to_vec();
    body[0] = 1; // "compressed", but the request named no grpc-encoding
    let (code, message) = raw_status(&addr, "/hello.Greeter/SayHello", body).await;
    assert_eq!(code, Code::Internal, "{message}");
    still_serving(&addr).await;
}

#[tokio::test]
async fn unknown_methods_and_services_are_unimplemented() {
    let addr = start().await;
    for path in ["/hello.Greeter/SayGoodbye", "/hello.Nobody/SayHello", "/"] {
        let (code, _) = raw_status(&addr, path, frame(b"").to_vec()).await;
        assert_eq!(code, Code::Unimplemented, "{path}");
    }
    still_serving(&addr).await;
}

#[tokio::test]
async fn a_message_over_the_size_limit_is_refused() {
    let addr = start().await;
    let channel = connect(&addr).await;
    let mut greeter = GreeterClient::new(channel.clone());
    // The server takes messages up to 4 MiB, as grpc-go does; this one is 5 MiB.
    let huge = HelloRequest {
        name: "x".repeat(5 << 20),
    };
    let status = within("the reply to a 5 MiB request", greeter.say_hello(huge))
        .await
        .expect_err("a 5 MiB message is over the limit");
    assert!(
        matches!(status.code(), Code::OutOfRange | Code::ResourceExhausted),
        "got {status:?}"
    );
    // The same connection still carries good calls.
    let reply = within(
        "a good call on the same connection",
        greeter.say_hello(HelloRequest {
            name: "Ferris".into(),
        }),
    )
    .await
    .expect("a good call after the oversized one");
    assert_eq!(reply.into_inner().message, "Hello Ferris!");
}

#[tokio::test]
async fn a_client_that_hangs_up_mid_stream() {
    let addr = start().await;
    let mut greeter = GreeterClient::new(connect(&addr).await);
    let request = HelloStreamRequest {
        name: "Ferris".into(),
        count: u32::MAX,
    };
    let mut replies = within("the stream", greeter.say_hello_stream(request))
        .await
        .expect("SayHelloStream")
        .into_inner();
    let first = within("the first reply", replies.message()).await;
    assert!(matches!(first, Ok(Some(_))), "got {first:?}");
    // Gone: the stream and the connection with it.
    drop(replies);
    drop(greeter);
    still_serving(&addr).await;
}

#[tokio::test]
async fn a_server_that_is_down_is_a_clear_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local address").to_string();
    drop(listener); // nobody listens there now
    let error = within("the refused connection", l05_grpc::client::connect(&addr))
        .await
        .expect_err("nothing listens there");
    let text = format!("{error:#}");
    assert!(text.contains("onnect"), "a connection error, got {text}");
}

// ANCHOR: streams
#[tokio::test]
async fn one_connection_cannot_hold_more_than_its_share_of_calls() {
    use l05_grpc::server::MAX_STREAMS_PER_CONNECTION;

    let addr = start().await;
    // A raw HTTP/2 client, to open calls and never finish sending them.
    let socket = TcpStream::connect(&addr).await.expect("connect");
    let (mut client, connection) = within("the HTTP/2 handshake", h2::client::handshake(socket))
        .await
        .expect("an HTTP/2 connection");
    tokio::spawn(connection);
    let call = || {
        http::Request::post(format!("http://{addr}/hello.Greeter/SayHello"))
            .header("content-type", "application/grpc")
            .header("te", "trailers")
            .body(())
            .expect("a request")
    };

    // One whole call first: its answer comes after the server's SETTINGS.
    let (answer, _) = client.send_request(call(), true).expect("send a call");
    within("an answer", answer).await.expect("an answer");

    let mut held = Vec::new();
    for _ in 0..MAX_STREAMS_PER_CONNECTION {
        client = within("room for another call", client.ready())
            .await
            .expect("the connection is open");
        // `false`: the request body is not over, so the call stays open on the server.
        let (response, body) = client.send_request(call(), false).expect("open a call");
        held.push((response, body));
    }
    // The server told this client how many calls it may have open at once: one more
    // would wait on the client's side until one of these ends.
    assert_eq!(
        client.current_max_send_streams(),
        MAX_STREAMS_PER_CONNECTION as usize,
        "the server should advertise SETTINGS_MAX_CONCURRENT_STREAMS"
    );
    // And everyone else is served as usual.
    still_serving(&addr).await;
}
// ANCHOR_END: streams
