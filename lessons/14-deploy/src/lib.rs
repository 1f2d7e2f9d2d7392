//! Lesson 14: deploy — the course's services on three hosts, and what breaks between them.
//!
//! Everything so far ran on one machine, where every address is `127.0.0.1` and nothing
//! between two programs can fail. The Go course's last part moves the services onto
//! servers of their own, and that is where a service that listens on `0.0.0.0` registers an
//! address nobody can call, an etcd started without flags refuses every other host, and a
//! network cut leaves one etcd member alone, refusing writes. This lesson builds a lab of
//! three hosts with Docker Compose (`lab/compose.yaml`), deploys lessons 11's services
//! and a three-member etcd cluster on it, and adds what `docker` lacks:
//!
//! - [`lab`]: the hosts, their image, and the nemesis — `partition`, `heal`, `slow` — that
//!   does to the network what `docker kill` does to a host;
//! - [`load`]: calls through the gateways at a steady rate, every one written down, each
//!   gateway chosen in turn by the [`balancer`];
//! - [`history`]: those calls and the faults, as records a report and a test can read;
//! - [`report`] and [`timeline`]: what each fault cost, in numbers and in a picture.

pub mod lab;
pub mod report;
// The load, its history, its timeline and the balancer are lesson 17's too: they live in the
// `lab` crate (`lab/src/lib.rs`), which holds no exercise file, and are named here as before.
pub use ::lab::{balancer, history, load, timeline};

/// The learner's files, or with `--features solution` the reference answers. Four
/// exercises rebuild a part of the framework that meets the network, and that part is
/// their answer (`lesson.toml` names it as `answer`); `availability` is this lesson's own.
/// The tests use `l14_deploy::exercises::…` and cannot tell which.
#[cfg_attr(
    not(feature = "solution"),
    allow(unused_variables, unused_imports, dead_code)
)]
pub mod exercises {
    #[cfg(not(feature = "solution"))]
    pub mod advertise;
    #[cfg(feature = "solution")]
    pub use micro::service::advertise;

    #[cfg(not(feature = "solution"))]
    pub mod registry_address;
    #[cfg(feature = "solution")]
    pub use micro::registry::etcd::address as registry_address;

    #[cfg(not(feature = "solution"))]
    pub mod patience;
    #[cfg(feature = "solution")]
    pub use micro::service::patience;

    #[cfg_attr(feature = "solution", path = "../../solutions/availability.rs")]
    pub mod availability;

    #[cfg(not(feature = "solution"))]
    pub mod retry_budget;
    #[cfg(feature = "solution")]
    pub use micro::client::budget as retry_budget;
}
