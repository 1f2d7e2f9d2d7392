//! Exercise `rpc.dispatch`: dispatch with a limit, so that one busy service sheds its load.
//!
//! The worked example's server runs every call it reads, each on a task of its own. A
//! service that is slow today (a database that stalls, a method that waits on another
//! server) then gathers calls without end: each holds memory and a task, and the callers
//! wait longer and longer. A server under too much load does better to say so at once, so
//! that the caller can back off or try another server: it *sheds* the load. Here the limit
//! is per service, so that a slow service never takes the others down with it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::Semaphore;

use crate::message::{Reply, Request};
use crate::registry::Registry;

/// Dispatches requests through a [`Registry`], with at most `most_per_service` calls of
/// each service running at once.
pub struct Dispatcher {
    registry: Registry,
    most_per_service: usize,
    /// Each service's free places, made the first time the service is called. A call
    /// holds one of its service's places for as long as it runs.
    places: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl Dispatcher {
    pub fn new(registry: Registry, most_per_service: usize) -> Dispatcher {
        Dispatcher {
            registry,
            most_per_service,
            places: Mutex::new(HashMap::new()),
        }
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
        let Request { id, method, params } = request;
        let call = match self.registry.start(&method, params) {
            Ok(call) => call,
            Err(message) => return Reply::error(id, message),
        };
        // The registry found it, so the name has a dot.
        let service = method.rsplit_once('.').map_or(method.as_str(), |(s, _)| s);
        let places = self.places_of(service);
        // A permit is a place, given back when it is dropped: when the call ends, and also
        // when this future is dropped while the call runs.
        let Ok(_place) = places.try_acquire_owned() else {
            let most = self.most_per_service;
            return Reply::error(id, format!("rpc: {service} is busy: {most} calls running"));
        };
        Reply::from_outcome(id, call.await)
    }

    /// The places of `service`. The lock is held for the lookup alone, never across an
    /// `.await`.
    fn places_of(&self, service: &str) -> Arc<Semaphore> {
        let mut places = self.places.lock().unwrap_or_else(PoisonError::into_inner);
        let places = places
            .entry(service.to_owned())
            .or_insert_with(|| Arc::new(Semaphore::new(self.most_per_service)));
        Arc::clone(places)
    }
}
