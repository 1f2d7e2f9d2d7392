//! The registry: from "Service.Method" to the code that runs.
//!
//! Go's `rpc.Register` finds a service's methods by reflection. Rust has no reflection, and
//! that is fine: a service says itself which method names it answers, in a `match`. The
//! registry maps service names to services; dispatching a request splits
//! `"hello.HelloWorld"` at the last dot, finds the service `hello`, and asks it to start
//! `HelloWorld`. Whatever goes wrong on the way — no such service, no such method, bad
//! params, the method fails — becomes an error *reply*, never a dropped connection.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::message::{Reply, Request};

/// What a method returns: a JSON result, or an error message for the caller.
pub type Outcome = Result<Value, String>;

/// A started method call. Boxed so that every method of every service has the same type.
pub type MethodFuture = Pin<Box<dyn Future<Output = Outcome> + Send>>;

// ANCHOR: service
/// A service object: a named group of methods.
pub trait Service: Send + Sync + 'static {
    /// Starts `method` (the part after the dot) with `params`, or returns `None` if this
    /// service has no such method. The future owns what it needs, so that the server can
    /// run it on a task of its own.
    fn call(&self, method: &str, params: Value) -> Option<MethodFuture>;
}
// ANCHOR_END: service

/// Decodes a method's params into the type it expects, or says what did not fit.
pub fn decode_params<T: DeserializeOwned>(params: Value) -> Result<T, String> {
    serde_json::from_value(params).map_err(|error| format!("invalid params: {error}"))
}

/// Encodes a method's return value as its JSON result.
pub fn encode_result(value: impl Serialize) -> Outcome {
    serde_json::to_value(value).map_err(|error| format!("cannot encode the result: {error}"))
}

// ANCHOR: registry
/// Service objects by name. Built once at start-up, then shared read-only by every
/// connection (behind an `Arc`), so looking up a method takes no lock.
#[derive(Default, Clone)]
pub struct Registry {
    services: HashMap<String, Arc<dyn Service>>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Registers `service` under `name`, so that `"name.Method"` reaches it.
    ///
    /// # Panics
    /// If `name` is already taken or contains a dot: both are mistakes in the program,
    /// found the moment it starts.
    pub fn register(&mut self, name: &str, service: impl Service) -> &mut Registry {
        assert!(
            !name.contains('.'),
            "rpc: service name {name:?} must not contain a dot"
        );
        let previous = self.services.insert(name.to_owned(), Arc::new(service));
        assert!(
            previous.is_none(),
            "rpc: service {name:?} is already registered"
        );
        self
    }

    /// The service registered under `name`.
    pub fn service(&self, name: &str) -> Option<&Arc<dyn Service>> {
        self.services.get(name)
    }

    /// Finds the method `service_method` names and starts it, or says why it cannot.
    /// The messages are those of Go's net/rpc.
    pub fn start(&self, service_method: &str, params: Value) -> Result<MethodFuture, String> {
        let Some((service, method)) = service_method.rsplit_once('.') else {
            return Err(format!(
                "rpc: service/method request ill-formed: {service_method}"
            ));
        };
        let Some(service) = self.service(service) else {
            return Err(format!("rpc: can't find service {service_method}"));
        };
        service
            .call(method, params)
            .ok_or_else(|| format!("rpc: can't find method {service_method}"))
    }

    /// Runs one request to its reply.
    pub async fn dispatch(&self, request: Request) -> Reply {
        let outcome = match self.start(&request.method, request.params) {
            Ok(call) => call.await,
            Err(message) => Err(message),
        };
        Reply::from_outcome(request.id, outcome)
    }
}
// ANCHOR_END: registry
