//! A small service framework, as go-micro is one: services that register in a registry of
//! your choice, a client that calls them by name, an HTTP gateway to all of them, and a
//! broker that carries events between them.
//!
//! Lesson 11 builds it and lesson 12 adds its events; later lessons and the course's tools
//! run on it. It lives here, outside the lessons, because a lesson compiles only its own
//! learner files: what several lessons use is written once, where no exercise is compiled,
//! and each lesson's exercises rebuild or vary a part of it.
//!
//! - [`registry`]: the `Registry` trait and its Consul, etcd, mDNS and memory
//!   implementations, and [`registry::open`], one chosen by name;
//! - [`selector`]: round-robin (really, across calls) and random;
//! - [`client`]: call a service by name — discover, select, call, and call another node
//!   while the call cannot have run, setting bad nodes aside;
//! - [`service`]: the service builder and its `run`: register, serve its handlers with
//!   health, leave in order on SIGINT/SIGTERM;
//! - [`api`]: `micro api`, an HTTP gateway to every service by name;
//! - [`web`]: go-micro's `web.NewService`, an HTTP service registered like any other, and
//!   the seed's web example that calls a service by name;
//! - [`metrics`]: what a service and the gateway count, at `/metrics` for Prometheus;
//! - [`trace`]: one call's spans across services, by W3C `traceparent` and OTLP;
//! - [`flags`]: the registry flags every program on the framework takes;
//! - [`broker`]: the `Broker` trait, go-micro's HTTP broker, NATS and JetStream, and the
//!   broker flags;
//! - [`event`]: typed protobuf events on a topic, as go-micro's `micro.NewEvent` and
//!   `micro.RegisterSubscriber`.

// Some of its modules are the reference answers of lessons 11 and 12: an exercise rebuilds
// a module of the framework, and the lesson's `solution` feature re-exports the module
// from here in place of the learner's file. So an answer has one home, and it is here.

pub mod api;
pub mod broker;
pub mod client;
pub mod event;
pub mod flags;
pub mod locks;
pub mod metrics;
pub mod registry;
pub mod selector;
pub mod service;
pub mod tls;
pub mod trace;
pub mod web;

/// The course's shared crate (logging, the stop signals), for the crates that
/// `l11-micro new` writes: they depend on this crate alone.
pub use shared;

/// Where a service listens unless told otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7011";

/// The service a program on the framework serves and calls unless told otherwise.
pub const DEFAULT_SERVICE: &str = "greeter";
