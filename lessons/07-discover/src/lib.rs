//! Lesson 07: Consul — discover.
//!
//! Lesson 06 put instances of a service into Consul. Here a client finds them: it asks the
//! agent for the *passing* instances only, spreads its calls over them in turn, calls the
//! next one when an instance it picked is gone, and keeps its list fresh with blocking
//! queries instead of asking before every call.
//!
//! The worked example is [`server`] (a Greeter that registers itself and says which
//! instance answered), [`client`] (discover, pick, call; `--watch` to keep the list fresh)
//! and the watcher in [`shared::discovery`], which lesson 10's gateway uses too. The
//! exercises in [`exercises`] are the parts of the client: the addresses, the picker, the
//! retry, the wait for enough instances, and a balanced channel fed by the watcher.

pub mod client;
pub mod server;

/// Where the server listens unless told otherwise (`--addr`).
pub const DEFAULT_ADDR: &str = "127.0.0.1:7007";

/// The name the servers register under and the client asks for, unless told otherwise.
pub const DEFAULT_SERVICE: &str = "greeter";

/// The response metadata in which a server names the instance that answered.
pub const INSTANCE_HEADER: &str = "x-instance";

/// The learner's files, or with `--features solution` the reference answers in
/// `solutions/`. The tests use `l07_discover::exercises::…` and cannot tell which.
#[cfg_attr(
    not(feature = "solution"),
    allow(unused_variables, unused_imports, unused_mut, dead_code)
)]
pub mod exercises {
    #[cfg_attr(feature = "solution", path = "../../solutions/addresses.rs")]
    pub mod addresses;
    #[cfg_attr(feature = "solution", path = "../../solutions/balance.rs")]
    pub mod balance;
    #[cfg_attr(feature = "solution", path = "../../solutions/retry.rs")]
    pub mod retry;
    #[cfg_attr(feature = "solution", path = "../../solutions/round_robin.rs")]
    pub mod round_robin;
    #[cfg_attr(feature = "solution", path = "../../solutions/wait_for.rs")]
    pub mod wait_for;
}
