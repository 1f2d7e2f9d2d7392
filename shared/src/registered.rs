//! Serving while registered in Consul, and leaving in the right order.
//!
//! A registered server has two audiences: the callers that reach it, and the agent that tells
//! callers where it is. When it stops, it must first stop being *found*, and only then stop
//! *answering*; the other way round, the catalog goes on sending callers to a server that
//! refuses them. So a stop is three steps, in this order:
//!
//! 1. health turns NOT_SERVING: the agent's gRPC check and every health watcher hear that no
//!    new calls should come;
//! 2. the instance deregisters: the catalog forgets it at once, and discovery stops handing
//!    it out;
//! 3. the server drains: no new connections, and the calls already running finish, within a
//!    grace period.
//!
//! A server that dies without these steps (`kill -9`, a crash of the machine) leaves its
//! entry behind: its check turns critical, and the agent removes it once it has stayed
//! critical for `DeregisterCriticalServiceAfter`.
//!
//! Lesson 08's worked example (its chapter shows this file). Lesson 09's captcha service
//! serves through it too: anything tonic can route can be served registered.

use std::future::Future;
use std::time::Duration;

use consulrs::api::check::common::AgentServiceCheck;
use consulrs::client::ConsulClient;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tonic::transport::server::Router;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;
use tracing::{info, warn};

use crate::consul::Instance;
use crate::grpc::incoming;
use crate::signal::within_grace;

/// How long one request to the agent may take. consulrs has no timeout of its own, and an
/// agent that accepts the connection but never answers would otherwise hold a start, or a
/// stop, forever.
pub const AGENT_TIMEOUT: Duration = Duration::from_secs(5);

// ANCHOR: registration
/// A server's entry in Consul: the agent to tell, the instance, and the check that keeps
/// the entry honest.
pub struct Registration {
    pub client: ConsulClient,
    pub instance: Instance,
    pub check: AgentServiceCheck,
}

impl Registration {
    /// Registers the instance with its check (again: the same ID replaces the old entry).
    pub async fn register(&self) -> anyhow::Result<()> {
        let registering = self.instance.register(&self.client, self.check.clone());
        self.bounded("register", registering).await
    }

    /// Removes the instance and its check from the agent.
    pub async fn deregister(&self) -> anyhow::Result<()> {
        let deregistering = self.instance.deregister(&self.client);
        self.bounded("deregister", deregistering).await
    }

    /// The agent's base URL, for messages.
    pub fn agent(&self) -> &str {
        &self.client.settings.address
    }

    /// Runs one request to the agent for at most [`AGENT_TIMEOUT`], with an error that says
    /// what was asked of which agent.
    async fn bounded(
        &self,
        what: &str,
        request: impl Future<Output = Result<(), consulrs::error::ClientError>>,
    ) -> anyhow::Result<()> {
        let id = &self.instance.id;
        match tokio::time::timeout(AGENT_TIMEOUT, request).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(crate::unreachable::agent_call_error(
                what,
                id,
                self.agent(),
                error,
            )),
            Err(_) => anyhow::bail!(
                "cannot {what} {id}: the Consul agent at {} did not answer within {AGENT_TIMEOUT:?}",
                self.agent()
            ),
        }
    }
}
// ANCHOR_END: registration

/// A gRPC server ready to serve: its routes, its bound listener, the reporter its health
/// service answers from, and how long its calls may take to finish once it stops.
pub struct Served {
    pub router: Router,
    pub listener: TcpListener,
    pub health: HealthReporter,
    /// The services whose health turns NOT_SERVING when the server stops (the whole
    /// server, `""`, always does).
    pub services: Vec<String>,
    pub grace: Duration,
}

// ANCHOR: serve_registered
/// Registers, serves until `shutdown` completes, then leaves in order: NOT_SERVING,
/// deregister, drain for at most `grace`. A server that fails is deregistered too.
pub async fn serve_registered(
    served: Served,
    registration: &Registration,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let Served {
        router,
        listener,
        health,
        services,
        grace,
    } = served;
    registration.register().await?;
    info!(
        "registered {} with the Consul agent at {}",
        registration.instance.id,
        registration.agent()
    );

    // `left` turns true once the instance has left the catalog; tonic drains after that.
    let (left_tx, mut left) = watch::channel(false);
    let leave = async move {
        shutdown.await;
        leave_catalog(&health, &services, registration).await;
        let _ = left_tx.send(true);
        info!("3/3 draining: no new connections; calls in flight get up to {grace:?}");
    };
    let serving = router.serve_with_incoming_shutdown(incoming(listener), leave);
    let draining = async {
        if left.wait_for(|left| *left).await.is_err() {
            std::future::pending::<()>().await; // the server ended before any stop
        }
    };
    let outcome = within_grace(grace, draining, serving).await;

    // Every way out leaves the catalog: a stop did it before draining, a failure did not.
    let deregistered = if *left.borrow() {
        Ok(())
    } else {
        warn!("the server ended without a stop; deregistering now");
        registration.deregister().await
    };
    match outcome {
        Some(served) => served?,
        None => warn!("calls still open after {grace:?}; closed them"),
    }
    deregistered
}
// ANCHOR_END: serve_registered

// ANCHOR: leave
/// Steps 1 and 2 of a stop: stop being sent calls, then stop being found.
async fn leave_catalog(health: &HealthReporter, services: &[String], registration: &Registration) {
    info!("1/3 health is NOT_SERVING: the agent's check and watchers send no new calls");
    for service in services.iter().map(String::as_str).chain([""]) {
        health
            .set_service_status(service, ServingStatus::NotServing)
            .await;
    }
    let id = &registration.instance.id;
    info!("2/3 deregistering {id}: discovery stops handing it out");
    if let Err(error) = registration.deregister().await {
        // Not a reason to stay up: the check turns critical and the agent reaps the entry.
        warn!("{error:#}; the agent will reap {id} once its check is critical");
    }
}
// ANCHOR_END: leave
