//! The embedded Consul-compatible agent that `services up` starts, run in the foreground
//! by this same binary (`services run-agent`) until a stop signal.

use std::net::SocketAddr;

use anyhow::Result;

/// `services run-agent`: the embedded Consul-compatible agent in the foreground, until
/// SIGTERM or Ctrl-C. `up` runs this in the background.
#[cfg(feature = "embedded-agent")]
pub async fn run_agent(addr: SocketAddr) -> Result<()> {
    use anyhow::Context;

    let agent = devconsul::Agent::start(devconsul::Config {
        http_addr: addr,
        ..Default::default()
    })
    .await
    .with_context(|| format!("starting the embedded agent on {addr}"))?;
    println!(
        "embedded Consul-compatible agent listening on {}",
        agent.http_addr()
    );
    wait_for_stop_signal().await;
    println!("stopping the agent");
    agent.shutdown().await;
    Ok(())
}

/// Built without the `embedded-agent` feature: there is no agent to run.
#[cfg(not(feature = "embedded-agent"))]
pub async fn run_agent(addr: SocketAddr) -> Result<()> {
    let _ = wait_for_stop_signal;
    anyhow::bail!(
        "this workbook was built without the embedded agent; start a real Consul on {addr} (`consul agent -dev`)"
    )
}

/// Waits for Ctrl-C or SIGTERM. A hang-up (the terminal that started us closing) is
/// ignored: a background service should outlive it.
async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut terminate), Ok(mut hangup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        loop {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => return,
                _ = terminate.recv() => return,
                _ = hangup.recv() => continue,
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
