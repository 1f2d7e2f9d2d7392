//! Lesson 12: events — publish and subscribe on the framework of lesson 11.
//!
//! Every lesson so far was request and response: a caller waits for one answer from one
//! service. An event is the other way round: a service says "this happened" to a topic and
//! goes on; whoever subscribed to the topic hears it, now or later, one of them or all. The
//! publisher does not know who listens, and does not wait for them. go-micro calls the part
//! that carries events the *broker*.
//!
//! The broker is part of the framework (the `micro` crate at the repository's root:
//! `micro::broker` and `micro::event`), which this lesson's worked example runs on and its
//! exercises rebuild parts of:
//!
//! - `micro::broker`: the `Broker` trait, what a message is, and how go-micro writes one
//!   down; `micro::broker::http`, go-micro's default broker, where every subscriber is a web
//!   server found through lesson 11's registry; `micro::broker::nats`, the broker on a NATS
//!   server, and JetStream's durable subscribers; the broker flags, and a broker chosen by
//!   name on the command line, as lesson 11 chooses a registry;
//! - `micro::event`: typed protobuf events on a topic, as go-micro's `micro.NewEvent` and
//!   `micro.RegisterSubscriber`;
//! - [`audit`]: lesson 09's captcha service publishing each check, and the subscriber that
//!   counts them.

pub mod audit;

/// The learner's files, or with `--features solution` the reference answers. `route` and
/// `typed` rebuild modules of the framework, and those modules are their answers
/// (`solution` puts `micro`'s module in the learner's file's place; `lesson.toml` names it
/// as `answer`); `backoff` and `once` are answered in `solutions/`. The tests use
/// `l12_events::exercises::…` and cannot tell which.
#[cfg_attr(
    not(feature = "solution"),
    allow(unused_variables, unused_imports, dead_code)
)]
pub mod exercises {
    #[cfg(not(feature = "solution"))]
    pub mod route;
    #[cfg(feature = "solution")]
    pub use micro::broker::http::route;

    #[cfg(not(feature = "solution"))]
    pub mod typed;
    #[cfg(feature = "solution")]
    pub use micro::event::typed;

    #[cfg_attr(feature = "solution", path = "../../solutions/backoff.rs")]
    pub mod backoff;

    #[cfg_attr(feature = "solution", path = "../../solutions/once.rs")]
    pub mod once;
}
