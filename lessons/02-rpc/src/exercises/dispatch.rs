//! Exercise `rpc.dispatch`: dispatch with a limit, so that one busy service sheds its load.
//!
//! The worked example's server runs every call it reads, each on a task of its own. A
//! service that is slow today (a database that stalls, a method that waits on another
//! server) then gathers calls without end: each holds memory and a task, and the callers
//! wait longer and longer. A server under too much load does better to say so at once, so
//! that the caller can back off or try another server: it *sheds* the load. Here the limit
//! is per service, so that a slow service never takes the others down with it.

use crate::message::{Reply, Request};
use crate::registry::Registry;

/// Dispatches requests through a [`Registry`], with at most `most_per_service` calls of
/// each service running at once.
pub struct Dispatcher {
    registry: Registry,
    most_per_service: usize,
    // TODO: whatever else the dispatcher must keep from one call to the next.
}

impl Dispatcher {
    pub fn new(registry: Registry, most_per_service: usize) -> Dispatcher {
        // TODO: a dispatcher with no call running yet.
        todo!("a dispatcher that runs at most {most_per_service} calls of a service at once")
    }

    /// Runs `request` and returns its reply, under the request's `id`:
    /// - a name the registry cannot run (no dot, no such service or method) gets the error
    ///   reply the registry words, however busy that service is;
    /// - a call of a service with `most_per_service` calls running already is not run: its
    ///   reply is at once the error `rpc: <service> is busy: <N> calls running`;
    /// - any other call runs, and its outcome is the reply.
    ///
    /// A call counts as running from the moment it is let in until it has its outcome, or
    /// until its caller gives up on it (this future dropped, at any `.await`).
    pub async fn dispatch(&self, request: Request) -> Reply {
        // TODO: answer `request` as the doc comment says. Dispatchers are shared between
        //       tasks, so calls arrive at the same time.
        todo!("run the call, or answer busy when its service has enough running")
    }
}
