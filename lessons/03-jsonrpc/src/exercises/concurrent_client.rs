//! Exercise `jsonrpc.concurrent-client`: many calls in flight on one connection, each
//! reply matched to its call by id.
//!
//! This is what Go's `rpc.Client` does, and why JSON-RPC has ids at all: a server may answer
//! the calls of one connection in any order, and the id in a reply is all that says which
//! call it answers. So the calls need not wait for each other.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{Context, bail};
use jsonrpc_core::{Id, MethodCall, Output, Params, Value, Version};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A JSON-RPC 2.0 client over one newline-delimited TCP connection, shared by many calls.
pub struct Client {
    // TODO: what the calls of one client share, and what must outlive any one of them.
}

impl Client {
    /// Connects to `addr` and starts the task that reads replies and hands each one to the
    /// pending call with its id. When the connection closes, that task must fail every call
    /// still waiting (drop their senders), so that no call waits forever.
    pub async fn connect(addr: SocketAddr) -> anyhow::Result<Client> {
        // TODO: connect, and set up what reads the replies for as long as the connection
        // lives, as the doc comment says.
        todo!("connect and start reading replies")
    }

    /// Calls `method` with `params` (an array or an object) and returns its result. Takes
    /// `&self`: any number of calls may be in flight at once. An error reply becomes an `Err`
    /// holding the `jsonrpc_core::Error`, so the caller can read its code with
    /// `error.downcast_ref::<jsonrpc_core::Error>()`.
    pub async fn call(&self, method: &str, params: Value) -> anyhow::Result<Value> {
        // TODO: send one call and wait for its own reply, while other calls do the same. A
        // call must never wait for ever: not when the server hangs up, and not when its reply
        // comes back before the request has even finished going out.
        todo!("send one call and wait for its reply")
    }
}
