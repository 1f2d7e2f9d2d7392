//! The learners: each joins, then sends a verdict every `--every` on a connection of its
//! own, from its own machine's address, as the runner's sender does. They are shared among
//! client processes: this one, and the others it starts with `--share K`, each of which
//! prints what its learners measured for this one to read.

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Child;

use crate::options::Options;
use crate::room::machine;

/// What the learners of one process measured: each join's time, each verdict's ingest,
/// and how many verdicts were refused.
pub struct Sent {
    /// From connecting to the answer of each learner's join that let them in.
    pub joins: Vec<Duration>,
    pub ingest: Vec<Ingest>,
    pub refused: u64,
}

/// One verdict's request: how long it took in all, from connecting to the server's
/// answer (once the verdict is on disk); how long the connection took to be made; and
/// where its time in the server went, as the server's `Server-Timing` header says it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ingest {
    pub took: Duration,
    pub connect: Duration,
    /// Its body read by the handler.
    pub read: Duration,
    /// In line for the writer: the group before its own being written.
    pub queue: Duration,
    /// Its group's transaction and commit (the commit waits for the disk).
    pub commit: Duration,
    /// How many requests that commit answered.
    pub group: u32,
    /// The pages told (the board updated, the row sent to each stream's channel).
    pub show: Duration,
    /// The whole handler; the rest of `took` is the door's, HTTP's and the client's.
    pub handler: Duration,
}

impl Ingest {
    /// The fields, in microseconds (the group a count), as a client process prints them.
    fn fields(&self) -> [u64; 8] {
        let us = |d: Duration| d.as_micros() as u64;
        [
            us(self.took),
            us(self.connect),
            us(self.read),
            us(self.queue),
            us(self.commit),
            u64::from(self.group),
            us(self.show),
            us(self.handler),
        ]
    }

    fn from_fields(fields: &[u64]) -> Option<Ingest> {
        let us = |i: usize| fields.get(i).copied().map(Duration::from_micros);
        Some(Ingest {
            took: us(0)?,
            connect: us(1)?,
            read: us(2)?,
            queue: us(3)?,
            commit: us(4)?,
            group: u32::try_from(*fields.get(5)?).ok()?,
            show: us(6)?,
            handler: us(7)?,
        })
    }

    /// The server's part, read from its `Server-Timing` header
    /// (`read;dur=0.05, queue;dur=1.20, commit;dur=3.40;desc="group 4", …`, milliseconds).
    fn server(mut self, header: &str) -> Ingest {
        for metric in header.split(',') {
            let mut parts = metric.trim().split(';');
            let name = parts.next().unwrap_or_default();
            let mut dur = Duration::ZERO;
            let mut group = 0;
            for part in parts {
                if let Some(ms) = part.strip_prefix("dur=") {
                    dur = Duration::from_secs_f64(ms.parse::<f64>().unwrap_or(0.0) / 1000.0);
                } else if let Some(desc) = part.strip_prefix("desc=") {
                    group = desc
                        .trim_matches('"')
                        .trim_start_matches("group ")
                        .parse()
                        .unwrap_or(0);
                }
            }
            match name {
                "read" => self.read = dur,
                "queue" => self.queue = dur,
                "commit" => (self.commit, self.group) = (dur, group),
                "show" => self.show = dur,
                "handler" => self.handler = dur,
                _ => {}
            }
        }
        self
    }
}

