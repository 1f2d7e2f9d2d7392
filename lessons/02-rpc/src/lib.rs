//! Lesson 02: RPC from scratch.
//!
//! A remote procedure call makes a function on another machine look like a local one:
//! `client.hello_world("gopher")` sends a request over TCP, a server runs the method, and
//! the result comes back as the return value. Go has this built in (`net/rpc`); here it is
//! built by hand, so that nothing about it is magic:
//!
//! - [`frame`]: a length-prefixed frame, so that messages can be found in a byte stream;
//! - [`message`]: the request and the reply, as JSON, matched by `id`;
//! - [`registry`]: service objects by name, and dispatching `"Service.Method"` to them;
//! - [`server`]: many connections, and many calls per connection, at once;
//! - [`client`]: many calls in flight on one connection, replies matched by id;
//! - [`hello`]: a typed wrapper, so that a wrong call is a compile error;
//! - [`http`]: the same protocol after an HTTP `CONNECT`, like Go's `rpc.HandleHTTP`.

pub mod client;
pub mod frame;
pub mod hello;
pub mod http;
pub mod message;
pub mod registry;
pub mod server;

/// Where the RPC server listens unless told otherwise (`--addr`).
pub const DEFAULT_ADDR: &str = "127.0.0.1:7002";

/// The learner's files, or with `--features solution` the reference answers in
/// `solutions/`. The tests use `l02_rpc::exercises::…` and cannot tell which.
#[cfg_attr(
    not(feature = "solution"),
    allow(unused_variables, unused_imports, unused_mut, dead_code)
)]
pub mod exercises {
    #[cfg_attr(feature = "solution", path = "../../solutions/arith.rs")]
    pub mod arith;
    #[cfg_attr(feature = "solution", path = "../../solutions/client.rs")]
    pub mod client;
    #[cfg_attr(feature = "solution", path = "../../solutions/dispatch.rs")]
    pub mod dispatch;
    #[cfg_attr(feature = "solution", path = "../../solutions/frame.rs")]
    pub mod frame;
    #[cfg_attr(feature = "solution", path = "../../solutions/typed.rs")]
    pub mod typed;
}
