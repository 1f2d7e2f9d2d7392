//! Exercise `rpc.client`: a call with a deadline that leaves nothing behind.
//!
//! `tokio::time::timeout` around the worked example's `call` gives up in time but leaves
//! the call's oneshot sender in the table of pending calls, and a hanging server never sends
//! the reply that would take it out. The entry has to leave with the call, on every way
//! out: returning, or being dropped at an `.await` (by a timeout, a `select!`, an abort).
//! Code that must run however a scope is left goes in a `Drop` implementation: a guard.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use crate::client::Begun;
pub use crate::client::{Client, RpcError};

/// Takes a call's entry out of the table of pending calls when it is dropped.
struct Forget<'a> {
    client: &'a Client,
    id: u64,
}

impl Drop for Forget<'_> {
    fn drop(&mut self) {
        // After a reply the reader has removed the entry already: nothing to do then.
        self.client.forget(self.id);
    }
}

impl Client {
    /// Calls `method` with `params` and waits at most `deadline` for the result.
    ///
    /// The call is registered and sent as `Client::call` does it (src/client.rs: `begin`,
    /// then the writer's queue, `self.requests`), and the deadline covers both the wait for
    /// room in that queue and the wait for the reply. From the moment the call is in the
    /// table of pending calls, no way out of this function leaves it there.
    pub async fn call_within(
        &self,
        method: &str,
        params: impl Serialize,
        deadline: Duration,
    ) -> Result<Value, RpcError> {
        let Begun { id, frame, reply } = self.begin(method, params)?;
        // From here on, every way out of this function drops the guard.
        let _forget = Forget { client: self, id };
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
