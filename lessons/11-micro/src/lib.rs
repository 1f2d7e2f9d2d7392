//! Lesson 11: a small service framework with pluggable registries.
//!
//! go-micro hides discovery behind three words — a name, a registry, `Run` — and the
//! course's last part runs it on Consul and on a three-member etcd cluster. This lesson
//! builds the same thing on what lessons 05–10 built, to see what such a framework does for
//! you and what it costs. The framework itself is the `micro` crate (`micro/` at the
//! repository's root), which later lessons and the tools run on too; this lesson is its
//! worked example and its exercises, which rebuild parts of it:
//!
//! - [`user`]: the seed's user service, behind `micro api`;
//! - [`scaffold`]: `l11-micro new`, a new service's crate, as go-micro's `micro new` writes it.

pub mod scaffold;
pub mod user;

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
