//! Lesson 09: the captcha service.
//!
//! The seed course ends with a small system: a web front finds a captcha service through
//! Consul and calls it over RPC, and the service keeps each code in Redis for five minutes.
//! This lesson is the service. It draws an image ([`render`]), keeps its code in Redis with
//! an expiry, never replacing a live one, and lets it be verified once, in any case
//! ([`store`], [`service`]). Its health follows Redis ([`health`]), so discovery stops
//! sending calls while Redis is down and starts again when it is back. It registers and
//! leaves as lesson 08's server does ([`server`], through [`shared::registered`]).
//!
//! The exercises in [`exercises`] keep codes to the millisecond, tell a wrong guess from a
//! missing code, draw off the runtime within a size limit, and follow a probe without
//! flapping.

pub mod client;
pub mod health;
pub mod render;
pub mod server;
pub mod service;
pub mod store;

pub use shared::registered;

/// Where the server listens unless told otherwise (`--addr`).
pub const DEFAULT_ADDR: &str = "127.0.0.1:7009";

/// The service name the server registers unless told otherwise (`--name`).
pub const DEFAULT_NAME: &str = "captcha";

/// Where Redis is unless `REDIS_URL` says otherwise.
pub const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379";

/// Reads a duration as Consul writes one (`500ms`, `2s`, `1m`), for the command line.
pub use shared::consul::parse_duration;

/// The learner's files, or with `--features solution` the reference answers in
/// `solutions/`. The tests use `l09_captcha::exercises::…` and cannot tell which.
#[cfg_attr(
    not(feature = "solution"),
    allow(unused_variables, unused_imports, unused_mut, dead_code)
)]
pub mod exercises {
    #[cfg_attr(feature = "solution", path = "../../solutions/health.rs")]
    pub mod health;
    #[cfg_attr(feature = "solution", path = "../../solutions/remember.rs")]
    pub mod remember;
    #[cfg_attr(feature = "solution", path = "../../solutions/render.rs")]
    pub mod render;
    #[cfg_attr(feature = "solution", path = "../../solutions/verify.rs")]
    pub mod verify;
}
