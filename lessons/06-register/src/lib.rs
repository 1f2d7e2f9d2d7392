//! Lesson 06: register a service in Consul.
//!
//! Up to lesson 05 a client had to be told where its server was (`--addr`). With several
//! instances of a service coming and going, nobody can keep that list by hand: each
//! instance tells a registry where it is, the registry checks that it still works, and
//! clients ask the registry for the instances that pass. Consul is that registry.
//!
//! The worked example is [`server`] (the Greeter of lesson 05, registered with a gRPC
//! health check while it runs, deregistered on the way out; the registration itself is
//! [`shared::consul::Instance`]) and [`catalog`] (what the agent holds: every instance with
//! its checks, and the passing ones only). The files in `config/` register services the
//! other way, from definition files the agent reads at start and on reload. The exercises
//! in [`exercises`] register instances side by side, build each kind of check, answer an
//! HTTP health check and write a definition file.

pub mod catalog;
pub mod server;

pub use shared::consul;

/// Where the Greeter listens unless told otherwise (`--addr`).
pub const DEFAULT_ADDR: &str = "127.0.0.1:7006";

/// The name the Greeter registers under unless told otherwise (`--name`).
pub const DEFAULT_NAME: &str = "greeter";

/// The learner's files, or with `--features solution` the reference answers in
/// `solutions/`. The tests use `l06_register::exercises::…` and cannot tell which.
#[cfg_attr(
    not(feature = "solution"),
    allow(unused_variables, unused_imports, unused_mut, dead_code)
)]
pub mod exercises {
    #[cfg_attr(feature = "solution", path = "../../solutions/check_kinds.rs")]
    pub mod check_kinds;
    #[cfg_attr(feature = "solution", path = "../../solutions/definition_file.rs")]
    pub mod definition_file;
    #[cfg_attr(feature = "solution", path = "../../solutions/http_health.rs")]
    pub mod http_health;
    #[cfg_attr(feature = "solution", path = "../../solutions/two_instances.rs")]
    pub mod two_instances;
}
