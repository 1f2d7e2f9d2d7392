//! A room under load: simulated learners against `class serve`, run as a teacher runs it
//! (`cargo run -p workbook -- class serve`: a debug build, a process of its own), on this
//! machine. Each learner joins, then sends a verdict every 2 s, each on a connection of its
//! own as the runner's sender does, from an address of its own (127.0.0.2 and on: the
//! server keeps its rates and its connections by address, as a room's machines have one
//! each), while five dashboards follow the live stream and one more is open in headless
//! Chromium.
//!
//! It measures what a teacher would ask of it:
//! - ingest: how long a verdict's request takes, from connecting to the server's answer
//!   (which comes once the verdict is on disk); median, p99 and worst;
//! - shown: from sending a verdict to each dashboard's stream carrying it;
//! - drawn: how long the page in Chromium takes to draw the whole room, every exercise of
//!   the course shown (its own measure, `data-draw-ms`), sampled while the load runs;
//! - memory: the server's resident set, the most it reached;
//! - the database's bytes per verdict, once the server has stopped.
//!
//! Not a test (no figure is asserted) and not run by CI:
//!
//! ```text
//! cargo bench -p workbook-full --profile dev --bench class_load -- --learners 300 --seconds 300
//! ```

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct Options {
    learners: usize,
    seconds: u64,
    every: Duration,
    pages: usize,
}

fn options() -> Options {
    let mut options = Options {
        learners: 300,
        seconds: 300,
        every: Duration::from_secs(2),
        pages: 5,
    };
    let args: Vec<String> = std::env::args().collect();
    for pair in args.windows(2) {
        match pair[0].as_str() {
            "--learners" => options.learners = pair[1].parse().expect("--learners N"),
            "--seconds" => options.seconds = pair[1].parse().expect("--seconds N"),
            "--pages" => options.pages = pair[1].parse().expect("--pages N"),
            _ => {}
        }
    }
    options
}

/// Learner `n`'s machine: an address of its own on the loopback.
fn machine(n: usize) -> std::net::Ipv4Addr {
    std::net::Ipv4Addr::new(127, 0, (2 + n / 250) as u8, (2 + n % 250) as u8)
}

/// One request from `from` on a connection of its own; the status and body of its answer.
async fn request(
    from: std::net::Ipv4Addr,
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> (u16, String) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket
        .bind(std::net::SocketAddr::from((from, 0)))
        .expect("an address on the loopback");
    let mut stream = socket
        .connect(addr.parse().unwrap())
        .await
        .expect("the server takes a connection");
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
    let body = text
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, b)| b.to_string());
    (status, body)
}

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

/// The server's resident set and its peak, in KiB.
fn memory(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find(|line| line.starts_with(name))?
            .split_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let at = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[at]
}

