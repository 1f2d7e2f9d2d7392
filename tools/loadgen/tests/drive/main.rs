//! The load generator's tests: each protocol's driver against a small server the test starts,
//! and the command line.
//!
//! They are one test binary rather than one per file: one link is faster to build and lighter
//! on disk than five.

mod common;

mod cli;
mod echo;
#[cfg(feature = "events")]
mod events;
mod grpc;
mod jsonrpc;
mod rpc;
mod tls;
