//! Exercise `rpc.dispatch`: from a request to its reply.
//!
//! The server's core. A request names its method as `"Service.Method"`; dispatching finds
//! the service in the registry, asks it to start the method, and waits for the outcome.
//! Every way this can go wrong must still produce a reply with the request's `id` — the
//! caller is waiting for exactly that id — so that one bad call costs one error reply and
//! never the connection (and the other calls on it).

use crate::message::{Reply, Request};
use crate::registry::Registry;

/// Runs `request` against `registry` and returns its reply, which always has the
/// request's `id`:
/// - `"hello.HelloWorld"` → the service `hello`, method `HelloWorld` (split at the last `.`);
/// - no `.` in the name → an error reply saying the request is ill-formed;
/// - no such service, or the service has no such method (its `call` returns `None`) → an
///   error reply naming the whole `"Service.Method"`, like Go's
///   `rpc: can't find method hello.Nope`;
/// - the method's future resolves to `Err(message)` → an error reply with that message
///   and *no* result; `Ok(value)` → a reply with that result and no error.
pub async fn dispatch(registry: &Registry, request: Request) -> Reply {
    // TODO: answer `request` as the doc comment says: one reply for every request, whatever
    //       went wrong, and always under the request's own id.
    todo!("find the service and method, run it, and reply with the request's id")
}
