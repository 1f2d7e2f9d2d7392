//! Lesson 12: events — publish and subscribe on the framework of lesson 11.
//!
//! Every lesson so far was request and response: a caller waits for one answer from one
//! service. An event is the other way round: a service says "this happened" to a topic and
//! goes on; whoever subscribed to the topic hears it, now or later, one of them or all. The
//! publisher does not know who listens, and does not wait for them. go-micro calls the part
//! that carries events the *broker*:
//!
//! - [`audit`]: lesson 09's captcha service publishing each check, and the subscriber that
//!   counts them;
//! - [`broker`]: the `Broker` trait, what a message is, and how go-micro writes one down;
//! - [`event`]: typed protobuf events on a topic, as go-micro's `micro.NewEvent` and
//!   `micro.RegisterSubscriber`;
//! - [`flags`]: `--broker` and `--broker-address`, the broker flags every program takes;
//! - [`http_broker`]: go-micro's default broker, where every subscriber is a web server
//!   found through lesson 11's registry;
//! - [`nats`]: the broker on a NATS server, and JetStream's durable subscribers;
//! - [`open`]: a broker chosen by name on the command line, as lesson 11 chooses a registry.

pub mod audit;
pub mod broker;
pub mod event;
pub mod flags;
pub mod http_broker;
pub mod nats;
pub mod open;

/// The learner's files, or with `--features solution` the reference answers in
/// `solutions/`. The tests use `l12_events::exercises::…` and cannot tell which.
#[cfg_attr(
    not(feature = "solution"),
    allow(unused_variables, unused_imports, dead_code)
)]
pub mod exercises {
    #[cfg_attr(feature = "solution", path = "../../solutions/route.rs")]
    pub mod route;

    #[cfg_attr(feature = "solution", path = "../../solutions/typed.rs")]
    pub mod typed;
}
