//! Lesson 05: gRPC with tonic.
//!
//! The RPC of lessons 02 and 03 again, now over HTTP/2 with Protocol Buffers: typed stubs
//! generated from `proto/hello.proto`, status codes instead of error strings, deadlines,
//! server streaming, and the health and reflection services that make a server operable.
//!
//! The worked example is [`greeter`] (the `hello.Greeter` service), [`server`] (tonic's
//! server with health, reflection and a graceful shutdown on `127.0.0.1:7005`), [`client`]
//! (the typed client) and [`wire`] (one call made by hand, to see the bytes). The exercises
//! in [`exercises`] rebuild the same ideas step by step; [`live_streams`] is the gauge that
//! exercise `grpc.stream` counts its streams in.

pub mod client;
pub mod live_streams;
pub mod wire;

// The Greeter and its server are this lesson's worked example, and later lessons serve them
// too, so they live in the `shared` crate, which compiles no exercise file (a half-written
// exercise here never breaks lesson 06). Here they keep the names the lesson uses.
pub use shared::greeter;
pub use shared::grpc as server;

/// Where the Greeter listens unless told otherwise (`--addr`).
pub const DEFAULT_ADDR: &str = "127.0.0.1:7005";

/// The learner's files, or with `--features solution` the reference answers in
/// `solutions/`. The tests use `l05_grpc::exercises::…` and cannot tell which.
#[cfg_attr(
    not(feature = "solution"),
    allow(unused_variables, unused_imports, unused_mut, dead_code)
)]
pub mod exercises {
    #[cfg_attr(feature = "solution", path = "../../solutions/deadline.rs")]
    pub mod deadline;
    #[cfg_attr(feature = "solution", path = "../../solutions/health.rs")]
    pub mod health;
    #[cfg_attr(feature = "solution", path = "../../solutions/invalid_argument.rs")]
    pub mod invalid_argument;
    #[cfg_attr(feature = "solution", path = "../../solutions/request_id.rs")]
    pub mod request_id;
    #[cfg_attr(feature = "solution", path = "../../solutions/say_hello.rs")]
    pub mod say_hello;
    #[cfg_attr(feature = "solution", path = "../../solutions/stream.rs")]
    pub mod stream;
}
