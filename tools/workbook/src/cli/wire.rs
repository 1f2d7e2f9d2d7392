//! `workbook wire`'s arguments: the shape of the command, declared with the rest of the
//! command line so that `workbook --help` lists it; the view itself is `workbook-full`'s
//! (tools/workbook-full/src/wire/).

use std::net::SocketAddr;

/// How to read the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Protocol {
    /// Lines of text (lesson 01).
    Lines,
    /// 4-byte length, then JSON (lesson 02), after an optional HTTP CONNECT.
    Frames,
    /// One JSON-RPC message a line (lesson 03 over TCP).
    Jsonrpc,
    /// HTTP/1.1 with JSON bodies (lesson 03 over HTTP, Consul's API).
    Http,
    /// gRPC: HTTP/2 frames with protobuf messages (lessons 05–08).
    Grpc,
    /// NATS's text protocol, go-micro's broker messages inside (lesson 12).
    Nats,
    /// rpcx's frames: a 12-byte header, then path, method, metadata and payload (lesson 13).
    Rpcx,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Lines => "lines",
            Protocol::Frames => "frames",
            Protocol::Jsonrpc => "jsonrpc",
            Protocol::Http => "http",
            Protocol::Grpc => "grpc",
            Protocol::Nats => "nats",
            Protocol::Rpcx => "rpcx",
        }
    }
}

/// `workbook wire`: its arguments.
#[derive(Debug, clap::Args)]
pub struct WireArgs {
    /// The lesson whose servers to relay: 01, 02, 03, 05, 11, 12 or 13 (or tcp, rpc,
    /// jsonrpc, grpc, micro, events, rpcx).
    #[arg(conflicts_with = "protocol", required_unless_present = "to")]
    pub lesson: Option<String>,
    /// Where a relay listens, on 127.0.0.1 (default: its server's port + 200). Give one
    /// for each server.
    #[arg(long)]
    pub listen: Vec<SocketAddr>,
    /// A server to relay to, on 127.0.0.1 (default: the lesson's). Give one for each.
    #[arg(long)]
    pub to: Vec<SocketAddr>,
    /// How to read the bytes of each `--to` (without a lesson).
    #[arg(long, value_enum, requires = "to")]
    pub protocol: Vec<Protocol>,
    /// Also write one line per message to standard output.
    #[arg(long)]
    pub print: bool,
}
