//! rpcx's `XClient`: calls a service, not a server. It follows the service's servers in the
//! registry, picks one per call (`select.rs`), keeps one connection per server, and when a
//! call fails, does what its fail mode says (`client/mode.go`, `client/xclient.go`):
//!
//! - **Failfast**: report the error;
//! - **Failtry**: try the same server again, up to `retries` more times;
//! - **Failover**: try another server, up to `retries` more times;
//! - **Failbackup**: after [`BACKUP_LATENCY`] with no answer, send the call to a second
//!   server too and take the first reply — the exercise `rpcx.backup`.
//!
//! Like rpcx, it never tries again after the server's own error (the call ran and failed).
//! Unlike rpcx, it also does not try again when the call may have run — the request left
//! and the answer did not come — so a call that is not idempotent runs at most once.
//!
//! rpcx's `XClient` also calls every server at once: `Fork` (the first reply wins) and
//! `Broadcast` (every server must answer, as when a cache is cleared everywhere); here
//! [`XClient::fork`] and [`XClient::broadcast`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use futures::future::BoxFuture;
use futures::stream::FuturesUnordered;
use futures::{FutureExt, StreamExt};
use micro::registry::{Node, Nodes};
use tracing::warn;

use crate::codec::Payload;
use crate::connection::{CallError, Connection};
use crate::header::Serialize as Format;
use crate::registry::is_active;
use crate::select::Select;

/// rpcx's `DefaultOption.Retries`.
pub const RETRIES: usize = 3;

/// rpcx's `DefaultOption.BackupLatency`: how long Failbackup waits for an answer before it
/// sends the call to a second server too.
pub const BACKUP_LATENCY: std::time::Duration = std::time::Duration::from_millis(10);

// ANCHOR: modes
/// What a client does when a call fails before it could run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailMode {
    Failfast,
    Failtry,
    Failover,
    /// A hedged call, with your `rpcx.backup`: idempotent methods only.
    Failbackup,
}
// ANCHOR_END: modes

/// Calls running on several servers, each ending in a reply or an error naming its server.
type Calls<'a, R> = FuturesUnordered<BoxFuture<'a, Result<Answered<R>, String>>>;

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
    pub async fn call<A: Payload + Sync, R: Payload>(
        &self,
        method: &str,
        args: &A,
    ) -> Result<Answered<R>, CallError> {
        if self.fail == FailMode::Failbackup {
            return self.call_with_backup(method, args).await;
        }
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

    /// Failbackup: `method(args)` on the server the selector picks and, after
    /// [`BACKUP_LATENCY`] with no answer, on a second one too (with one server, on the same
    /// one again). The hedge itself is the exercise `rpcx.backup`.
    async fn call_with_backup<A: Payload + Sync, R: Payload>(
        &self,
        method: &str,
        args: &A,
    ) -> Result<Answered<R>, CallError> {
        let first = self.pick(&[])?;
        let second = self.pick(std::slice::from_ref(&first.address))?;
        let servers = [first.address.as_str(), second.address.as_str()];
        crate::exercises::backup::call_with_backup(servers, method, args, BACKUP_LATENCY).await
    }

    // ANCHOR: all
    /// rpcx's `Fork`: `method(args)` on every active server at once; the first reply wins.
    /// When none replies, the errors of all, each naming its server.
    pub async fn fork<A: Payload + Sync, R: Payload>(
        &self,
        method: &str,
        args: &A,
    ) -> Result<Answered<R>, CallError> {
        let mut calls = self.on_every_server(method, args)?;
        let mut errors = Vec::new();
        while let Some(called) = calls.next().await {
            match called {
                Ok(answered) => return Ok(answered),
                Err(error) => errors.push(error),
            }
        }
        Err(CallError::Lost(errors.join("; ")))
    }

    /// rpcx's `Broadcast`: `method(args)` on every active server at once; every one must
    /// reply. The replies, or the errors of those that did not, each naming its server.
    pub async fn broadcast<A: Payload + Sync, R: Payload>(
        &self,
        method: &str,
        args: &A,
    ) -> Result<Vec<Answered<R>>, CallError> {
        let calls = self.on_every_server(method, args)?;
        let (replies, errors): (Vec<_>, Vec<_>) = calls
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .partition(Result::is_ok);
        if !errors.is_empty() {
            let errors: Vec<String> = errors.into_iter().filter_map(Result::err).collect();
            return Err(CallError::Lost(format!(
                "{} of {} servers: {}",
                errors.len(),
                errors.len() + replies.len(),
                errors.join("; ")
            )));
        }
        Ok(replies.into_iter().filter_map(Result::ok).collect())
    }

    /// The call on each active server, as they end; each error names its server.
    fn on_every_server<'a, A: Payload + Sync, R: Payload>(
        &'a self,
        method: &'a str,
        args: &'a A,
    ) -> Result<Calls<'a, R>, CallError> {
        let servers = self.active();
        if servers.is_empty() {
            return Err(CallError::NoServer(self.service.clone()));
        }
        Ok(servers
            .into_iter()
            .map(|server| {
                async move {
                    let connection = self.connection(&server.address).await;
                    let called = match connection {
                        Ok(connection) => connection.call(&self.service, method, args).await,
                        Err(error) => Err(error),
                    };
                    called
                        .map(|reply| Answered {
                            reply,
                            by: server.address.clone(),
                        })
                        .map_err(|error| format!("{}: {error}", server.address))
                }
                .boxed()
            })
            .collect())
    }
    // ANCHOR_END: all

    // ANCHOR: pick
    /// The servers a call may go to now: those the registry lists, but `state=inactive`.
    fn active(&self) -> Vec<Node> {
        let listed = self.servers.borrow();
        listed
            .iter()
            .filter(|node| is_active(node))
            .cloned()
            .collect()
    }

    /// A server to call: an active one, not among `tried` while others are left.
    fn pick(&self, tried: &[String]) -> Result<Node, CallError> {
        let servers = self.active();
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

    /// The connection to `address`: the open one, or a new one (dialled without holding the
    /// others up: two calls that dial at once keep the connection that came last).
    pub async fn connection(&self, address: &str) -> Result<Arc<Connection>, CallError> {
        if let Some(open) = self
            .connections
            .lock()
            .await
            .get(address)
            .filter(|open| !open.is_closed())
        {
            return Ok(open.clone());
        }
        let connection = Arc::new(Connection::connect(address, self.format).await?);
        self.connections
            .lock()
            .await
            .insert(address.to_string(), connection.clone());
        Ok(connection)
    }
}
