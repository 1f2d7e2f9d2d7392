//! A NATS server for one test.
//!
//! Lesson 12's brokers run on a real `nats-server` (Debian's `nats-server` package), started
//! private to the test on free loopback ports, with JetStream on and its store in a temporary
//! folder, killed and deleted when the test drops the guard. A test may also stop it and start
//! it again on the same ports and store ([`NatsServer::restart`]), to see clients reconnect
//! and JetStream keep what it stored; and it may ask the server's monitoring port how many
//! connections and subscriptions it has, to wait for a client without sleeping.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::PATIENCE;
use crate::process::{OwnedChild, answers, free_ports, http_get, retry};
use programs::find_nats_server;

/// A private nats-server; killed, and its store deleted, when this is dropped.
#[derive(Debug)]
pub struct NatsServer {
    program: PathBuf,
    port: u16,
    monitor_port: u16,
    store: PathBuf,
    child: Option<OwnedChild>,
}

impl NatsServer {
    /// The server's URL: `nats://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Its monitoring port's address (`/varz`, `/connz`, `/subsz`): `127.0.0.1:PORT`.
    pub fn monitor_addr(&self) -> String {
        format!("127.0.0.1:{}", self.monitor_port)
    }

    /// The process id of the server, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(OwnedChild::id)
    }

    /// Kills the server (SIGKILL) and starts it again on the same ports and store, and waits
    /// until it is ready. Clients see their connection drop and reconnect.
    pub async fn restart(&mut self) {
        self.child.take(); // SIGKILL and reap: the port is free again
        let child = start(&self.program, self.port, self.monitor_port, &self.store)
            .await
            .unwrap_or_else(|why| panic!("could not start nats-server again: {why}"));
        self.child = Some(child);
    }

    /// How many subscriptions the server holds now (`/varz`'s `subscriptions`; JetStream
    /// counts a few of its own).
    pub async fn subscriptions(&self) -> u64 {
        self.varz("subscriptions").await
    }

    /// Waits until `/varz`'s `field` (`connections`, `subscriptions`) holds `enough`.
    pub async fn wait_for(&self, field: &str, enough: impl Fn(u64) -> bool) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let value = self.varz(field).await;
            if enough(value) {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "gave up after {PATIENCE:?} waiting for nats-server's {field} (now {value})"
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn varz(&self, field: &str) -> u64 {
        let (status, body) = http_get(&self.monitor_addr(), "/varz")
            .await
            .unwrap_or_else(|error| panic!("nats-server's /varz: {error}"));
        assert_eq!(status, 200, "nats-server's /varz: {body}");
        let varz: serde_json::Value = serde_json::from_str(&body).expect("/varz is JSON");
        varz[field]
            .as_u64()
            .unwrap_or_else(|| panic!("/varz has no {field}: {body}"))
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.child.take();
        let _ = std::fs::remove_dir_all(&self.store);
    }
}

/// A private `nats-server` with JetStream on free loopback ports, ready (its `/healthz`
/// answers ok) before this returns.
///
/// Panics with the command that installs it when `nats-server` cannot be found.
pub async fn nats() -> NatsServer {
    let Some(program) = find_nats_server() else {
        panic!(
            "these tests need NATS, and `nats-server` is not on PATH (nor in /usr/sbin). \
             Install it (`{}`), or set NATS_SERVER=/path/to/nats-server.",
            programs::how_to_install("nats-server", "nats-server")
        );
    };
    // A free port may be taken between our choosing it and the server binding it: try again.
    retry("nats-server", async || {
        let ports = free_ports(2);
        let store = std::env::temp_dir().join(format!("testkit-nats-{}", crate::unique_suffix()));
        let child = start(&program, ports[0], ports[1], &store)
            .await
            .inspect_err(|_| {
                let _ = std::fs::remove_dir_all(&store);
            })?;
        Ok(NatsServer {
            program: program.clone(),
            port: ports[0],
            monitor_port: ports[1],
            store,
            child: Some(child),
        })
    })
    .await
}

async fn start(
    program: &PathBuf,
    port: u16,
    monitor_port: u16,
    store: &std::path::Path,
) -> Result<OwnedChild, String> {
    let mut command = Command::new(program);
    command
        .args(["-a", "127.0.0.1"])
        .args(["-p", &port.to_string()])
        .args(["-m", &monitor_port.to_string()])
        .arg("-js")
        .arg("-sd")
        .arg(store);
    let mut child = OwnedChild::spawn(command, "nats")
        .map_err(|error| format!("could not run {}: {error}", program.display()))?;
    let monitor = format!("127.0.0.1:{monitor_port}");
    let waiting_for = "nats-server not healthy";
    let every = Duration::from_millis(20);
    let healthy = |_: &OwnedChild| answers(&monitor, "/healthz", "ok");
    child
        .wait_until("nats-server", waiting_for, PATIENCE, every, healthy)
        .await?;
    Ok(child)
}
