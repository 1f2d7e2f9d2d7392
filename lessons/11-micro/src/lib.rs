//! Lesson 11: a small service framework with pluggable registries.
//!
//! go-micro hides discovery behind three words — a name, a registry, `Run` — and the
//! course's last part runs it on Consul and on a three-member etcd cluster. This lesson
//! builds the same thing on what lessons 05–10 built, to see what such a framework does for
//! you and what it costs:
//!
//! - [`registry`]: the `Registry` trait and its Consul, etcd, mDNS and memory implementations;
//! - [`selector`]: round-robin (really, across calls) and random;
//! - [`client`]: call a service by name — discover, select, call, and call another node
//!   while the call cannot have run, setting bad nodes aside;
//! - [`service`]: the service builder and its `run`: register, serve its handlers (the
//!   greeter, or lesson 09's captcha service) with health, leave in order on SIGINT/SIGTERM;
//! - [`api`]: `micro api`, an HTTP gateway to every service by name, and [`user`], the
//!   seed's user service behind it;
//! - [`web`]: go-micro's `web.NewService`, an HTTP service registered like any other, and
//!   the seed's web example that calls a service by name;
//! - [`flags`]: the registry flags every program on the framework takes;
//! - [`scaffold`]: `l11-micro new`, a new service's crate, as go-micro's `micro new` writes it.

pub mod api;
pub mod client;
pub mod flags;
pub mod registry;
pub mod scaffold;
pub mod selector;
pub mod service;
pub mod user;
pub mod web;

/// The course's shared crate (logging, the stop signals), for the crates that
/// `l11-micro new` writes: they depend on this lesson alone.
pub use shared;

/// Where a service listens unless told otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7011";

/// The service the binary serves and calls unless told otherwise.
pub const DEFAULT_SERVICE: &str = "greeter";

/// The learner's files, or with `--features solution` the reference answers in
/// `solutions/`. The tests use `l11_micro::exercises::…` and cannot tell which.
#[cfg_attr(
    not(feature = "solution"),
    allow(unused_variables, unused_imports, dead_code)
)]
pub mod exercises {
    #[cfg_attr(feature = "solution", path = "../../solutions/random.rs")]
    pub mod random;

    #[cfg_attr(feature = "solution", path = "../../solutions/call.rs")]
    pub mod call;

    #[cfg_attr(feature = "solution", path = "../../solutions/etcd_keys.rs")]
    pub mod etcd_keys;

    #[cfg_attr(feature = "solution", path = "../../solutions/keep_lease.rs")]
    pub mod keep_lease;

    #[cfg_attr(feature = "solution", path = "../../solutions/open_registry.rs")]
    pub mod open_registry;

    #[cfg_attr(feature = "solution", path = "../../solutions/api_route.rs")]
    pub mod api_route;

    #[cfg_attr(feature = "solution", path = "../../solutions/mdns_txt.rs")]
    pub mod mdns_txt;
}