/// The learners `n` with `n % share.1 == share.0` join the server at `addr` with `code`,
/// then each sends a verdict every `every` until `seconds` have passed.
pub async fn learners(
    options: &Options,
    (k, of): (usize, usize),
    addr: &str,
    code: &str,
    exercises: &[String],
) -> Sent {
    // The room joins.
    let mine: Vec<usize> = (0..options.learners).filter(|n| n % of == k).collect();
    let mut tokens = Vec::new();
    let mut joins = Vec::new();
    for &n in &mine {
        let body = serde_json::json!({"code": code, "name": format!("learner {n:03}")}).to_string();
        loop {
            let started = Instant::now();
            let (status, answer) =
                request(machine(n), addr, "POST", "/api/join", None, &body).await;
            if status == 429 {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            assert_eq!(status, 200, "{answer}");
            joins.push(started.elapsed());
            let joined: Value = serde_json::from_str(&answer.body).unwrap();
            tokens.push(joined["token"].as_str().unwrap().to_string());
            break;
        }
    }
    let ingest: Arc<Mutex<Vec<Ingest>>> = Arc::default();
    let refused: Arc<Mutex<u64>> = Arc::default();
    let end = Instant::now() + Duration::from_secs(options.seconds);
    let mut running = Vec::new();
    for (n, token) in mine.into_iter().zip(tokens) {
        let (addr, ingest, refused) = (addr.to_string(), ingest.clone(), refused.clone());
        let exercise = exercises[n % exercises.len().min(10)].clone();
        let offset = options.every.mul_f64(n as f64 / options.learners as f64);
        let every = options.every;
        running.push(tokio::spawn(async move {
            tokio::time::sleep(offset).await;
            let mut tick = tokio::time::interval(every);
            for seq in 1.. {
                tick.tick().await;
                if Instant::now() >= end {
                    return;
                }
                let at = now_ms();
                // Its message is when it was sent: a dashboard in any process reads it.
                let id = format!("{n}-{seq}-{}", now_us());
                let body = serde_json::json!({
                    "sent_ms": at,
                    "verdicts": [{"seq": seq, "exercise": exercise, "passed": false,
                                  "test": "a_test_that_fails", "message": id, "hints": 1, "at_ms": at}],
                })
                .to_string();
                let started = Instant::now();
                let (status, answer) = request(
                    machine(n),
                    &addr,
                    "POST",
                    "/api/verdicts",
                    Some(&token),
                    &body,
                )
                .await;
                let took = started.elapsed();
                if status == 200 {
                    let measured = Ingest {
                        took,
                        connect: answer.connect,
                        ..Ingest::default()
                    };
                    ingest.lock().unwrap().push(measured.server(&answer.timing));
                } else {
                    *refused.lock().unwrap() += 1;
                }
            }
        }));
    }
    for learner in running {
        learner.await.unwrap();
    }
    let ingest = ingest.lock().unwrap().clone();
    let refused = *refused.lock().unwrap();
    Sent {
        joins,
        ingest,
        refused,
    }
}

impl Sent {
    /// What a client process prints for the one that started it ([`Sent::add_printed`]).
    pub fn print(&self) {
        let joins: Vec<String> = self
            .joins
            .iter()
            .map(|took| took.as_micros().to_string())
            .collect();
        println!("join-us {}", joins.join(","));
        let each: Vec<String> = self
            .ingest
            .iter()
            .map(|ingest| {
                let fields = ingest.fields().map(|field| field.to_string());
                fields.join(":")
            })
            .collect();
        println!("ingest-us {}", each.join(","));
        println!("refused {}", self.refused);
    }

    /// Adds what a client process printed ([`Sent::print`]) to these figures.
    pub fn add_printed(&mut self, printed: &str) {
        for line in printed.lines() {
            if let Some(list) = line.strip_prefix("join-us ") {
                let joins = list.split(',').filter_map(|us| us.parse().ok());
                self.joins.extend(joins.map(Duration::from_micros));
            } else if let Some(list) = line.strip_prefix("ingest-us ") {
                self.ingest.extend(list.split(',').filter_map(|each| {
                    let fields: Vec<u64> = each.split(':').filter_map(|f| f.parse().ok()).collect();
                    Ingest::from_fields(&fields)
                }));
            } else if let Some(count) = line.strip_prefix("refused ") {
                self.refused += count.parse::<u64>().unwrap_or(0);
            }
        }
    }
}

/// The other client processes, this program again with `--share K` for K from 1: each
/// sends for its share of the learners of the server at `addr` with `code`.
pub fn start_clients(
    options: &Options,
    addr: &str,
    code: &str,
    exercises: &[String],
) -> Vec<Child> {
    let program = std::env::current_exe().expect("this program");
    let mut children = Vec::new();
    for k in 1..options.clients {
        let child = tokio::process::Command::new(&program)
            .args([
                "--learners",
                &options.learners.to_string(),
                "--seconds",
                &options.seconds.to_string(),
                "--clients",
                &options.clients.to_string(),
                "--share",
                &k.to_string(),
                "--addr",
                addr,
                "--code",
                code,
                "--exercises",
                &exercises.join(","),
            ])
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("a client process starts");
        children.push(child);
    }
    children
}

/// An answer: its body, how long its connection took to be made, and the server's
/// `Server-Timing` header, if it sent one.
pub struct Answer {
    body: String,
    connect: Duration,
    timing: String,
}

impl std::fmt::Display for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.body)
    }
}

/// One request from `from` on a connection of its own; the status of its answer, and the
/// answer.
pub async fn request(
    from: std::net::Ipv4Addr,
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> (u16, Answer) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket
        .bind(std::net::SocketAddr::from((from, 0)))
        .expect("an address on the loopback");
    let connecting = Instant::now();
    let mut stream = socket
        .connect(addr.parse().unwrap())
        .await
        .expect("the server takes a connection");
    let connect = connecting.elapsed();
    let auth = token.map_or(String::new(), |t| format!("Authorization: Bearer {t}\r\n"));
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let timing = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("server-timing")
                .then(|| value.trim().to_string())
        })
        .unwrap_or_default();
    let answer = Answer {
        body: body.to_string(),
        connect,
        timing,
    };
    (status, answer)
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// The time now, in unix microseconds: the same clock in every process of the machine.
pub fn now_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64
}
