//! The captcha service as the gateway sees it: whichever passing instance Consul knows of.
//!
//! The gateway never asks Consul once per request. At start it opens lesson 07's watcher
//! ([`shared::discovery`]), which keeps a blocking query on the agent and holds the latest
//! set of passing instances in memory. Each call takes the next instance of that set in
//! turn (round robin), over a connection kept per address: HTTP/2 carries any number of
//! calls on one connection, so the gateway opens one per instance, not one per request.
//!
//! When the set is empty (none passing) or not known yet (the agent never answered), there
//! is no one to call: the route answers 503 at once instead of waiting for a timeout.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use proto::captcha::captcha_client::CaptchaClient;
use shared::discovery::{Healthy, WatchOptions, watch_healthy};
use tokio::sync::watch;
use tonic::transport::{Channel, Endpoint};

use crate::errno::ApiError;

/// The captcha service behind the gateway.
#[derive(Clone)]
pub struct Upstream {
    service: String,
    healthy: watch::Receiver<Healthy>,
    /// Whose turn it is: the count of calls so far.
    turn: Arc<AtomicUsize>,
    /// One channel per instance address, opened on first use.
    channels: Arc<Mutex<HashMap<String, Channel>>>,
    connect_timeout: Duration,
}

// ANCHOR: watch
impl Upstream {
    /// Watches the passing instances of `service` on the agent at `agent` (a base URL)
    /// until `shutdown`. A connection to an instance may take up to `connect_timeout`.
    pub fn watch(
        agent: String,
        service: String,
        connect_timeout: Duration,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Upstream {
        let options = WatchOptions {
            wait: Duration::from_secs(30),
            ..WatchOptions::default()
        };
        let watcher = watch_healthy(agent, service.clone(), options, shutdown);
        Upstream {
            service,
            healthy: watcher.healthy,
            turn: Arc::new(AtomicUsize::new(0)),
            channels: Arc::new(Mutex::new(HashMap::new())),
            connect_timeout,
        }
    }
    // ANCHOR_END: watch

    /// The watcher's latest set, to wait on (`changed()`, `wait_for`).
    pub fn healthy(&self) -> watch::Receiver<Healthy> {
        self.healthy.clone()
    }

    // ANCHOR: pick
    /// A client of the next passing instance, or a 503 that says why there is none.
    pub fn pick(&self) -> Result<CaptchaClient<Channel>, ApiError> {
        let addr = {
            let healthy = self.healthy.borrow();
            let Some(entries) = healthy.as_deref() else {
                return Err(ApiError::unavailable(format!(
                    "the Consul agent has not said yet where {:?} is",
                    self.service
                )));
            };
            if entries.is_empty() {
                return Err(ApiError::unavailable(format!(
                    "no passing instance of {:?}",
                    self.service
                )));
            }
            let turn = self.turn.fetch_add(1, Ordering::Relaxed);
            entries[turn % entries.len()].address()
        };
        Ok(CaptchaClient::new(self.channel(&addr)?))
    }
    // ANCHOR_END: pick

    /// The channel to `addr`, opened lazily: it connects on its first call, and reconnects
    /// by itself after the connection is lost.
    fn channel(&self, addr: &str) -> Result<Channel, ApiError> {
        let mut channels = self
            .channels
            .lock()
            .expect("no panic while holding the lock");
        if let Some(channel) = channels.get(addr) {
            return Ok(channel.clone());
        }
        let endpoint = Endpoint::from_shared(format!("http://{addr}")).map_err(|error| {
            tracing::warn!(%addr, %error, "the agent gave an address that is no URI");
            ApiError::unavailable("the captcha service's address is not usable")
        })?;
        let channel = endpoint
            .connect_timeout(self.connect_timeout)
            .connect_lazy();
        channels.insert(addr.to_string(), channel.clone());
        Ok(channel)
    }
}
