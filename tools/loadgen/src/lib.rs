//! A closed-loop load generator for the course's servers.
//!
//! `loadgen` opens N connections to a server on this machine, and on each one sends a
//! request, waits for the reply, checks it, records how long it took, and sends the next.
//! It speaks the five protocols of lessons 01–05, and only the protocols: it drives any
//! server that speaks them, ours or Go's, so the two can be compared on the same machine.
//!
//! The pieces:
//! - [`target`] resolves `--addr` and refuses anything that is not loopback;
//! - [`runner`] holds the settings and the clock (connect, warm up, measure, drain);
//! - [`stats`] records latencies in an HDR histogram, counts errors and prints the report;
//! - [`tcp`] is the closed loop over one TCP connection, shared by the byte protocols;
//! - [`echo`], [`rpc`], [`jsonrpc`] say how each byte protocol writes a request and reads a
//!   reply; [`grpc`] makes gRPC calls, by default with [`grpc_frames`]' HTTP/2 frames by hand,
//!   and over mutual TLS with [`tls`] (lesson 16's certificates);
//! - `events` (with the `events` feature) measures lesson 12's brokers: publish → deliver;
//! - [`report`] sums up `bench.sh`'s repeated runs: medians, spread, ratios, an SVG chart.

pub mod echo;
#[cfg(feature = "events")]
pub mod events;
pub mod grpc;
pub mod grpc_frames;
pub mod grpc_h2;
pub mod grpc_reply;
pub mod jsonrpc;
pub mod report;
pub mod rpc;
pub mod runner;
pub mod stats;
pub mod target;
pub mod tcp;
pub mod tls;

use runner::Settings;
use stats::Report;

/// The protocols `loadgen` speaks, one per subcommand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// Lesson 01: newline-delimited lines, echoed back.
    Echo,
    /// Lesson 02: length-prefixed JSON frames, `hello.HelloWorld`.
    Rpc,
    /// Lesson 03: newline-delimited JSON-RPC 2.0.
    JsonRpc,
    /// JSON-RPC 1.0 exactly as Go's `net/rpc/jsonrpc` client sends it.
    JsonRpc1,
    /// Lesson 05: `hello.Greeter/SayHello` over HTTP/2.
    Grpc,
}

impl Protocol {
    /// The subcommand's name, as printed in reports.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Echo => "echo",
            Protocol::Rpc => "rpc",
            Protocol::JsonRpc => "jsonrpc",
            Protocol::JsonRpc1 => "jsonrpc1",
            Protocol::Grpc => "grpc",
        }
    }

    /// Where the lesson's own server listens.
    pub fn default_addr(self) -> &'static str {
        match self {
            Protocol::Echo => "127.0.0.1:7001",
            Protocol::Rpc => "127.0.0.1:7002",
            Protocol::JsonRpc | Protocol::JsonRpc1 => "127.0.0.1:7003",
            Protocol::Grpc => "127.0.0.1:7005",
        }
    }
}

/// Runs one measurement of `protocol` with `settings` and returns what it saw.
pub async fn run(protocol: Protocol, settings: &Settings) -> anyhow::Result<Report> {
    match protocol {
        Protocol::Echo => tcp::run(echo::Echo, protocol, settings).await,
        Protocol::Rpc => tcp::run(rpc::Rpc, protocol, settings).await,
        Protocol::JsonRpc => tcp::run(jsonrpc::JsonRpc::V2, protocol, settings).await,
        Protocol::JsonRpc1 => tcp::run(jsonrpc::JsonRpc::V1, protocol, settings).await,
        Protocol::Grpc => grpc::run(settings, grpc::Client::default()).await,
    }
}
