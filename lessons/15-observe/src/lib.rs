//! Lesson 15: observe — what a running system shows of itself.
//!
//! The worked example is the framework's own: every service and `micro api` serve
//! `/metrics` (`micro::metrics`, `micro::api::metered`), the gateway serves the registry's
//! services as Prometheus' HTTP service discovery (`micro::api::sd`), and one call is traced
//! across the gateway, a service and Redis (`micro::trace`). This crate adds what an
//! operator writes around them: the Prometheus configuration that finds the services
//! ([`config`]) and the rule files of its alerts ([`rules`]).
//!
//! The exercises read what Prometheus stores and what travels between services: a latency
//! histogram's quantile, a counter's increase across a restart, a `traceparent` header and
//! its child, and the discovery document built from a registry's services; then they write
//! what an operator adds: an alert that tells a partition from a deploy, and the RED
//! metrics of a service's handlers.

pub mod config;
pub mod rules;

/// The learner's files, or with `--features solution` the reference answers. One exercise
/// rebuilds a module of the framework, and that module is its answer (`lesson.toml` names it
/// as `answer`). The tests use `l15_observe::exercises::…` and cannot tell which.
#[cfg_attr(
    not(feature = "solution"),
    allow(unused_variables, unused_imports, dead_code)
)]
pub mod exercises {
    #[cfg_attr(feature = "solution", path = "../../solutions/quantile.rs")]
    pub mod quantile;

    #[cfg_attr(feature = "solution", path = "../../solutions/increase.rs")]
    pub mod increase;

    #[cfg_attr(feature = "solution", path = "../../solutions/traceparent.rs")]
    pub mod traceparent;

    #[cfg(not(feature = "solution"))]
    pub mod targets;
    #[cfg(feature = "solution")]
    pub use micro::api::sd as targets;

    #[cfg_attr(feature = "solution", path = "../../solutions/alert.rs")]
    pub mod alert;

    #[cfg_attr(feature = "solution", path = "../../solutions/red.rs")]
    pub mod red;
}
