//! Exercise `rpc.client`: a call with a deadline that leaves nothing behind.
//!
//! `tokio::time::timeout` around the worked example's `call` gives up in time but leaves
//! the call's oneshot sender in the table of pending calls, and a hanging server never sends
//! the reply that would take it out. The entry has to leave with the call, on every way
//! out: returning, or being dropped at an `.await` (by a timeout, a `select!`, an abort).
//! Code that must run however a scope is left goes in a `Drop` implementation: a guard.

use std::sync::atomic::Ordering;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;
use tokio::sync::oneshot;

pub use crate::client::{Client, RpcError};
use crate::client::{Pending, lock};
use crate::frame::encode;
use crate::message::Request;

/// Takes a call's entry out of the table of pending calls when it is dropped.
struct Forget<'a> {
    pending: &'a Pending,
    id: u64,
}

impl Drop for Forget<'_> {
    fn drop(&mut self) {
        // After a reply the reader has removed the entry already: nothing to do then.
        if let Some(table) = lock(self.pending).as_mut() {
            table.remove(&self.id);
        }
    }
}

impl Client {
    /// Calls `method` with `params` and waits at most `deadline` for the result.
    pub async fn call_within(
        &self,
        method: &str,
        params: impl Serialize,
        deadline: Duration,
    ) -> Result<Value, RpcError> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let frame = encode(&Request {
            id,
            method: method.to_owned(),
            params: serde_json::to_value(params)?,
        })?;
        let (reply_to, reply) = oneshot::channel();
        match lock(&self.pending).as_mut() {
            Some(table) => table.insert(id, reply_to),
            None => return Err(RpcError::Closed),
        };
        // From here on, every way out of this function drops the guard.
        let _forget = Forget {
            pending: &self.pending,
            id,
        };
        // The deadline covers the wait for room in the writer's queue too.
        let sent_and_answered = async {
            self.requests
                .send(frame)
                .await
                .map_err(|_| RpcError::Closed)?;
            reply.await.map_err(|_| RpcError::Closed)
        };
        let reply = tokio::time::timeout(deadline, sent_and_answered)
            .await
            .map_err(|_| RpcError::TimedOut(deadline))??;
        reply.into_outcome().map_err(RpcError::Service)
    }
}
