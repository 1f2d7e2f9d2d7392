//! Lesson 03: JSON-RPC, a wire format that every language speaks.
//!
//! Lesson 02 made a protocol of our own; Go's `net/rpc` uses gob, which only Go can read.
//! JSON-RPC is a short public specification on top of JSON, so a Python script, a browser or
//! a Go program can call the same server. The worked example serves one jsonrpc-core
//! `IoHandler` (the methods) over two transports, newline-delimited TCP and HTTP POST, and
//! also answers Go's `net/rpc/jsonrpc` client, which speaks the older JSON-RPC 1.0.
//!
//! - `methods`: the methods, `hello.HelloWorld` and `arith.Add`
//! - `dispatch`: one request in, at most one reply out, for every transport
//! - `v1`: the adapter for JSON-RPC 1.0 as Go speaks it
//! - `tcp`, `http`: the two servers; `client`: their clients

pub mod client;
pub mod dispatch;
pub mod http;
pub mod methods;
pub mod tcp;
pub mod v1;

/// The learner's files, or with `--features solution` the reference answers in
/// `solutions/`. The tests use `l03_jsonrpc::exercises::…` and cannot tell which.
#[cfg_attr(
    not(feature = "solution"),
    allow(unused_variables, unused_imports, dead_code)
)]
pub mod exercises {
    #[cfg_attr(feature = "solution", path = "../../solutions/batch.rs")]
    pub mod batch;
    #[cfg_attr(feature = "solution", path = "../../solutions/concurrent_client.rs")]
    pub mod concurrent_client;
    #[cfg_attr(feature = "solution", path = "../../solutions/divide.rs")]
    pub mod divide;
    #[cfg_attr(feature = "solution", path = "../../solutions/lines.rs")]
    pub mod lines;
}
