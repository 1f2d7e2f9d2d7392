//! What the lesson's tests share: the lesson's binary run as subscribers and publishers.
#![allow(dead_code)] // each test file uses its own part

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::watch;

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
        tokio::spawn(async move {
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
        let (subscribed, mut registered) = watch::channel(false);
        let mut stderr = BufReader::new(child.stderr.take().unwrap()).lines();
        let collected = log.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = stderr.next_line().await {
                if line.contains("subscribed to") {
                    subscribed.send_replace(true);
                }
                collected.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let ready = registered.wait_for(|ready| *ready);
        if tokio::time::timeout(Duration::from_secs(30), ready)
            .await
            .is_err()
        {
            panic!("the subscriber never subscribed: {}", log.lock().unwrap());
        }
        Subscriber { child, log }
    }

    /// Kills it at once, as a crash would: it never deregisters.
    pub async fn kill(&mut self) {
        self.child.kill().await.expect("kill the subscriber");
    }
}

/// What `l12-events publish` printed (stdout, stderr) after publishing `count` messages.
pub async fn publish(agent: &str, topic: &str, message: &str, count: usize) -> (String, String) {
    let mut args = registry_args(agent);
    args.extend(["publish", topic, message, "--count"].map(str::to_string));
    args.push(count.to_string());
    let run = Command::new(BINARY)
        .args(&args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(PUBLISH_LIMIT, run)
        .await
        .expect("the publisher finishes")
        .expect("run the publisher");
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
