//! A web service: what go-micro's `web.NewService(web.Name(…))` builds — an HTTP server
//! (here axum) registered in the registry like any other service.
//!
//! A web service's node is found by name as a gRPC service's is: a gateway, a load balancer
//! or another service looks it up in the registry and sends HTTP to the address it finds.
//! It leaves as a gRPC service does too: on SIGINT/SIGTERM it deregisters first, so that no
//! one is sent to it any more, then finishes the requests in flight.
//!
//! [`example`] is the seed's web service: a page, and `/example/call`, which calls a service
//! by name through [`MicroClient`](micro::client::MicroClient).

pub mod example;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use tonic::{Code, Status};
use tracing::{info, warn};

use crate::api::error::ApiError;
use crate::metrics::http::HttpMetrics;
use crate::registry::Registry;
use crate::service::Registration;

/// How long requests in flight may take to finish once the service is told to stop.
pub const GRACE: Duration = Duration::from_secs(5);

// ANCHOR: web_service
/// A web service to run: go-micro's `web.NewService` with its options.
pub struct WebService {
    /// Name, version, address, registry: as a gRPC service's.
    registration: Registration,
    router: Router,
    grace: Duration,
}

impl WebService {
    /// A web service called `name`, registered in `registry`, serving nothing yet.
    pub fn new(name: &str, registry: Arc<dyn Registry>) -> WebService {
        WebService {
            registration: Registration {
                name: name.to_string(),
                version: "latest".to_string(),
                registry,
                address: "127.0.0.1:0".to_string(),
                advertise: None,
                registry_wait: Duration::ZERO,
            },
            router: Router::new(),
            grace: GRACE,
        }
    }

    /// The version every node of this build says it runs.
    pub fn version(mut self, version: &str) -> WebService {
        self.registration.version = version.to_string();
        self
    }

    /// Where to listen: `host:port` (port 0: any free port).
    pub fn address(mut self, address: &str) -> WebService {
        self.registration.address = address.to_string();
        self
    }

    /// The address to register instead of the one listened on, as go-micro's
    /// `--server_advertise`: `host:port`, or `host` for the port listened on. Without it, a
    /// service listening on `0.0.0.0` registers one of its host's addresses.
    pub fn advertise(mut self, address: &str) -> WebService {
        self.registration.advertise = Some(address.to_string());
        self
    }

    /// How long to keep trying to register while the registry does not answer yet
    /// (`--registry-wait`); zero, the default: one try, and a failure ends the service.
    pub fn registry_wait(mut self, patience: Duration) -> WebService {
        self.registration.registry_wait = patience;
        self
    }

    /// Serves `router`'s routes beside those given before (go-micro's `service.Handle` and
    /// `service.HandleFunc`).
    pub fn handle(mut self, router: Router) -> WebService {
        self.router = self.router.merge(router);
        self
    }
}
// ANCHOR_END: web_service

impl WebService {
    /// How long requests still open may take to finish once the service is told to stop
    /// (default [`GRACE`]); then they are closed.
    pub fn grace(mut self, grace: Duration) -> WebService {
        self.grace = grace;
        self
    }
}

// ANCHOR: web_run
impl WebService {
    /// Listens, registers, serves until `shutdown`, then deregisters and gives the
    /// requests in flight their grace ([`GRACE`] unless told otherwise) to finish.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let me = self.registration;
        // Each request counted and timed, and `/metrics` served (lesson 15).
        let router = metered(self.router)?;
        // No `protocol=grpc`: the node answers HTTP, not gRPC.
        let (listener, node) = me.listen(Default::default()).await?;
        info!(
            "{} {} listening on {} (HTTP)",
            me.name, me.version, node.address
        );
        let mut shutdown = Box::pin(shutdown);
        if !me.register_unless_stopped(&node, shutdown.as_mut()).await? {
            return Ok(());
        }

        // The server stops taking connections once the node is out of the registry.
        let (left_tx, left) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            shutdown.await;
            info!("deregistering {}", node.id);
            me.deregister(&node).await;
            let _ = left_tx.send(true);
        });
        let has_left = |mut left: tokio::sync::watch::Receiver<bool>| async move {
            let _ = left.wait_for(|left| *left).await;
        };
        let server = axum::serve(listener, router)
            .with_graceful_shutdown(has_left(left.clone()))
            .into_future();
        match shared::signal::within_grace(self.grace, has_left(left), server).await {
            Some(served) => served?,
            None => warn!("requests still open after {:?}; closed them", self.grace),
        }
        info!("stopped");
        Ok(())
    }
}
// ANCHOR_END: web_run

/// `router` with its requests measured and `/metrics` served, unless the operator turned
/// metrics off ([`crate::metrics::SWITCH`]).
fn metered(router: Router) -> anyhow::Result<Router> {
    if !crate::metrics::wanted()? {
        info!("metrics off ({}=off): no /metrics", crate::metrics::SWITCH);
        return Ok(router);
    }
    Ok(Arc::new(HttpMetrics::new()?).around(router))
}

/// A request's JSON body as `T`. What cannot be read — not JSON, not a `T`, or over axum's
/// body limit (2 MB) — is a JSON error like every other, never axum's plain-text one.
pub fn json_body<T: DeserializeOwned>(body: Result<Bytes, BytesRejection>) -> Result<T, ApiError> {
    let body = body.map_err(|rejection| {
        let code = match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => Code::ResourceExhausted,
            _ => Code::InvalidArgument,
        };
        ApiError {
            http: rejection.status(),
            status: Status::new(code, rejection.body_text()),
            may_have_run: None,
            budget_spent: false,
        }
    })?;
    serde_json::from_slice(&body)
        .map_err(|error| ApiError::new(Code::InvalidArgument, format!("the body: {error}")))
}
