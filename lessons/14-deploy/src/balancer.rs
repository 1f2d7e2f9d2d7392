//! The load's balancer: what stands in front of a service's gateways in production, so that
//! no gateway is one every call goes through.
//!
//! Each host of the lab runs a gateway. The load sends each call to the next gateway in
//! turn, and a call a gateway did not take — its connection refused, or closed before a byte
//! of an answer: a gateway that is stopping, or not back yet — to the gateway after it. A
//! gateway that is stopped finishes the calls it took, so none is lost with it and none is
//! sent twice.
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
    /// `GET path`, sent to gateway `first` and on from there, those set aside last: the
    /// answer of the first gateway that took it, or what the last one said.
    pub async fn get(
        self: &Arc<Self>,
        client: &reqwest::Client,
        path: &str,
        first: usize,
    ) -> reqwest::Result<reqwest::Response> {
        let order = self.order(first);
        let mut tried = 0;
        loop {
            let gateway = order[tried];
            tried += 1;
            let url = format!("{}{path}", self.bases[gateway]);
            match client.get(url).send().await {
                Err(error) if not_taken(&error) => {
                    self.set_aside(gateway, client);
                    if tried == order.len() {
                        return Err(error);
                    }
                }
                sent => return sent,
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

/// Whether `error` says the gateway never took the call: its connection was refused, closed
/// before a byte of an answer, or closed before the request was written. A gateway that
/// stops refuses new connections and answers the calls it took; Docker's port forwarder,
/// which takes the connection on this machine's side, closes it unanswered when no gateway
/// listens behind it (stopping, or not back yet). Such a call reached no service, so the
/// next gateway may have it. (It is a GET, and the method behind it is declared idempotent:
/// sent on, it would be safe even had it run.) A call that timed out, or was answered with
/// an error, is the gateway's answer.
pub fn not_taken(error: &reqwest::Error) -> bool {
    if error.is_connect() {
        return true;
    }
    if error.is_timeout() || !error.is_request() {
        return false;
    }
    let mut cause = std::error::Error::source(error);
    while let Some(reason) = cause {
        if let Some(io) = reason.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            if matches!(
                io.kind(),
                ConnectionReset | ConnectionAborted | BrokenPipe | UnexpectedEof
            ) {
                return true;
            }
        }
        // hyper's words for a connection closed before its answer began, and for one
        // closed before the request was written.
        let said = reason.to_string();
        if said == "connection closed before message completed"
            || said == "channel closed"
            || said.starts_with("operation was canceled")
        {
            return true;
        }
        cause = reason.source();
    }
    false
}
