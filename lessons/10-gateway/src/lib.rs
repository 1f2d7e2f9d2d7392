//! Lesson 10: the gateway.
//!
//! The seed course's small system ends in a web front: a gin server that serves a page and
//! an HTTP API, and calls the captcha service (found through Consul) for every image. This
//! lesson is that front, in axum: the errno table every answer speaks ([`errno`]), the
//! captcha service as the gateway sees it, kept up to date by lesson 07's watcher
//! ([`upstream`]), the routes ([`routes`]) and the server ([`server`]).
//!
//! The exercises in [`exercises`] turn gRPC failures into errno answers, serve the image
//! within a deadline, verify a guess, and serve the page's files.

/// The seed's errno table, shared with lesson 16's gateway (shared/src/errno.rs).
pub use shared::errno;
pub mod routes;
pub mod server;
pub mod unwritten;
pub mod upstream;

/// Where the gateway listens unless told otherwise (`--addr`).
pub const DEFAULT_ADDR: &str = "127.0.0.1:7010";

/// The captcha service's name in Consul unless told otherwise (`--captcha`), as lesson 09
/// registers it.
pub const DEFAULT_CAPTCHA: &str = "captcha";

/// The learner's files, or with `--features solution` the reference answers in
/// `solutions/`. The tests use `l10_gateway::exercises::…` and cannot tell which.
#[cfg_attr(
    not(feature = "solution"),
    allow(unused_variables, unused_imports, unused_mut, dead_code)
)]
pub mod exercises {
    #[cfg_attr(feature = "solution", path = "../../solutions/image.rs")]
    pub mod image;
    #[cfg_attr(feature = "solution", path = "../../solutions/status.rs")]
    pub mod status;
    #[cfg_attr(feature = "solution", path = "../../solutions/verify.rs")]
    pub mod verify;
    #[cfg_attr(feature = "solution", path = "../../solutions/view.rs")]
    pub mod view;
}
