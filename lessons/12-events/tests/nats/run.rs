//! The lesson's binary run as real processes against a private nats-server, and a raw client
//! that speaks NATS's text protocol as any other program would.

use std::collections::VecDeque;
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use testkit::{NatsServer, within};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;

/// Processes of the lesson's binary; every line they print comes on one channel, tagged with
/// the index of the process that printed it. All are killed when this is dropped.
pub struct Processes {
    url: String,
    sender: mpsc::UnboundedSender<(usize, String)>,
    lines: mpsc::UnboundedReceiver<(usize, String)>,
    children: Vec<Child>,
    stderr: Vec<Arc<Mutex<String>>>,
    /// Lines read ahead while waiting for a subscriber to say it is ready.
    pending: VecDeque<(usize, String)>,
}

impl Processes {
    pub fn new(server: &NatsServer) -> Processes {
        let (sender, lines) = mpsc::unbounded_channel();
        Processes {
            url: server.url(),
            sender,
            lines,
            children: Vec::new(),
            stderr: Vec::new(),
            pending: VecDeque::new(),
        }
    }

    /// Starts `l12-events --broker nats --broker-address URL ARGS…`; its index.
    pub fn start(&mut self, args: &[&str]) -> usize {
        let mut child = Command::new(env!("CARGO_BIN_EXE_l12-events"))
            .args(["--broker", "nats", "--broker-address", &self.url])
            .args(args)
            .env_remove("RUST_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the lesson's binary starts");
        let index = self.children.len();
        let tx = self.sender.clone();
        forward(child.stdout.take().unwrap(), move |line| {
            let _ = tx.send((index, line));
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let log = stderr.clone();
        forward(child.stderr.take().unwrap(), move |line| {
            let mut log = log.lock().unwrap();
            log.push_str(&line);
            log.push('\n');
        });
        self.children.push(child);
        self.stderr.push(stderr);
        index
    }

    /// Starts a subscriber and waits for its "subscribed to" line.
    pub async fn subscriber(&mut self, args: &[&str]) -> usize {
        let mut all = vec!["subscribe"];
        all.extend_from_slice(args);
        let index = self.start(&all);
        testkit::within("the subscriber to say it has subscribed", async {
            loop {
                let (who, line) = self.read().await;
                assert_eq!(who, index, "a line from another process first: {line}");
                if line.starts_with("subscribed to ") {
                    return index;
                }
                // A durable subscriber is handed its backlog as soon as its consumer exists,
                // which can be before it says it is ready: keep those lines for `next`.
                assert!(line.starts_with(args[0]), "{line}\n{}", self.stderr(index));
                self.pending.push_back((who, line));
            }
        })
        .await
    }

    /// The next line any process printed.
    pub async fn next(&mut self) -> (usize, String) {
        match self.pending.pop_front() {
            Some(line) => line,
            None => self.read().await,
        }
    }

    /// The next line any process printed, not read before.
    async fn read(&mut self) -> (usize, String) {
        within("a line from the subscribers", self.lines.recv())
            .await
            .expect("the processes' output is read")
    }

    /// Runs `publish ARGS…` to its end; it must publish every message. What it prints.
    pub async fn publish(&mut self, args: &[&str]) -> String {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_l12-events"));
        command
            .args(["--broker", "nats", "--broker-address", &self.url, "publish"])
            .args(args)
            .env_remove("RUST_LOG");
        let output =
            testkit::output_within_async("the publisher to finish", command, testkit::PATIENCE)
                .await;
        let stdout = String::from_utf8_lossy(&output.stdout).to_string();
        assert!(
            output.status.success() && stdout.contains("; 0 not delivered"),
            "publish failed: {stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        stdout
    }

    /// The stdin of process `index`, to feed `publish TOPIC -` one line at a time.
    pub fn stdin(&mut self, index: usize) -> ChildStdin {
        self.children[index]
            .stdin
            .take()
            .expect("stdin not taken yet")
    }

    /// Kills process `index` with SIGKILL, and waits until it is gone.
    pub async fn kill(&mut self, index: usize) {
        let child = &mut self.children[index];
        child.start_kill().unwrap();
        within("the killed process to exit", child.wait())
            .await
            .unwrap();
    }

    /// Everything process `index` logged so far.
    pub fn stderr(&self, index: usize) -> String {
        self.stderr[index].lock().unwrap().clone()
    }

    /// Waits until process `index` has logged `text`.
    pub async fn logged(&self, index: usize, text: &str) {
        within(&format!("{text:?} in the log"), async {
            while !self.stderr(index).contains(text) {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        })
        .await
    }
}

fn forward(
    output: impl AsyncRead + Unpin + Send + 'static,
    mut each: impl FnMut(String) + Send + 'static,
) {
    tokio::spawn(async move {
        let mut lines = BufReader::new(output).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            each(line);
        }
    });
}

/// A client of NATS's text protocol: what any program in any language sends.
pub struct RawClient {
    stream: BufReader<TcpStream>,
}

impl RawClient {
    /// Connects, reads the server's `INFO {…}` and answers `CONNECT {…}`.
    pub async fn connect(server: &NatsServer) -> RawClient {
        let addr = server.url().trim_start_matches("nats://").to_string();
        let stream = within("a connection to NATS", TcpStream::connect(addr))
            .await
            .unwrap();
        let mut client = RawClient {
            stream: BufReader::new(stream),
        };
        let info = client.line().await;
        assert!(info.starts_with("INFO "), "{info}");
        client
            .send(b"CONNECT {\"verbose\":false,\"pedantic\":false}\r\n")
            .await;
        client
    }

    pub async fn send(&mut self, bytes: &[u8]) {
        self.stream.get_mut().write_all(bytes).await.unwrap();
    }

    /// `PUB subject n\r\n` and the n bytes: a publish as the protocol writes it.
    pub async fn publish(&mut self, subject: &str, payload: &[u8]) {
        let mut frame = format!("PUB {subject} {}\r\n", payload.len()).into_bytes();
        frame.extend_from_slice(payload);
        frame.extend_from_slice(b"\r\n");
        self.send(&frame).await;
    }

    /// The next line from the server, without its `\r\n`.
    pub async fn line(&mut self) -> String {
        let mut line = String::new();
        within("a line from NATS", self.stream.read_line(&mut line))
            .await
            .unwrap();
        line.trim_end().to_string()
    }

    /// The next line that is not the server's `PING` (answered) — a `MSG`, `-ERR` or `PONG`.
    pub async fn reply(&mut self) -> String {
        testkit::within("a line from NATS that is not a PING", async {
            loop {
                let line = self.line().await;
                if line == "PING" {
                    self.send(b"PONG\r\n").await;
                } else {
                    return line;
                }
            }
        })
        .await
    }
}
