//! Exercise `register.check-kinds`: one function for every kind of check.
//!
//! A check is how the agent decides whether an instance gets calls. Each kind proves a
//! different thing:
//!
//! - **TCP**: something accepts connections on the port. Not that it is our program, nor
//!   that it answers.
//! - **HTTP**: a GET of a URL answers 2xx (passing), 429 (warning) or anything else
//!   (critical). The program itself decides what "healthy" means.
//! - **gRPC**: `grpc.health.v1.Health/Check` answers SERVING, for the whole server or, with
//!   `/SERVICE` after the address, for one gRPC service.
//! - **TTL**: the agent probes nothing; the program must say "passing" again before the TTL
//!   runs out, or the check turns critical. It proves the program's own loop still runs.
//!
//! The first three have an `interval` (how often the agent probes) and a `timeout` (how
//! long one probe may take); a TTL check has only its `ttl`.

use std::time::Duration;

use consulrs::api::check::common::{AgentServiceCheck, AgentServiceCheckBuilder};
use shared::consul::go_duration;

/// Which check, with what only that kind needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckKind {
    /// Connect to the port.
    Tcp,
    /// GET `http://HOST:PORT{path}`; `path` starts with `/`.
    Http { path: String },
    /// Ask the health service about `service` (`""`: the whole server).
    Grpc { service: String },
    /// Turn critical unless updated within `ttl`.
    Ttl { ttl: Duration },
}

/// The check of `kind` for an instance reached at `host:port`, probed every `interval`
/// (each probe may take as long as the interval, at most 5 seconds). A TTL check ignores
/// `interval`.
pub fn check_for(kind: &CheckKind, host: &str, port: u16, interval: Duration) -> AgentServiceCheck {
    // TODO: the check of `kind`, named, with its target in the form Consul reads for that
    // kind, and the probe settings of the module's doc comment where the kind is probed.
    todo!("register.check-kinds: build the check of each kind")
}
