//! rpcx's `XClient`: calls a service, not a server. It follows the service's servers in the
//! registry, picks one per call (`select.rs`), keeps one connection per server, and when a
//! call fails, does what its fail mode says (`client/mode.go`, `client/xclient.go`):
//!
//! - **Failfast**: report the error;
//! - **Failtry**: try the same server again, up to `retries` more times;
//! - **Failover**: try another server, up to `retries` more times.
//!
//! Like rpcx, it never tries again after the server's own error (the call ran and failed).
//! Unlike rpcx, it also does not try again when the call may have run — the request left
//! and the answer did not come — so a call that is not idempotent runs at most once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use micro::registry::{Node, Nodes};
use tracing::warn;

use crate::codec::Payload;
use crate::connection::{CallError, Connection};
use crate::header::Serialize as Format;
use crate::registry::is_active;
use crate::select::Select;

/// rpcx's `DefaultOption.Retries`.
pub const RETRIES: usize = 3;

// ANCHOR: modes
/// What a client does when a call fails before it could run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailMode {
    Failfast,
    Failtry,
    Failover,
}
// ANCHOR_END: modes

/// A reply, and the server that sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered<R> {
    pub reply: R,
    pub by: String,
}

/// Calls one service on whichever of its servers the selector picks.
pub struct XClient {
    service: String,
    servers: Nodes,
    select: Mutex<Box<dyn Select>>,
    fail: FailMode,
    format: Format,
    connections: tokio::sync::Mutex<HashMap<String, Arc<Connection>>>,
}

impl XClient {
    /// A client of `service`, whose servers `servers` follows.
    pub fn new(
        service: &str,
        servers: Nodes,
        fail: FailMode,
        select: Box<dyn Select>,
        format: Format,
    ) -> XClient {
        XClient {
            service: service.to_string(),
            servers,
            select: Mutex::new(select),
            fail,
            format,
            connections: tokio::sync::Mutex::new(HashMap::new()),
        }
    }

    // ANCHOR: call
    /// Calls `method(args)` on a server of the service, as the fail mode says.
    pub async fn call<A: Payload, R: Payload>(
        &self,
        method: &str,
        args: &A,
    ) -> Result<Answered<R>, CallError> {
        let mut tried = Vec::new();
        let mut server = self.pick(&tried)?;
        for attempt in 0..=RETRIES {
            let called = match self.connection(&server.address).await {
                Ok(connection) => connection.call(&self.service, method, args).await,
                Err(error) => Err(error),
            };
            let error = match called {
                Ok(reply) => {
                    return Ok(Answered {
                        reply,
                        by: server.address,
                    });
                }
                Err(error) => error,
            };
            if self.fail == FailMode::Failfast || !error.could_not_have_run() || attempt == RETRIES
            {
                return Err(error);
            }
            warn!(server = %server.address, %error, "call not sent; trying again");
            if self.fail == FailMode::Failover {
                tried.push(server.address.clone());
                server = self.pick(&tried)?;
            }
        }
        unreachable!("the last attempt returns")
    }
    // ANCHOR_END: call

    // ANCHOR: pick
    /// A server to call: an active one, not among `tried` while others are left.
    fn pick(&self, tried: &[String]) -> Result<Node, CallError> {
        let servers: Vec<Node> = self
            .servers
            .borrow()
            .iter()
            .filter(|node| is_active(node))
            .cloned()
            .collect();
        let untried: Vec<Node> = servers
            .iter()
            .filter(|node| !tried.contains(&node.address))
            .cloned()
            .collect();
        let candidates = if untried.is_empty() { servers } else { untried };
        if candidates.is_empty() {
            return Err(CallError::NoServer(self.service.clone()));
        }
        let index = micro::locks::lock(&self.select).select(&candidates);
        Ok(candidates[index].clone())
    }
    // ANCHOR_END: pick

    /// The connection to `address`: the open one, or a new one.
    pub async fn connection(&self, address: &str) -> Result<Arc<Connection>, CallError> {
        let mut connections = self.connections.lock().await;
        if let Some(open) = connections.get(address).filter(|open| !open.is_closed()) {
            return Ok(open.clone());
        }
        let connection = Arc::new(Connection::connect(address, self.format).await?);
        connections.insert(address.to_string(), connection.clone());
        Ok(connection)
    }
}