fn folder_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|entry| entry.metadata().ok())
                .map(|meta| meta.len())
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let options = options();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = std::env::temp_dir().join(format!("class-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut server = Command::new(env!("CARGO_BIN_EXE_workbook-full"))
        .args([
            "--lang",
            "en",
            "class",
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--max-learners",
            &options.learners.to_string(),
            "--dir",
        ])
        .arg(&dir)
        .current_dir(&root)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .spawn()
        .expect("class serve starts");
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let (mut addr, mut code, mut teacher) = (String::new(), String::new(), String::new());
    while teacher.is_empty() {
        let line = lines.next().expect("class serve prints its lines").unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        if let Some(at) = words.iter().position(|w| *w == "join") {
            addr = words[at + 1].trim_start_matches("http://").to_string();
            code = words[at + 2].to_string();
        }
        if let Some(token) = line.trim().split("/?token=").nth(1) {
            teacher = token.to_string();
        }
    }
    std::thread::spawn(move || for _ in lines {});
    let pid = server.id();
    println!(
        "class serve (pid {pid}) on {addr}: {} learners, a verdict each every {:?}, for {} s",
        options.learners, options.every, options.seconds
    );

    // The dashboards: every row message's verdicts, matched with when they were sent.
    let sent: Arc<Mutex<HashMap<String, (Instant, usize)>>> = Arc::default();
    let shown: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let (exercises_tx, exercises_rx) = tokio::sync::oneshot::channel::<Vec<String>>();
    let mut exercises_tx = Some(exercises_tx);
    for _ in 0..options.pages {
        let (addr, teacher, sent, shown) =
            (addr.clone(), teacher.clone(), sent.clone(), shown.clone());
        let pages = options.pages;
        let mut exercises_tx = exercises_tx.take();
        tokio::spawn(async move {
            let mut stream = TcpStream::connect(&addr).await.unwrap();
            let head = format!("GET /api/stream?token={teacher} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
            stream.write_all(head.as_bytes()).await.unwrap();
            let mut lines = tokio::io::BufReader::new(stream).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let Some(data) = line.strip_prefix("data: ") else {
                    continue;
                };
                let at = Instant::now();
                let message: Value = serde_json::from_str(data).unwrap();
                if let Some(tx) = exercises_tx.take() {
                    let ids = message["exercises"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|e| e["id"].as_str().unwrap().to_string())
                        .collect();
                    let _ = tx.send(ids);
                }
                let Some(cells) = message["row"]["cells"].as_object() else {
                    continue;
                };
                let mut sent = sent.lock().unwrap();
                for cell in cells.values() {
                    if let Some(id) = cell["message"].as_str()
                        && let Some((when, seen)) = sent.get_mut(id)
                    {
                        shown.lock().unwrap().push(at - *when);
                        // Forgotten once every page has shown it.
                        *seen += 1;
                        if *seen == pages {
                            sent.remove(id);
                        }
                    }
                }
            }
        });
    }
    let exercises = exercises_rx.await.unwrap();

    // The room joins.
    let mut tokens = Vec::new();
    for n in 0..options.learners {
        let body = serde_json::json!({"code": code, "name": format!("learner {n:03}")}).to_string();
        loop {
            let (status, answer) =
                request(machine(n), &addr, "POST", "/api/join", None, &body).await;
            if status == 429 {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
            assert_eq!(status, 200, "{answer}");
            let joined: Value = serde_json::from_str(&answer).unwrap();
            tokens.push(joined["token"].as_str().unwrap().to_string());
            break;
        }
    }

    // Memory, once a second.
    let peak_rss = Arc::new(Mutex::new(0u64));
    {
        let peak_rss = peak_rss.clone();
        tokio::spawn(async move {
            while let Some((rss, _)) = memory(pid) {
                {
                    let mut peak = peak_rss.lock().unwrap();
                    *peak = (*peak).max(rss);
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }

    let ingest: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let refused: Arc<Mutex<u64>> = Arc::default();
    let end = Instant::now() + Duration::from_secs(options.seconds);
    let mut learners = Vec::new();
    for (n, token) in tokens.into_iter().enumerate() {
        let (addr, sent, ingest, refused) =
            (addr.clone(), sent.clone(), ingest.clone(), refused.clone());
        let exercise = exercises[n % exercises.len().min(10)].clone();
        let offset = options.every.mul_f64(n as f64 / options.learners as f64);
        let every = options.every;
        learners.push(tokio::spawn(async move {
            tokio::time::sleep(offset).await;
            let mut tick = tokio::time::interval(every);
            for seq in 1.. {
                tick.tick().await;
                if Instant::now() >= end {
                    return;
                }
                let id = format!("{n}-{seq}");
                let at = now_ms();
                let body = serde_json::json!({
                    "sent_ms": at,
                    "verdicts": [{"seq": seq, "exercise": exercise, "passed": false,
                                  "test": "a_test_that_fails", "message": id, "hints": 1, "at_ms": at}],
                })
                .to_string();
                let started = Instant::now();
                sent.lock().unwrap().insert(id.clone(), (started, 0));
                let (status, _) = request(
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
                    ingest.lock().unwrap().push(took);
                } else {
                    *refused.lock().unwrap() += 1;
                }
            }
        }));
    }
    // The page itself, in Chromium, every exercise shown: how long it takes to draw.
    let drawn: Arc<Mutex<Vec<f64>>> = Arc::default();
    let browser = testkit::browser::Browser::start(1366, 768).await;
    match &browser {
        Ok(browser) => {
            let client = &browser.client;
            let url = format!("http://{addr}/?token={teacher}");
            client.goto(&url).await.unwrap();
            client
                .execute(
                    "localStorage.setItem('class-lessons', 'all'); location.reload(); return null;",
                    vec![],
                )
                .await
                .unwrap();
            while Instant::now() < end {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let ms = client
                    .execute(
                        "return Number(document.body.dataset.drawMs || 'NaN');",
                        vec![],
                    )
                    .await
                    .ok()
                    .and_then(|value| value.as_f64())
                    .filter(|ms| ms.is_finite());
                if let Some(ms) = ms {
                    drawn.lock().unwrap().push(ms);
                }
            }
        }
        Err(reason) => println!("the page's drawing is not measured: {reason}"),
    }
    for learner in learners {
        learner.await.unwrap();
    }
    // The last verdicts' rows, then the server stopped as Ctrl-C stops it.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (_, hwm) = memory(pid).unwrap_or((0, 0));
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    let _ = server.wait();

    let mut ingest = ingest.lock().unwrap().clone();
    ingest.sort();
    let mut shown = shown.lock().unwrap().clone();
    shown.sort();
    let kept = ingest.len() as u64;
    // The database as it rests: its write-ahead log folded in (the server's last commits
    // may still be in it), then its files' size over the verdicts it holds.
    let database = dir.join("class.sqlite");
    let rows: i64 = {
        let connection = rusqlite::Connection::open(&database).expect("the class's database");
        connection
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .expect("a checkpoint");
        connection
            .query_row("SELECT COUNT(*) FROM verdict", [], |row| row.get(0))
            .expect("a count")
    };
    let bytes = folder_bytes(&dir);
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    println!(
        "verdicts kept:       {kept} acknowledged, {rows} in the database ({} refused)",
        refused.lock().unwrap()
    );
    println!(
        "ingest:              median {}, p99 {}, worst {}",
        ms(percentile(&ingest, 0.5)),
        ms(percentile(&ingest, 0.99)),
        ms(percentile(&ingest, 1.0))
    );
    println!(
        "verdict → dashboard: median {}, p99 {}, worst {} ({} of {} seen, {} pages)",
        ms(percentile(&shown, 0.5)),
        ms(percentile(&shown, 0.99)),
        ms(percentile(&shown, 1.0)),
        shown.len(),
        kept as usize * options.pages,
        options.pages
    );
    let mut drawn = drawn.lock().unwrap().clone();
    drawn.sort_by(f64::total_cmp);
    if !drawn.is_empty() {
        println!(
            "page drawn (Chromium): median {:.1} ms, worst {:.1} ms ({} rows, {} exercises, {} samples)",
            drawn[drawn.len() / 2],
            drawn[drawn.len() - 1],
            options.learners,
            exercises.len(),
            drawn.len()
        );
    }
    println!(
        "server memory:       {:.1} MiB at most (resident, sampled), {:.1} MiB peak (VmHWM)",
        *peak_rss.lock().unwrap() as f64 / 1024.0,
        hwm as f64 / 1024.0
    );
    println!(
        "database:            {bytes} bytes, {:.0} bytes per verdict",
        bytes as f64 / rows.max(1) as f64
    );
    let _ = std::fs::remove_dir_all(&dir);
}
