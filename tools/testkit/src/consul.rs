//! A Consul agent for one test.
//!
//! The Consul lessons run against whatever agent the machine has: the one named by
//! `CONSUL_HTTP_ADDR`, else a real `consul agent -dev` when a `consul` binary is on `PATH`,
//! else the workbook's embedded development agent (`devconsul`). The test only sees a URL.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::oneshot;

use crate::PATIENCE;
use crate::process::{NotReady, OwnedChild, free_ports};
use programs::find_on_path;

/// How long a real `consul agent -dev` may take to elect itself leader.
const CONSUL_STARTUP: Duration = Duration::from_secs(30);

/// Where the agent a test talks to came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsulKind {
    /// `CONSUL_HTTP_ADDR` named an agent that someone else runs.
    External,
    /// A `consul agent -dev` child process started for this test.
    RealConsul,
    /// The workbook's embedded development agent, running inside the test process.
    Embedded,
}

/// A Consul agent for one test; whatever it started stops when this is dropped.
#[derive(Debug)]
pub struct ConsulAgent {
    url: String,
    kind: ConsulKind,
    running: Running,
}

/// What [`ConsulAgent`] owns, and so stops on drop.
#[derive(Debug)]
enum Running {
    Nothing,
    Process(OwnedChild),
    /// Held only to be dropped.
    Embedded {
        _agent: EmbeddedAgent,
    },
}

impl ConsulAgent {
    /// The agent's HTTP API base URL, with a scheme and without a trailing slash:
    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Where the agent came from.
    pub fn kind(&self) -> ConsulKind {
        self.kind
    }

    /// The process id of a `consul` child this guard started, if it started one.
    pub fn pid(&self) -> Option<u32> {
        match &self.running {
            Running::Process(child) => Some(child.id()),
            _ => None,
        }
    }
}

/// A Consul agent for a test: `CONSUL_HTTP_ADDR` when it is set, else a real
/// `consul agent -dev` on free loopback ports when `consul` is on `PATH`, else the embedded
/// development agent on `127.0.0.1:0`.
///
/// ```
/// # async fn example() {
/// let agent = testkit::consul().await;
/// println!("Consul's HTTP API is at {}", agent.url());
/// # }
/// ```
pub async fn consul() -> ConsulAgent {
    // `CONSUL_HTTP_ADDR` as Consul's tools take it, with or without `http://` (HTTP clients
    // need a URL). Unset or empty means "none".
    if let Ok(raw) = std::env::var("CONSUL_HTTP_ADDR")
        && !raw.trim().is_empty()
    {
        let url = consul_ext::normalise_address(&raw)
            .unwrap_or_else(|error| panic!("CONSUL_HTTP_ADDR: {error}"));
        return ConsulAgent {
            url,
            kind: ConsulKind::External,
            running: Running::Nothing,
        };
    }
    if let Some(program) = find_on_path("consul") {
        let (url, child) = start_real_consul(&program).await;
        return ConsulAgent {
            url,
            kind: ConsulKind::RealConsul,
            running: Running::Process(child),
        };
    }
    let (url, agent) = EmbeddedAgent::start().await;
    ConsulAgent {
        url,
        kind: ConsulKind::Embedded,
        running: Running::Embedded { _agent: agent },
    }
}

