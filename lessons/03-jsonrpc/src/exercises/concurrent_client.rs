//! Exercise `jsonrpc.concurrent-client`: many calls in flight on one connection, each
//! reply matched to its call by id.
//!
//! This is how Go's `rpc.Client` works, and why JSON-RPC has ids at all: every call gets a
//! fresh id and waits in a table of pending calls; one reader task takes each reply off the
//! connection and hands it to the call with that id. The calls need not wait for each other.

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
    // TODO: what the calls share: the write half (behind a `tokio::sync::Mutex`, so one
    // request line is written whole before the next), the next id (`AtomicU64`), and the
    // pending calls (`Arc<Mutex<…>>` of id → `oneshot::Sender<Output>`), which the reader
    // task needs too.
}

impl Client {
    /// Connects to `addr` and starts the task that reads replies and hands each one to the
    /// pending call with its id. When the connection closes, that task must fail every call
    /// still waiting (drop their senders), so that no call waits forever.
    pub async fn connect(addr: SocketAddr) -> anyhow::Result<Client> {
        // TODO: connect, `into_split()`, spawn the reader task, keep the write half.
        todo!("connect and start reading replies")
    }

    /// Calls `method` with `params` (an array or an object) and returns its result. Takes
    /// `&self`: any number of calls may be in flight at once. An error reply becomes an `Err`
    /// holding the `jsonrpc_core::Error`, so the caller can read its code with
    /// `error.downcast_ref::<jsonrpc_core::Error>()`.
    pub async fn call(&self, method: &str, params: Value) -> anyhow::Result<Value> {
        // TODO: take a fresh id, put a `oneshot::Sender` in the pending table under it, write
        // the request line, then wait on the `oneshot::Receiver`.
        todo!("send one call and wait for its reply")
    }
}
