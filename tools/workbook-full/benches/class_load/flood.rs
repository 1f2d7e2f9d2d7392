//! A room with a script in it (`--flood`): while the learners join and send, one machine
//! holds as many connections as the server lets it, each with a request begun and never
//! finished, and opens another as each is closed; a second machine sends joins with a
//! wrong code as fast as they are answered. The room's tests hold that both are refused
//! and the learners let in (`tests/runner/live_class/room.rs`); this measures what a
//! learner's join and verdicts take meanwhile.
//!
//! The two machines are 127.1.0.2 and 127.1.0.3: the learners' are 127.0.x.y
//! (`room::machine`), so the server counts the script apart from them, as it would a
//! laptop of its own.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::task::JoinHandle;

use crate::learners::request;

/// The machine holding connections.
const HOLDER: Ipv4Addr = Ipv4Addr::new(127, 1, 0, 2);

/// The machine sending wrong joins.
const GUESSER: Ipv4Addr = Ipv4Addr::new(127, 1, 0, 3);

/// A connection the server ends sooner than this was closed at once (past the machine's
/// share); one it held waits out the server's 10 s for a request's headers.
const AT_ONCE: Duration = Duration::from_secs(1);

/// What the script did, and what the server answered it.
#[derive(Default)]
struct Flood {
    /// Connections held until the server closed them (its time for a request's headers).
    held: u64,
    /// Connections closed at once: the machine's share was full.
    closed: u64,
    /// The wrong joins, by the status of their answers.
    joins: BTreeMap<u16, u64>,
}

impl Flood {
    /// Says what the script did, in a line of the report.
    fn say(&self) -> String {
        let joins: u64 = self.joins.values().sum();
        let statuses: Vec<String> = self
            .joins
            .iter()
            .map(|(status, count)| format!("{count} × {status}"))
            .collect();
        format!(
            "{} connections from {HOLDER} held until the server closed them, {} closed at once; \
             {joins} wrong joins from {GUESSER} ({})",
            self.held,
            self.closed,
            statuses.join(", ")
        )
    }
}

/// The script, running: its machines' tasks, and what they counted.
pub struct Script {
    flood: Arc<Mutex<Flood>>,
    tasks: Vec<JoinHandle<()>>,
}

/// Starts the script against the server at `addr`, with `holders` connections tried at
/// once. Returns once the holding machine has met its share (a connection closed at once),
/// or after a few seconds: the learners join a room already flooded.
pub async fn start(addr: &str, holders: usize) -> Script {
    let flood: Arc<Mutex<Flood>> = Arc::default();
    let server: SocketAddr = addr.parse().unwrap();
    let mut tasks: Vec<JoinHandle<()>> = (0..holders)
        .map(|_| tokio::spawn(hold(server, flood.clone())))
        .collect();
    {
        let (addr, flood) = (addr.to_string(), flood.clone());
        tasks.push(tokio::spawn(async move {
            let body = serde_json::json!({"code": "WRONG9", "name": "Mallory"}).to_string();
            loop {
                let (status, _) = request(GUESSER, &addr, "POST", "/api/join", None, &body).await;
                *flood.lock().unwrap().joins.entry(status).or_insert(0) += 1;
            }
        }));
    }
    let full = Instant::now() + Duration::from_secs(5);
    while flood.lock().unwrap().closed == 0 && Instant::now() < full {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Script { flood, tasks }
}

impl Script {
    /// Ends the script, its connections closed: what it did, in a line of the report.
    pub fn stop(self) -> String {
        for task in &self.tasks {
            task.abort();
        }
        self.flood.lock().unwrap().say()
    }
}

/// One held connection after another: a request begun and never finished, waited on until
/// the server closes it. One closed at once is tried again a second later, so that a full
/// share costs the machine a connection a second, not a busy loop.
async fn hold(server: SocketAddr, flood: Arc<Mutex<Flood>>) {
    loop {
        let opened = Instant::now();
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket
            .bind(SocketAddr::from((HOLDER, 0)))
            .expect("an address on the loopback");
        let Ok(mut stream) = socket.connect(server).await else {
            tokio::time::sleep(AT_ONCE).await;
            continue;
        };
        let _ = stream
            .write_all(b"POST /api/join HTTP/1.1\r\nHost: x\r\n")
            .await;
        let _ = stream.read_to_end(&mut Vec::new()).await;
        if opened.elapsed() < AT_ONCE {
            flood.lock().unwrap().closed += 1;
            tokio::time::sleep_until((opened + AT_ONCE).into()).await;
        } else {
            flood.lock().unwrap().held += 1;
        }
    }
}
