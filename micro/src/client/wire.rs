//! Whether a failed try may have run, decided by what the client saw on the wire — the one
//! place the framework decides it.
//!
//! A status code cannot say it. `Unavailable` comes from a port where nothing listens, but
//! also from a connection whose pings went unanswered after the request left, and from a
//! service that answers it for work it half did (its database timed out after the write).
//! A call that must not run twice can only be sent to another node when the client *knows*
//! it never ran: gRPC's *transparent retry* (proposal A6) draws the same line. A try never
//! ran when
//!
//! - the connection could not be made (refused, no route, the connect timeout): tonic's
//!   [`ConnectError`](tonic::ConnectError) is in the status's sources;
//! - the request was never handed to a connection: hyper cancelled it, queued, when the
//!   connection closed or was not ready ([`hyper::Error::is_canceled`]);
//! - the server refused the stream unprocessed: an HTTP/2 `RST_STREAM` with
//!   `REFUSED_STREAM` (RFC 9113 §8.7: "no application processing"), or a graceful `GOAWAY`
//!   whose last stream id is below the request's — h2 hands exactly those streams a remote
//!   `GOAWAY` error with `NO_ERROR`; the streams below the line go on, and if the
//!   connection then breaks they see a broken pipe instead;
//! - the client itself stopped before sending ([`not_sent`]: an address that is none).
//!
//! Anything else may have run: any status the server sent (`Unavailable` included), a
//! keepalive that timed out, a connection reset after the request left, an answer that was
//! no HTTP/2, a timer that fired while the call was out.

use std::sync::Arc;

use tonic::{Code, Status};

// ANCHOR: verdict
/// What a failed try says about the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// It never ran on that node (the wire says so): any call may go to another.
    NotRun,
    /// It may have run — no answer in time, a connection that broke after the request
    /// left, a node that said it cannot serve now (`Unavailable`) or has no such method
    /// (`Unimplemented`, in the middle of a deploy): only an idempotent call may go to
    /// another node.
    MayHaveRun,
    /// The service answered: that is the call's answer, whatever its code.
    Answered,
}

/// The verdict on a failed try, from its status as tonic gave it (before
/// [`connection_failure`](crate::client::connection_failure) rewrites it).
pub fn verdict(status: &Status) -> Verdict {
    if never_ran(status) {
        Verdict::NotRun
    } else if timed_out(status) || from_the_connection(status) {
        Verdict::MayHaveRun
    } else if matches!(status.code(), Code::Unavailable | Code::Unimplemented) {
        // The server's own word: it cannot serve this now, or has no such method. A node
        // may say it after doing the work (its database timed out): for a method that may
        // run twice, another node is worth a try; for the rest it is the answer.
        Verdict::MayHaveRun
    } else {
        Verdict::Answered
    }
}
// ANCHOR_END: verdict

// ANCHOR: never_ran
/// Whether the wire shows that the try behind `status` never reached a server's handler.
pub fn never_ran(status: &Status) -> bool {
    sources(status).any(|error| {
        error.is::<NotSent>()
            || error.is::<tonic::ConnectError>()
            || error
                .downcast_ref::<hyper::Error>()
                .is_some_and(hyper::Error::is_canceled)
            || error
                .downcast_ref::<h2::Error>()
                .is_some_and(refused_unprocessed)
    })
}

/// An HTTP/2 error that says the server refused the stream before any processing.
fn refused_unprocessed(error: &h2::Error) -> bool {
    let reason = error.reason();
    error.is_remote()
        && ((error.is_reset() && reason == Some(h2::Reason::REFUSED_STREAM))
            || (error.is_go_away() && reason == Some(h2::Reason::NO_ERROR)))
}
// ANCHOR_END: never_ran

/// Whether tonic gave `status` because a deadline the caller set on the request passed,
/// with the request out.
pub fn timed_out(status: &Status) -> bool {
    sources(status).any(|error| error.is::<tonic::TimeoutExpired>())
}

/// Whether `status` says what went wrong with the connection, not what the server said.
pub fn from_the_connection(status: &Status) -> bool {
    sources(status).any(|error| {
        error.is::<tonic::transport::Error>()
            || error.is::<hyper::Error>()
            || error.is::<h2::Error>()
            || error.is::<NotSent>()
    })
}

/// `Unavailable` for a try the client stopped before sending anything: it never ran.
pub fn not_sent(message: impl Into<String>) -> Status {
    let message = message.into();
    let mut status = Status::unavailable(message.clone());
    status.set_source(Arc::new(NotSent(message)));
    status
}

/// `status` as the failure of a call that changes nothing (the gateway reading a service's
/// schema): whatever it did, another node may be asked, so it is marked as [`not_sent`]
/// marks a try that never left. Its code and message stay.
pub fn changes_nothing(status: Status) -> Status {
    let mut marked = Status::new(status.code(), status.message());
    marked.set_source(Arc::new(NotSent(status.message().to_string())));
    marked
}

/// The mark [`not_sent`] leaves in a status's sources, which [`never_ran`] reads.
#[derive(Debug)]
pub struct NotSent(String);

impl std::fmt::Display for NotSent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not sent: {}", self.0)
    }
}

impl std::error::Error for NotSent {}

fn sources(status: &Status) -> impl Iterator<Item = &(dyn std::error::Error + 'static)> {
    std::iter::successors(std::error::Error::source(status), |error| error.source())
}

// ANCHOR: marks
/// The metadata key a failed call's status carries to say whether it may have run:
/// `no` (safe to send again anywhere) or `maybe`. The client sets it on the status it
/// returns, over whatever a server put there; `micro api` reads it for its HTTP status.
pub const MAY_HAVE_RUN: &str = "x-micro-may-have-run";

/// The metadata key set to `spent` when a retry was wanted and the retry budget refused it.
pub const RETRY_BUDGET: &str = "x-micro-retry-budget";
// ANCHOR_END: marks

/// Marks `status`, the failure a call ends with, with what the client knows of it.
pub fn mark(mut status: Status, verdict: Verdict, budget_spent: bool) -> Status {
    let ran = match verdict {
        Verdict::NotRun => "no",
        Verdict::MayHaveRun | Verdict::Answered => "maybe",
    };
    let metadata = status.metadata_mut();
    metadata.insert(MAY_HAVE_RUN, ran.parse().expect("ASCII"));
    if budget_spent {
        metadata.insert(RETRY_BUDGET, "spent".parse().expect("ASCII"));
    } else {
        metadata.remove(RETRY_BUDGET);
    }
    status
}

/// Whether a status the client returned says its call never ran (see [`mark`]); a status
/// without the mark did not come from a try.
pub fn marked_not_run(status: &Status) -> Option<bool> {
    let ran = status.metadata().get(MAY_HAVE_RUN)?;
    Some(ran == "no")
}

/// Whether a status the client returned says the retry budget refused a retry it wanted.
pub fn marked_budget_spent(status: &Status) -> bool {
    status
        .metadata()
        .get(RETRY_BUDGET)
        .is_some_and(|spent| spent == "spent")
}
