//! What the lessons' programs share, kept where no learner's file is compiled.
//!
//! Every server of the course has the same outer shape: it logs the same way, accepts
//! connections in the same loop, and stops on the same signals with a time limit. That code
//! is taught once, in lesson 01, and lives here so that later lessons can run on it without
//! compiling lesson 01's exercise files: a half-written exercise in one lesson never breaks
//! another lesson.
//!
//! - [`accept`]: listen, accept, one task per connection, and a graceful stop.
//! - [`listen`]: binding an address, and an error that names it and who holds it.
//! - [`door`]: how many connections a server lets in at once, and how many from one
//!   address, so that one machine on a shared network cannot shut everyone else out.
//! - [`signal`]: the shutdown signal (Ctrl-C or SIGTERM; a second one stops at once), and
//!   [`signal::within_grace`], which cuts a stopping server off after its grace period.
//! - [`output`]: `program | head` ends the program quietly, as it ends `cat`.
//! - [`init_logging`]: log lines on stderr, filtered by `RUST_LOG`.
//! - [`program`]: how a program ends when it cannot go on: its error in one line, and an
//!   exercise not done yet named rather than a panic.
//!
//! What a lesson needs arrives with it, as a feature of this crate: with none, the accept
//! loop, the signals and the logger (lessons 01–04); `grpc` from lesson 05, `consul` from
//! lesson 06, `captcha` from lesson 09.
//!
//! - [`greeter`] and [`grpc`] (feature `grpc`): lesson 05's `hello.Greeter` and its tonic server (health,
//!   reflection, limits, a graceful drain), which the later lessons serve and register;
//!   [`grpc::message`], a gRPC message's 5-byte prefix, for what writes messages by hand.
//! - [`per_core`]: one single-threaded runtime per core on one port (`SO_REUSEPORT`), how
//!   lesson 05's servers run.
//! - [`consul`] (feature `consul`, as the next two): registering such a server in Consul with a gRPC health check (lesson 06).
//! - [`discovery`]: watching the passing instances of a service with blocking queries
//!   (lesson 07), for every client that picks an instance to call.
//! - [`errno`] (feature `http`): the seed's errno table and the JSON every gateway answers
//!   with (lessons 10 and 16).
//! - [`registered`]: serving while registered, and leaving in order: NOT_SERVING,
//!   deregister, drain (lesson 08).
//! - [`unreachable`]: one wording for a Consul, Redis or etcd that does not answer, with the
//!   command that starts it.
//! - [`captcha`] (feature `captcha`): lesson 09's captcha service in its plainest form, for
//!   the lessons that run it: lesson 10's tests and lesson 11's framework.

pub mod accept;
#[cfg(feature = "captcha")]
pub mod captcha;
#[cfg(feature = "consul")]
pub mod consul;
#[cfg(feature = "consul")]
pub mod discovery;
pub mod door;
#[cfg(feature = "http")]
pub mod errno;
#[cfg(feature = "grpc")]
pub mod greeter;
#[cfg(feature = "grpc")]
pub mod grpc;
pub mod listen;
pub mod output;
pub mod per_core;
pub mod ports;
pub mod program;
#[cfg(feature = "consul")]
pub mod registered;
pub mod signal;
pub mod unreachable;

pub use output::end_when_output_closes;

/// What is logged when `RUST_LOG` is not set.
pub const DEFAULT_LOG_FILTER: &str = "info,consulrs=off,rustify=off,async_nats::connector=warn";

/// Sends log lines to stderr at `info`, or at what `RUST_LOG` asks for (`RUST_LOG=debug`).
///
/// Every lesson's binary starts with this, so all of them log the same way. The Consul
/// client logs every request it makes, and each failure at `error` before it returns it:
/// the lessons say what failed and what to do in their own error, so its lines show only
/// when `RUST_LOG` asks for them (`RUST_LOG=info,consulrs=debug`).
pub fn init_logging() {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    tracing_subscriber::registry().with(log_layer()).init();
}

/// The log lines of [`init_logging`], as a layer: a program that also sends its spans
/// elsewhere (lesson 15's, by OTLP) puts both layers on one subscriber.
pub fn log_layer<S>() -> impl tracing_subscriber::Layer<S>
where
    S: tracing::Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
{
    use std::io::IsTerminal;
    use tracing_subscriber::Layer;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_LOG_FILTER));
    tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_filter(filter)
}

/// The target of the spans a trace is made of (lesson 15): the gateway's request, a
/// service's call, its Redis command. Only they are sent by OTLP; a log line is not.
pub const TRACED: &str = "traced";
