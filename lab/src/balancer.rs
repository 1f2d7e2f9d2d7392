//! The load's balancer: what stands in front of a service's gateways in production, so that
//! no gateway is one every call goes through.
//!
//! Each host of the lab runs a gateway. The load sends each call to the next gateway in
//! turn, and on to the gateway after it only what the answers allow: a call that never
//! reached a gateway (its connection refused, the request never written) or that a gateway
//! answered 503 (no node ran it); and, for a call declared idempotent, one whose connection
//! closed before a byte of an answer — what Docker's port forwarder does when no gateway
//! listens behind it, but also what a gateway killed with the call in hand does. A 502 or a
//! 504 may have run: it is the answer. A gateway that is stopped finishes the calls it took,
//! so none is lost with it.
//!
//! A gateway that did not take a call is set aside, as a load balancer's outlier detection
//! does, and asked every [`PROBE_EVERY`] whether it answers again (its own `/metrics`, as a
//! balancer's health check asks); only then does it take calls again. Between the two, a
//! host coming back has its port published before anything on it can answer, and a call
//! sent there would wait a second or more for nothing.

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How often a gateway set aside is asked whether it answers again.
pub const PROBE_EVERY: Duration = Duration::from_millis(100);

/// How long an answer to that question may take: a gateway that is up answers it at once.
const PROBE_PATIENCE: Duration = Duration::from_millis(300);

/// The gateways, by base URL (`http://127.0.0.1:8080`), and which of them are set aside.
pub struct Gateways {
    bases: Vec<String>,
    set_aside: Mutex<Vec<bool>>,
}

impl Gateways {
    pub fn new(bases: &[String]) -> Arc<Gateways> {
        let bases: Vec<String> = bases
            .iter()
            .map(|base| base.trim_end_matches('/').to_string())
            .collect();
        let set_aside = Mutex::new(vec![false; bases.len()]);
        Arc::new(Gateways { bases, set_aside })
    }

    pub fn len(&self) -> usize {
        self.bases.len()
    }

    pub fn is_empty(&self) -> bool {
        self.bases.is_empty()
    }

    // ANCHOR: send
    /// `GET path`, sent to gateway `first` and on from there, those set aside last, while
    /// the answer allows it ([`send_on`]; `idempotent`: the method behind `path` may run
    /// twice): the answer of the first gateway that took it, or what the last one said.
    pub async fn get(
        self: &Arc<Self>,
        client: &reqwest::Client,
        path: &str,
        first: usize,
        idempotent: bool,
    ) -> reqwest::Result<reqwest::Response> {
        let order = self.order(first);
        let mut tried = 0;
        loop {
            let gateway = order[tried];
            tried += 1;
            let url = format!("{}{path}", self.bases[gateway]);
            let sent = client.get(url).send().await;
            if !send_on(&sent, idempotent) || tried == order.len() {
                return sent;
            }
            if sent.is_err() {
                self.set_aside(gateway, client);
            }
        }
    }
    // ANCHOR_END: send

    /// Every gateway once, from `first` on: those taking calls first, then those set aside
    /// (a call goes to one of them only when every gateway is set aside).
    fn order(&self, first: usize) -> Vec<usize> {
        let set_aside = micro::locks::lock(&self.set_aside).clone();
        let turn = (0..self.len()).map(|offset| (first + offset) % self.len());
        let (taking, aside): (Vec<usize>, Vec<usize>) = turn.partition(|&one| !set_aside[one]);
        taking.into_iter().chain(aside).collect()
    }

    /// Sets gateway `index` aside, and asks it every [`PROBE_EVERY`] until it answers.
    fn set_aside(self: &Arc<Self>, index: usize, client: &reqwest::Client) {
        let newly = !std::mem::replace(&mut micro::locks::lock(&self.set_aside)[index], true);
        if !newly {
            return;
        }
        let (gateways, client) = (self.clone(), client.clone());
        let probe = format!("{}{}", self.bases[index], micro::metrics::PATH);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(PROBE_EVERY).await;
                let asked = client.get(&probe).timeout(PROBE_PATIENCE).send().await;
                if asked.is_ok_and(|answer| answer.status().is_success()) {
                    micro::locks::lock(&gateways.set_aside)[index] = false;
                    return;
                }
            }
        });
    }
}

// ANCHOR: send_on
/// Whether a call `sent` to one gateway may go on to the next: it never reached a gateway
/// ([`never_sent`]), or the gateway answered 503 — `micro api`'s "no node ran it" — or,
/// for an `idempotent` call only, its connection closed before a byte of an answer
/// ([`not_answered`]), which may come after a gateway took the call. A 502 or a 504 says the
/// call may have run, and a timeout may have too: they are the answer.
pub fn send_on(sent: &reqwest::Result<reqwest::Response>, idempotent: bool) -> bool {
    match sent {
        Ok(answer) => answer.status() == reqwest::StatusCode::SERVICE_UNAVAILABLE,
        Err(error) => never_sent(error) || (idempotent && not_answered(error)),
    }
}
// ANCHOR_END: send_on

/// Whether `error` says the request never reached a gateway: its connection was refused,
/// or it was never written (hyper's "canceled", its connection closed while it waited).
pub fn never_sent(error: &reqwest::Error) -> bool {
    error.is_connect()
        || causes(error).any(|cause| cause.to_string().starts_with("operation was canceled"))
}

/// Whether `error` says the connection closed, or was reset, before a byte of an answer
/// came, the request sent. A gateway that stops refuses new connections and answers the
/// calls it took; Docker's port forwarder, which takes the connection on this machine's
/// side, closes it unanswered when no gateway listens behind it (stopping, or not back
/// yet). But a gateway killed with the call in hand closes it the same way: the call may
/// have run.
pub fn not_answered(error: &reqwest::Error) -> bool {
    if error.is_timeout() || !error.is_request() {
        return false;
    }
    causes(error).any(|cause| {
        use std::io::ErrorKind::*;
        let closed = cause.downcast_ref::<std::io::Error>().is_some_and(|io| {
            matches!(
                io.kind(),
                ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof
            )
        });
        // hyper's words for a connection closed before its answer began.
        let said = cause.to_string();
        closed || said == "connection closed before message completed" || said == "channel closed"
    })
}

fn causes(error: &reqwest::Error) -> impl Iterator<Item = &(dyn std::error::Error + 'static)> {
    std::iter::successors(std::error::Error::source(error), |cause| cause.source())
}
