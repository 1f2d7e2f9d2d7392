//! Lesson 16: trust.
//!
//! Every service of the course so far speaks plaintext and answers whoever connects. This
//! lesson gives the system what the seed left as a stub, a session, and services that know
//! who calls them:
//!
//! - [`ca`]: the course's own certificate authority, which issues each service a
//!   certificate naming it `spiffe://course/NAME`;
//! - [`tls`]: the server's handshakes (each within a deadline, a share of them for each
//!   address, each refusal said in words) and the client's channel, both mutual TLS;
//! - [`policy`]: which service may call which method, judged by the caller's certificate;
//! - [`password`], [`sessions`], [`limit`]: Argon2id hashes, sessions in Redis with a time to
//!   live, wrong passwords counted (a captcha after a few for a name, a refusal after more
//!   from one address);
//! - [`hashing`]: the cores that hash, shared fairly, and memory given back after each hash;
//! - [`refusals`]: refusals in the log, a few lines an address, the rest counted;
//! - [`users`] and [`server`]: the user service, `session.Users`, for the gateway only;
//! - [`gateway`]: the seed's `/api/v1.0/session` made real, with a cookie.
//!
//! The exercises in [`exercises`] check a password against its hash, open and find a
//! session, configure the server's side of mutual TLS, and read who is calling.

pub mod ca;
pub mod gateway;
pub mod hashing;
pub mod limit;
pub mod password;
pub mod policy;
pub mod refusals;
pub mod server;
pub mod sessions;
pub mod tls;
pub mod users;

/// Where the user service listens unless told otherwise (`--addr`).
pub const DEFAULT_ADDR: &str = "127.0.0.1:7016";

/// Where the gateway listens unless told otherwise (`--addr`).
pub const DEFAULT_HTTP_ADDR: &str = "127.0.0.1:7116";

/// Where the certificates are unless told otherwise (`--certs`).
pub const DEFAULT_CERTS: &str = "certs";

/// Where Redis is unless `REDIS_URL` says otherwise.
pub const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379";

/// Reads a duration as Consul writes one (`500ms`, `2s`, `1m`), for the command line.
pub use shared::consul::parse_duration;

/// The learner's files, or with `--features solution` the reference answers in
/// `solutions/`. The tests use `l16_trust::exercises::…` and cannot tell which.
#[cfg_attr(
    not(feature = "solution"),
    allow(unused_variables, unused_imports, unused_mut, dead_code)
)]
pub mod exercises {
    #[cfg_attr(feature = "solution", path = "../../solutions/authorize.rs")]
    pub mod authorize;
    #[cfg_attr(feature = "solution", path = "../../solutions/password.rs")]
    pub mod password;
    #[cfg_attr(feature = "solution", path = "../../solutions/session.rs")]
    pub mod session;
    #[cfg_attr(feature = "solution", path = "../../solutions/tls.rs")]
    pub mod tls;
}
