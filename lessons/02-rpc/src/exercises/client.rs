//! Exercise `rpc.client`: a call with a deadline that leaves nothing behind.
//!
//! The worked example's `call` waits as long as the server takes. A caller with a deadline
//! could wrap it in `tokio::time::timeout`, and that leaks: when the deadline passes, the
//! call's future is dropped, but its oneshot sender stays in the table of pending calls
//! until a reply with its id comes, which from a server that hangs is never. A client that
//! gives up often fills its table for as long as the connection lives. So does a caller
//! dropped for any other reason: a `select!` that took another branch, a task aborted.
//!
//! Write `call_within`: like `call`, but it gives up after `deadline` with
//! `RpcError::TimedOut(deadline)`, and however it ends — a reply, the deadline, the
//! connection closing, or its future dropped at any `.await` — the entry under its id is
//! gone from the table. `Client::calls_waiting` counts the entries; the tests watch it.

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

pub use crate::client::{Client, RpcError};

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
        // TODO: the call, within `deadline`, as the doc comment says; a call that gives up
        //       ends with `RpcError::TimedOut(deadline)`. Which code of yours still runs
        //       when this future is dropped in the middle of an `.await`?
        todo!("call {method} and wait at most {deadline:?}, leaving nothing behind")
    }
}
