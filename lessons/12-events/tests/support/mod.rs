//! What the lesson's tests share: the lesson's binary run as subscribers and publishers.
#![allow(dead_code)] // each test file uses its own part

use std::net::SocketAddr;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The lesson's binary.
pub const BINARY: &str = env!("CARGO_BIN_EXE_l12-events");

/// How long a publisher of a few hundred messages may take on a loaded machine.
pub const PUBLISH_LIMIT: Duration = Duration::from_secs(60);

/// A topic no other test uses.
pub fn unique_topic(what: &str) -> String {
    format!("test.{what}.{}", uuid::Uuid::new_v4().simple())
}

/// The arguments that put the binary on the HTTP broker over the Consul agent at `agent`.
fn registry_args(agent: &str) -> Vec<String> {
    [
        "--broker",
        "http",
        "--registry",
        "consul",
        "--registry-address",
        agent,
    ]
    .map(str::to_string)
    .to_vec()
}

/// What every subscriber of a test has printed, one line per message, and how many in all.
#[derive(Clone)]
pub struct Received {
    lines: Arc<Mutex<Vec<(usize, String)>>>,
    total: watch::Sender<usize>,
}

impl Default for Received {
    fn default() -> Self {
        Received {
            lines: Arc::default(),
            total: watch::Sender::new(0),
        }
    }
}

impl Received {
    /// Waits until `count` messages have arrived in all.
    pub async fn wait_for(&self, count: usize, limit: Duration) {
        let mut total = self.total.subscribe();
        let reached = tokio::time::timeout(limit, total.wait_for(|total| *total >= count)).await;
        assert!(
            reached.is_ok(),
            "{count} messages never arrived; {} did: {:?}",
            *self.total.borrow(),
            self.lines.lock().unwrap().len()
        );
    }

    /// The bodies subscriber `which` printed.
    pub fn of(&self, which: usize) -> Vec<String> {
        let lines = self.lines.lock().unwrap();
        lines
            .iter()
            .filter(|(by, _)| *by == which)
            .map(|(_, body)| body.clone())
            .collect()
    }

    /// Every body printed, by any subscriber.
    pub fn all(&self) -> Vec<String> {
        let lines = self.lines.lock().unwrap();
        lines.iter().map(|(_, body)| body.clone()).collect()
    }
}

/// `l12-events subscribe TOPIC` as a process; killed when dropped.
pub struct Subscriber {
    child: Child,
    pub log: Arc<Mutex<String>>,
    /// Its node in the registry: the id and the address publishers POST to.
    pub node: (String, SocketAddr),
    /// The tasks that read its stdout and stderr, done once it has closed them.
    readers: Vec<JoinHandle<()>>,
}

impl Subscriber {
    /// Starts subscriber number `which` and waits until it is registered.
    pub async fn start(
        agent: &str,
        topic: &str,
        queue: Option<&str>,
        which: usize,
        received: &Received,
    ) -> Subscriber {
        let mut args = registry_args(agent);
        args.extend(["subscribe".to_string(), topic.to_string()]);
        args.extend(["--addr".to_string(), "127.0.0.1:0".to_string()]);
        if let Some(queue) = queue {
            args.extend(["--queue".to_string(), queue.to_string()]);
        }
        let mut child = Command::new(BINARY)
            .args(&args)
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start the lesson's binary");
        let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
        let prefix = format!("{topic}: ");
        let received = received.clone();
        let printed = tokio::spawn(async move {
            while let Ok(Some(line)) = stdout.next_line().await {
                if let Some(body) = line.strip_prefix(&prefix) {
                    received
                        .lines
                        .lock()
                        .unwrap()
                        .push((which, body.to_string()));
                    received.total.send_modify(|total| *total += 1);
                }
            }
        });
        let log = Arc::new(Mutex::new(String::new()));
        // The broker's line `subscribed to TOPIC as ID (VERSION), listening on ADDRESS`.
        let (subscribed, mut registered) = watch::channel(None);
        let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
        let collected = log.clone();
        let logged = tokio::spawn(async move {
            while let Ok(Some(line)) = stderr.next_line().await {
                if line.contains("subscribed to") {
                    subscribed.send_replace(Some(line.clone()));
                }
                collected.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let ready = registered.wait_for(Option::is_some);
        let line = match tokio::time::timeout(Duration::from_secs(30), ready).await {
            Ok(Ok(line)) => line.clone().unwrap(),
            _ => panic!("the subscriber never subscribed: {}", log.lock().unwrap()),
        };
        let node = node_of(&line).unwrap_or_else(|| panic!("no node id and address in {line:?}"));
        Subscriber {
            child,
            log,
            node,
            readers: vec![printed, logged],
        }
    }

    /// Sends it `signal` (`INT`, `TERM`) with the `kill` command, as an operator would.
    pub fn signal(&self, signal: &str) {
        let pid = self.child.id().expect("the subscriber is still running");
        let mut kill = std::process::Command::new("kill");
        kill.arg(format!("-{signal}")).arg(pid.to_string());
        let what = format!("`kill -{signal} {pid}`");
        let output = testkit::output_within(&what, &mut kill, testkit::PATIENCE);
        assert!(
            output.status.success(),
            "{what} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Waits until it has exited and everything it printed has been read; its exit status.
    pub async fn exits(&mut self, limit: Duration) -> ExitStatus {
        let exited = tokio::time::timeout(limit, async {
            let status = self.child.wait().await.expect("wait for the subscriber");
            for reader in self.readers.drain(..) {
                reader.await.expect("read the subscriber's output");
            }
            status
        });
        match exited.await {
            Ok(status) => status,
            Err(_) => panic!(
                "the subscriber was still running {limit:?} later; its log:\n{}",
                self.log()
            ),
        }
    }

    /// Everything it has logged so far.
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Kills it at once, as a crash would: it never deregisters.
    pub async fn kill(&mut self) {
        self.child.kill().await.expect("kill the subscriber");
    }
}

/// The node id and address in `… subscribed to TOPIC as ID (VERSION), listening on ADDRESS`.
fn node_of(line: &str) -> Option<(String, SocketAddr)> {
    let (_, after) = line.split_once(" as ")?;
    let (id, _) = after.split_once(' ')?;
    let (_, address) = after.split_once("listening on ")?;
    Some((id.to_string(), address.trim().parse().ok()?))
}

/// What `l12-events publish` printed (stdout, stderr) after publishing `count` messages.
pub async fn publish(agent: &str, topic: &str, message: &str, count: usize) -> (String, String) {
    let mut args = registry_args(agent);
    args.extend(["publish", topic, message, "--count"].map(str::to_string));
    args.push(count.to_string());
    let mut command = std::process::Command::new(BINARY);
    command.args(&args).env("RUST_LOG", "warn");
    let output =
        testkit::output_within_async("the publisher to finish", command, PUBLISH_LIMIT).await;
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    );
    // The exit says whether every message reached everyone it was for.
    assert_eq!(
        output.status.success(),
        not_delivered(&stdout) == 0,
        "the publisher's exit and its summary disagree: {stdout}\n{stderr}"
    );
    (stdout, stderr)
}

/// How many messages the publisher said were not delivered everywhere.
pub fn not_delivered(stdout: &str) -> usize {
    let (_, after) = stdout
        .split_once("; ")
        .unwrap_or_else(|| panic!("no summary in {stdout:?}"));
    after
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {stdout:?}"))
}
