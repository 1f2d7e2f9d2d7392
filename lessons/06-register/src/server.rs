//! The worked example: a Greeter that registers itself in Consul while it runs.
//!
//! The order of events is the lesson. The server binds its port first, so it knows the
//! port it really has (`--addr 127.0.0.1:0` picks a free one). Then it registers that
//! port, with a gRPC health check that the agent runs against it. It serves. When SIGINT or
//! SIGTERM comes it deregisters *before* it drains: clients stop being sent here while the
//! calls already running still finish.
//!
//! Every call to the agent has a deadline. consulrs has none of its own, so an agent that
//! accepts the connection and never answers would otherwise hang the server at start or
//! keep it from ever exiting.

use std::future::Future;
use std::time::Duration;

use anyhow::bail;
use shared::consul::Instance;

/// How often the agent asks the server's health service whether it serves.
pub const CHECK_INTERVAL: Duration = Duration::from_secs(2);

/// How long the check may stay critical before the agent removes the instance. A real
/// Consul honours nothing below one minute (see lesson 08).
pub const REAP_AFTER: Duration = Duration::from_secs(60);

/// How long a register or deregister call to the agent may take.
pub const AGENT_TIMEOUT: Duration = Duration::from_secs(5);

/// The gRPC service the check asks about: the Greeter, not just "the server is up".
pub const CHECKED_SERVICE: &str = "hello.Greeter";

// ANCHOR: run
/// Serves the Greeter on `addr`, registered as an instance of `name` with `tags`, until
/// SIGINT or SIGTERM; deregisters, then drains.
pub async fn run(addr: &str, name: &str, tags: Vec<String>) -> anyhow::Result<()> {
    // Listen for SIGINT/SIGTERM from the start: one that comes while we register must not
    // kill the process before it can deregister.
    let signal = shared::signal::shutdown();
    // The client first: building it is the slow part (tens of milliseconds), so once the
    // port is open the registration follows within a few.
    let agent = consul_ext::consul_address()?;
    let consul = consul_ext::client_for(&agent)?;
    let listener = shared::listen::listen(addr).await?;
    let local = listener.local_addr()?;
    tracing::info!("hello.Greeter listening on {local}");

    let mut instance = Instance::new(name, local);
    instance.tags = tags;
    let check = instance.grpc_check(CHECKED_SERVICE, CHECK_INTERVAL, REAP_AFTER);
    with_deadline("register", &agent, instance.register(&consul, check)).await?;
    tracing::info!(id = %instance.id, "registered with Consul at {agent} as {name}");

    // What `serve` waits for before it drains: the signal, then leaving the registry.
    let leave_first = async {
        signal.await;
        match with_deadline("deregister", &agent, instance.deregister(&consul)).await {
            Ok(()) => tracing::info!(id = %instance.id, "deregistered"),
            Err(error) => tracing::warn!("{error:#}"),
        }
    };
    shared::grpc::serve(listener, leave_first).await?;
    tracing::info!("server stopped");
    Ok(())
}
// ANCHOR_END: run

// ANCHOR: deadline
/// Runs one call to the agent at `agent` with [`AGENT_TIMEOUT`] as its deadline, and says
/// which call failed and where.
async fn with_deadline<E>(
    what: &str,
    agent: &str,
    call: impl Future<Output = Result<(), E>>,
) -> anyhow::Result<()>
where
    E: std::error::Error + Send + Sync + 'static,
{
    match tokio::time::timeout(AGENT_TIMEOUT, call).await {
        // Refused: no agent, and how to start one; a deregistration answered 404: the
        // instance was not registered there.
        Ok(result) => {
            result.map_err(|error| shared::unreachable::agent_call_error(what, "", agent, error))
        }
        Err(_) => {
            bail!("the Consul agent at {agent} did not answer the {what} within {AGENT_TIMEOUT:?}")
        }
    }
}
// ANCHOR_END: deadline
