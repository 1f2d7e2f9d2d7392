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

/// The learner's files, or with `--features solution` the reference answers. Each exercise
/// rebuilds a module of the framework, and that module is its answer: `solution` puts
/// `micro`'s module in the learner's file's place (`lesson.toml` names it as `answer`). The
/// tests use `l11_micro::exercises::…` and cannot tell which.
#[cfg_attr(
    not(feature = "solution"),
    allow(unused_variables, unused_imports, dead_code)
)]
pub mod exercises {
    #[cfg(not(feature = "solution"))]
    pub mod random;
    #[cfg(feature = "solution")]
    pub use micro::selector::random;

    #[cfg(not(feature = "solution"))]
    pub mod call;
    #[cfg(feature = "solution")]
    pub use micro::client::call;

    #[cfg(not(feature = "solution"))]
    pub mod etcd_keys;
    #[cfg(feature = "solution")]
    pub use micro::registry::etcd::keys as etcd_keys;

    #[cfg(not(feature = "solution"))]
    pub mod keep_lease;
    #[cfg(feature = "solution")]
    pub use micro::registry::etcd::lease as keep_lease;

    #[cfg(not(feature = "solution"))]
    pub mod open_registry;
    #[cfg(feature = "solution")]
    pub use micro::registry::open as open_registry;

    #[cfg(not(feature = "solution"))]
    pub mod api_route;
    #[cfg(feature = "solution")]
    pub use micro::api::route as api_route;

    #[cfg(not(feature = "solution"))]
    pub mod mdns_txt;
    #[cfg(feature = "solution")]
    pub use micro::registry::mdns::decode as mdns_txt;
}
