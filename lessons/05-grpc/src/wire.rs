//! gRPC without the generated stub: one call made by hand, byte by byte.
//!
//! Under `GreeterClient::say_hello` there is nothing but an HTTP/2 POST: the path names the
//! method, the body is the protobuf message behind a 5-byte prefix, and the outcome comes
//! back in a trailer, `grpc-status`. This module builds such a request itself, which is how
//! the `wire` subcommand shows a call and how the tests send bytes no stub would send.

use std::fmt::Write as _;

use bytes::{BufMut, Bytes, BytesMut};
use http::HeaderMap;
use http_body_util::{BodyExt, Full};
use prost::Message;
use proto::hello::{HelloReply, HelloRequest};
use shared::grpc::message::{PREFIX_LEN, put_prefix};
use tonic::Status;
use tonic::transport::Channel;
use tower::ServiceExt;

/// Puts one encoded message into a gRPC frame: the 5-byte prefix, then the message.
pub fn frame(message: &[u8]) -> Bytes {
    let mut framed = BytesMut::with_capacity(PREFIX_LEN + message.len());
    put_prefix(&mut framed, message.len());
    framed.put_slice(message);
    framed.freeze()
}

/// What came back from a raw call, as it was on the wire.
#[derive(Debug)]
pub struct RawReply {
    /// The HTTP/2 response headers (`:status` is in `status`).
    pub headers: HeaderMap,
    /// The HTTP status: always 200 for a gRPC server that understood the request as gRPC.
    pub status: http::StatusCode,
    /// The response body: zero or more frames, as [`frame`] makes them.
    pub body: Bytes,
    /// The trailers, where the call's outcome is; `None` in a trailers-only response, which
    /// puts `grpc-status` in the headers instead.
    pub trailers: Option<HeaderMap>,
}

impl RawReply {
    /// The call's outcome: `grpc-status` and `grpc-message` from the trailers, or from the
    /// headers of a trailers-only response.
    pub fn grpc_status(&self) -> Option<Status> {
        self.trailers
            .as_ref()
            .and_then(Status::from_header_map)
            .or_else(|| Status::from_header_map(&self.headers))
    }
}

// ANCHOR: raw_call
/// POSTs `body` to `path` (`/package.Service/Method`) as a gRPC request and reads the whole
/// response: headers, body and trailers.
pub async fn raw_call(channel: Channel, path: &str, body: Bytes) -> anyhow::Result<RawReply> {
    let request = http::Request::post(path)
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(tonic::body::Body::new(Full::new(body)))?;
    let response = channel.oneshot(request).await?;
    let (head, body) = response.into_parts();
    let body = body.collect().await?;
    Ok(RawReply {
        headers: head.headers,
        status: head.status,
        trailers: body.trailers().cloned(),
        body: body.to_bytes(),
    })
}
// ANCHOR_END: raw_call

/// Bytes as hex, 16 to a line, each line indented.
pub fn hex(bytes: &[u8]) -> String {
    let mut text = String::new();
    for line in bytes.chunks(16) {
        text.push_str("   ");
        for byte in line {
            let _ = write!(text, " {byte:02x}");
        }
        text.push('\n');
    }
    text
}

fn show_headers(title: &str, headers: &HeaderMap) {
    println!("{title}");
    for (name, value) in headers {
        println!("    {name}: {}", value.to_str().unwrap_or("<binary>"));
    }
}

/// Makes one SayHello call by hand and prints everything that went over the wire.
pub async fn show(addr: &str, name: &str) -> anyhow::Result<()> {
    let channel = crate::client::connect(addr).await?;
    let message = HelloRequest { name: name.into() }.encode_to_vec();
    let request_body = frame(&message);
    println!("request: POST /hello.Greeter/SayHello");
    println!("    content-type: application/grpc");
    println!("    te: trailers");
    print!(
        "request body ({} bytes: 5-byte prefix + {}-byte HelloRequest):\n{}",
        request_body.len(),
        message.len(),
        hex(&request_body)
    );

    let reply = raw_call(channel, "/hello.Greeter/SayHello", request_body).await?;
    println!("response: {}", reply.status);
    show_headers("response headers:", &reply.headers);
    print!(
        "response body ({} bytes):\n{}",
        reply.body.len(),
        hex(&reply.body)
    );
    match &reply.trailers {
        Some(trailers) => show_headers("response trailers:", trailers),
        None => println!("response trailers: none (trailers-only: the status is in the headers)"),
    }
    if reply.body.len() >= 5 {
        let decoded = HelloReply::decode(&reply.body[5..])?;
        println!("decoded: HelloReply {{ message: {:?} }}", decoded.message);
    }
    Ok(())
}