/// Starts `consul agent -dev` with every port it opens chosen free, and waits until it has
/// elected itself leader. A port taken in the meantime makes it exit: then it is tried again
/// with fresh ports.
async fn start_real_consul(program: &Path) -> (String, OwnedChild) {
    let mut failures = Vec::new();
    for _attempt in 0..3 {
        let ports = free_ports(6);
        let mut command = Command::new(program);
        command
            .args(["agent", "-dev", "-bind=127.0.0.1", "-client=127.0.0.1"])
            .arg("-dns-port=-1")
            .arg(format!("-http-port={}", ports[0]))
            .arg(format!("-grpc-port={}", ports[1]))
            .arg(format!("-serf-lan-port={}", ports[2]))
            .arg(format!("-serf-wan-port={}", ports[3]))
            .arg(format!("-server-port={}", ports[4]));
        if supports_grpc_tls_port(program) {
            command.arg(format!("-grpc-tls-port={}", ports[5]));
        }
        let mut child = OwnedChild::spawn(command, "consul")
            .unwrap_or_else(|error| panic!("could not run {}: {error}", program.display()));
        let addr = format!("127.0.0.1:{}", ports[0]);
        match wait_for_leader(&mut child, &addr).await {
            Ok(()) => return (format!("http://{addr}"), child),
            // Most often a port was taken in the meantime: try again with fresh ones.
            Err(NotReady::Exited(why)) => failures.push(why),
            // A slow machine does not get faster by trying again.
            Err(NotReady::TooSlow(why)) => {
                failures.push(why);
                break;
            }
        }
    }
    panic!(
        "could not start `{} agent -dev` (unset PATH's consul or set CONSUL_HTTP_ADDR to use \
         another agent):\n{}",
        program.display(),
        failures.join("\n---\n")
    );
}

/// Polls `/v1/status/leader` until it names a leader; a child that exits first has failed.
async fn wait_for_leader(child: &mut OwnedChild, addr: &str) -> Result<(), NotReady> {
    let waiting_for = format!("no leader on {addr}");
    let every = Duration::from_millis(100);
    child
        .wait_until("consul", &waiting_for, CONSUL_STARTUP, every, |_| async {
            consul_ext::leader(addr, Duration::from_secs(1))
                .await
                .is_ok_and(|leader| !leader.is_empty())
        })
        .await
}

/// Consul 1.14 added a gRPC TLS listener (on by default in `-dev`, port 8503); older releases
/// reject the flag. Ask the binary once.
fn supports_grpc_tls_port(program: &Path) -> bool {
    static SUPPORTED: OnceLock<bool> = OnceLock::new();
    *SUPPORTED.get_or_init(|| {
        let mut help = Command::new(program);
        help.args(["agent", "-h"]);
        let help = crate::output_within("`consul agent -h`", &mut help, PATIENCE);
        let text = [help.stdout, help.stderr].concat();
        String::from_utf8_lossy(&text).contains("-grpc-tls-port")
    })
}

/// The embedded agent, on a thread and runtime of its own.
///
/// Its own runtime keeps it answering while the test's runtime is busy (or blocked, say on
/// a child process the test waits for), and lets `Drop` stop it synchronously: dropping that
/// runtime ends every task the agent spawned and closes its sockets.
#[derive(Debug)]
struct EmbeddedAgent {
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl EmbeddedAgent {
    async fn start() -> (String, EmbeddedAgent) {
        let (ready_tx, ready_rx) = oneshot::channel::<Result<String, String>>();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("devconsul".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime for the embedded agent");
                runtime.block_on(async move {
                    let config = devconsul::Config {
                        http_addr: ([127, 0, 0, 1], 0).into(),
                        ..devconsul::Config::default()
                    };
                    match devconsul::Agent::start(config).await {
                        Ok(agent) => {
                            let _ = ready_tx.send(Ok(agent.url()));
                            // Until the guard is dropped (or the test process ends).
                            let _ = stop_rx.await;
                            let _ = tokio::time::timeout(PATIENCE, agent.shutdown()).await;
                        }
                        Err(error) => {
                            let _ = ready_tx.send(Err(format!("{error:#}")));
                        }
                    }
                });
            })
            .expect("a thread for the embedded agent");
        let url = match crate::within("the embedded Consul agent to start", ready_rx).await {
            Ok(Ok(url)) => url.trim_end_matches('/').to_string(),
            Ok(Err(error)) => panic!("the embedded Consul agent did not start: {error}"),
            Err(_) => panic!("the embedded Consul agent's thread died while starting"),
        };
        let agent = EmbeddedAgent {
            stop: Some(stop_tx),
            thread: Some(thread),
        };
        (url, agent)
    }
}

impl Drop for EmbeddedAgent {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // deadline: told to stop, the thread ends once the agent's shutdown has (which
            // PATIENCE bounds)
            let _ = thread.join();
        }
    }
}
