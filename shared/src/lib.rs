//! What the lessons' programs share, kept where no learner's file is compiled.
//!
//! Every server of the course has the same outer shape: it logs the same way, accepts
//! connections in the same loop, and stops on the same signals with a time limit. That code
//! is taught once, in lesson 01, and lives here so that later lessons can run on it without
//! compiling lesson 01's exercise files: a half-written exercise in one lesson never breaks
//! another lesson.
//!
//! - [`accept`]: listen, accept, one task per connection, and a graceful stop.
//! - [`signal`]: the shutdown signal (Ctrl-C or SIGTERM; a second one stops at once), and
//!   [`signal::within_grace`], which cuts a stopping server off after its grace period.
//! - [`end_when_output_closes`]: `program | head` ends the program quietly, as it ends `cat`.
//! - [`init_logging`]: log lines on stderr, filtered by `RUST_LOG`.
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
#[cfg(feature = "grpc")]
pub mod greeter;
#[cfg(feature = "grpc")]
pub mod grpc;
pub mod per_core;
pub mod ports;
#[cfg(feature = "consul")]
pub mod registered;
pub mod signal;
pub mod unreachable;

/// Lets the program end quietly when whoever reads its output goes away, as `cat` or `ls`
/// do. Every lesson's binary calls this first.
///
/// `l13-rpcx client | head -3`: once `head` has its three lines it exits, and the pipe
/// between the two has no reader any more. Unix tells a program that writes to such a pipe
/// with the signal SIGPIPE, whose default action is to end it, silently: the reader has
/// what it wanted, and nothing is left to do. A Rust program starts with SIGPIPE ignored,
/// so the write fails instead, and `println!` panics with "failed printing to stdout:
/// Broken pipe".
///
/// Putting SIGPIPE's default action back for the whole program would be wrong for a
/// server: a write to a connection the peer has closed can raise it too (a vectored write,
/// as HTTP/2 makes, is not sent with `MSG_NOSIGNAL`), and a server must see that as an
/// error on one connection, not die of it. So SIGPIPE stays ignored, and only a print to a
/// closed standard output or error ends the program, the way a Unix tool ends: by the
/// signal itself, raised at that moment, with no panic message.
pub fn end_when_output_closes() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |panic| {
        if is_a_print_to_a_closed_pipe(panic) {
            end_by_sigpipe();
        }
        report(panic);
    }));
}

/// `println!`'s and `eprintln!`'s panic when their reader has gone: "failed printing to
/// stdout: Broken pipe (os error 32)", the error number being EPIPE's.
#[cfg(unix)]
fn is_a_print_to_a_closed_pipe(panic: &std::panic::PanicHookInfo<'_>) -> bool {
    let message = panic
        .payload()
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.payload().downcast_ref::<&str>().copied())
        .unwrap_or_default();
    message.starts_with("failed printing to std")
        && message.ends_with(&format!("(os error {})", libc::EPIPE))
}

#[cfg(not(unix))]
fn is_a_print_to_a_closed_pipe(_panic: &std::panic::PanicHookInfo<'_>) -> bool {
    false
}

/// Ends the program by SIGPIPE, as the kernel would have ended a C program at its write.
fn end_by_sigpipe() {
    // SAFETY: the default action installs no handler of ours, and raising the signal then
    // ends the process at once; nothing of this program runs after it.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        libc::raise(libc::SIGPIPE);
    }
}

/// What is logged when `RUST_LOG` is not set.
pub const DEFAULT_LOG_FILTER: &str = "info,consulrs=off,rustify=off,async_nats::connector=warn";

/// Sends log lines to stderr at `info`, or at what `RUST_LOG` asks for (`RUST_LOG=debug`).
///
/// Every lesson's binary starts with this, so all of them log the same way. The Consul
/// client logs every request it makes, and each failure at `error` before it returns it:
/// the lessons say what failed and what to do in their own error, so its lines show only
/// when `RUST_LOG` asks for them (`RUST_LOG=info,consulrs=debug`).
pub fn init_logging() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_LOG_FILTER));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}
