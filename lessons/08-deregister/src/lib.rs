//! Lesson 08: leaving Consul cleanly.
//!
//! Lesson 06 put a server into the catalog; this lesson takes it out again, in the right
//! order, whatever way the server ends. On SIGINT or SIGTERM it turns its health
//! NOT_SERVING, deregisters, lets the calls in flight finish within a grace period, and exits
//! 0. When it cannot say goodbye (`kill -9`), its check turns critical and the agent reaps it
//! after `DeregisterCriticalServiceAfter`.
//!
//! The worked example is [`shared::registered`] (serving while registered, leaving in order:
//! lesson 09's captcha service leaves the same way) and [`server`] (the Greeter served
//! through it, with the checks and flags of this lesson). [`ttl`] is the other kind of
//! check: the server itself says "still alive", on a timer. The exercises in [`exercises`]
//! write the stop sequence, a deregistration that survives failures, a heartbeat that stops
//! when the work stops, and a registration that comes back when the agent forgets it.

pub mod client;
pub mod server;
pub mod ttl;

pub use shared::registered;

/// Where the server listens unless told otherwise (`--addr`).
pub const DEFAULT_ADDR: &str = "127.0.0.1:7008";

/// The service name the server registers unless told otherwise (`--name`).
pub const DEFAULT_NAME: &str = "greeter";

/// Reads a duration as Consul writes one (`500ms`, `2s`, `1m`), for the command line.
pub use shared::consul::parse_duration;

/// The learner's files, or with `--features solution` the reference answers in
/// `solutions/`. The tests use `l08_deregister::exercises::…` and cannot tell which.
#[cfg_attr(
    not(feature = "solution"),
    allow(unused_variables, unused_imports, unused_mut, dead_code)
)]
pub mod exercises {
    #[cfg_attr(feature = "solution", path = "../../solutions/always.rs")]
    pub mod always;
    #[cfg_attr(feature = "solution", path = "../../solutions/heartbeat.rs")]
    pub mod heartbeat;
    #[cfg_attr(feature = "solution", path = "../../solutions/keep_registered.rs")]
    pub mod keep_registered;
    #[cfg_attr(feature = "solution", path = "../../solutions/leave.rs")]
    pub mod leave;
}
