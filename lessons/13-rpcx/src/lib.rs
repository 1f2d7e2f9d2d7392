//! Lesson 13: rpcx — a Go RPC framework with a wire of its own, carried into Rust.
//!
//! - `header.rs` and `message.rs`: rpcx's frame, bit for bit, read without trusting a length;
//! - `codec.rs`: the payload, MsgPack (rpcx's default) or JSON;
//! - `arith.rs`: the Go course's `Arith` service, `Mul` and `Div`;
//! - `server.rs`: an rpcx server — heartbeats, oneway calls, gzip, errors in the metadata;
//! - `connection.rs`: one client connection, many calls at once, paired by sequence number;
//! - `registry.rs`: rpcx's keys in etcd, on a lease the server keeps alive;
//! - `select.rs` and `xclient.rs`: rpcx's `XClient` — which server, and what to do when it
//!   fails.

pub mod arith;
pub mod codec;
pub mod connection;
pub mod header;
pub mod message;
pub mod registry;
pub mod select;
pub mod server;
pub mod xclient;

/// Where lesson 13's server listens when `--addr` is not given.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7013";

/// The learner's files, or with `--features solution` the reference answers in
/// `solutions/`. The tests use `l13_rpcx::exercises::…` and cannot tell which.
#[cfg_attr(
    not(feature = "solution"),
    allow(unused_variables, unused_imports, dead_code)
)]
pub mod exercises {
    #[cfg_attr(feature = "solution", path = "../../solutions/weighted.rs")]
    pub mod weighted;

    #[cfg_attr(feature = "solution", path = "../../solutions/backup.rs")]
    pub mod backup;

    #[cfg_attr(feature = "solution", path = "../../solutions/heartbeat.rs")]
    pub mod heartbeat;
}
