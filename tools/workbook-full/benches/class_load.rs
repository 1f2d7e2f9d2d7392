//! A room under load: simulated learners against `class serve`, run as a process of its
//! own as a teacher runs it, on this machine. Each learner joins, then sends a verdict
//! every 2 s, each on a connection of its own as the runner's sender does, from an address
//! of its own (127.0.0.2 and on: the server keeps its rates and its connections by address,
//! as a room's machines have one each), while five dashboards follow the live stream and
//! one more is open in headless Chromium. The learners are shared among client processes
//! (`--clients`, 2 unless told: this one and another it starts), none of them the server's,
//! so that what is measured is the server, not a client sharing its process.
//!
//! It measures what a teacher would ask of it:
//! - ingest: how long a verdict's request takes, from connecting to the server's answer
//!   (which comes once the verdict is on disk); median, p99 and worst;
//! - shown: from sending a verdict to each dashboard's stream carrying it (the verdict's
//!   message is the time it was sent, read on the same machine's clock in every process);
//! - drawn: how long the page in Chromium takes to draw, every exercise of the course
//!   shown (its own measure, `data-draw-ms`), sampled while the load runs: each update
//!   (the rows that changed), and the whole room drawn again every five seconds;
//! - memory: the server's resident set, the most it reached;
//! - the database's bytes per verdict, once the server has stopped.
//!
//! Not a test (no figure is asserted) and not run by CI:
//!
//! ```text
//! cargo bench -p workbook-full --bench class_load -- --learners 300 --seconds 120
//! ```
//!
//! (`--profile dev` for the debug build that `cargo run -p workbook -- class serve` runs.)

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

mod room;
use room::{class_serve, machine, memory};

#[derive(Clone)]
struct Options {
    learners: usize,
    seconds: u64,
    every: Duration,
    pages: usize,
    /// How many client processes share the learners.
    clients: usize,
    /// This process is client `k` of `n` of a server at `addr` with `code`, on these
    /// exercises: it sends for its share of the learners and prints what it measured.
    share: Option<Share>,
}

#[derive(Clone)]
struct Share {
    k: usize,
    n: usize,
    addr: String,
    code: String,
    exercises: Vec<String>,
}

fn options() -> Options {
    let mut options = Options {
        learners: 300,
        seconds: 300,
        every: Duration::from_secs(2),
        pages: 5,
        clients: 2,
        share: None,
    };
    let args: Vec<String> = std::env::args().collect();
    let (mut k, mut addr, mut code, mut exercises) = (None, None, None, Vec::new());
    for pair in args.windows(2) {
        match pair[0].as_str() {
            "--learners" => options.learners = pair[1].parse().expect("--learners N"),
            "--seconds" => options.seconds = pair[1].parse().expect("--seconds N"),
            "--pages" => options.pages = pair[1].parse().expect("--pages N"),
            "--clients" => options.clients = pair[1].parse().expect("--clients N"),
            "--share" => k = Some(pair[1].parse().expect("--share K")),
            "--addr" => addr = Some(pair[1].clone()),
            "--code" => code = Some(pair[1].clone()),
            "--exercises" => exercises = pair[1].split(',').map(str::to_string).collect(),
            _ => {}
        }
    }
    options.clients = options.clients.max(1);
    if let (Some(k), Some(addr), Some(code)) = (k, addr, code) {
        options.share = Some(Share {
            k,
            n: options.clients,
            addr,
            code,
            exercises,
        });
    }
    options
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

/// What the learners of one process measured: each verdict's ingest, and how many were
/// refused.
struct Sent {
    ingest: Vec<Duration>,
    refused: u64,
}

/// The learners `n` with `n % share.1 == share.0` join the server at `addr` with `code`,
/// then each sends a verdict every `every` until `seconds` have passed.
async fn learners(
    options: &Options,
    (k, of): (usize, usize),
    addr: &str,
    code: &str,
    exercises: &[String],
) -> Sent {
    // The room joins.
    let mine: Vec<usize> = (0..options.learners).filter(|n| n % of == k).collect();
    let mut tokens = Vec::new();
    for &n in &mine {
        let body = serde_json::json!({"code": code, "name": format!("learner {n:03}")}).to_string();
        loop {
            let (status, answer) =
                request(machine(n), addr, "POST", "/api/join", None, &body).await;
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
    let ingest: Arc<Mutex<Vec<Duration>>> = Arc::default();
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
    for learner in running {
        learner.await.unwrap();
    }
    let ingest = ingest.lock().unwrap().clone();
    let refused = *refused.lock().unwrap();
    Sent { ingest, refused }
}

/// The time now, in unix microseconds: the same clock in every process of the machine.
fn now_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as u64
}

#[tokio::main]
async fn main() {
    let options = options();
    // A client process started by the first: its share of the learners, its figures printed.
    if let Some(share) = &options.share {
        let sent = learners(
            &options,
            (share.k, share.n),
            &share.addr,
            &share.code,
            &share.exercises,
        )
        .await;
        let micros: Vec<String> = sent
            .ingest
            .iter()
            .map(|d| d.as_micros().to_string())
            .collect();
        println!("ingest-us {}", micros.join(","));
        println!("refused {}", sent.refused);
        return;
    }
    let dir = std::env::temp_dir().join(format!("class-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let max_learners = options.learners.to_string();
    let mut server = class_serve(
        &["--addr", "127.0.0.1:0", "--max-learners", &max_learners],
        &dir,
    );
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
        "class serve (pid {pid}) on {addr}: {} learners in {} client processes, a verdict each every {:?}, for {} s",
        options.learners, options.clients, options.every, options.seconds
    );

    // The dashboards: every row message's verdicts, and how long since they were sent.
    let shown: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let (exercises_tx, exercises_rx) = tokio::sync::oneshot::channel::<Vec<String>>();
    let mut exercises_tx = Some(exercises_tx);
    for _ in 0..options.pages {
        let (addr, teacher, shown) = (addr.clone(), teacher.clone(), shown.clone());
        let mut exercises_tx = exercises_tx.take();
        // Each verdict once: a row message carries every cell of its learner.
        let mut seen = std::collections::HashSet::new();
        tokio::spawn(async move {
            let mut stream = TcpStream::connect(&addr).await.unwrap();
            let head = format!("GET /api/stream?token={teacher} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
            stream.write_all(head.as_bytes()).await.unwrap();
            let mut lines = tokio::io::BufReader::new(stream).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let Some(data) = line.strip_prefix("data: ") else {
                    continue;
                };
                let at = now_us();
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
                for cell in cells.values() {
                    let Some(id) = cell["message"].as_str() else {
                        continue;
                    };
                    let when: Option<u64> = id.rsplit('-').next().and_then(|t| t.parse().ok());
                    if let Some(when) = when
                        && seen.insert(id.to_string())
                    {
                        shown
                            .lock()
                            .unwrap()
                            .push(Duration::from_micros(at.saturating_sub(when)));
                    }
                }
            }
        });
    }
    let exercises = exercises_rx.await.unwrap();

    // The other client processes, each with its share of the learners; this one has the
    // first.
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
                &addr,
                "--code",
                &code,
                "--exercises",
                &exercises.join(","),
            ])
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("a client process starts");
        children.push(child);
    }
    let here = {
        let (addr, code, exercises) = (addr.clone(), code.clone(), exercises.clone());
        let options = options.clone();
        tokio::spawn(async move {
            let shares = options.clients;
            learners(&options, (0, shares), &addr, &code, &exercises).await
        })
    };
    let end = Instant::now() + Duration::from_secs(options.seconds);

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

    // The page itself, in Chromium, every exercise shown: how long it takes to draw.
    let drawn: Arc<Mutex<Vec<f64>>> = Arc::default();
    let whole: Arc<Mutex<Vec<f64>>> = Arc::default();
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
            // Each second, the last drawing (the rows that changed) and the last whole
            // one, which every fifth second is asked for (as a change of the menus does).
            let sample = |key: &'static str| async move {
                client
                    .execute(
                        &format!("return Number(document.body.dataset.{key} || 'NaN');"),
                        vec![],
                    )
                    .await
                    .ok()
                    .and_then(|value| value.as_f64())
                    .filter(|ms| ms.is_finite())
            };
            let mut second = 0;
            while Instant::now() < end {
                tokio::time::sleep(Duration::from_secs(1)).await;
                second += 1;
                if let Some(ms) = sample("drawMs").await {
                    drawn.lock().unwrap().push(ms);
                }
                if second % 5 == 0 {
                    // The whole drawing asked for five seconds ago.
                    if let Some(ms) = sample("wholeDrawMs").await {
                        whole.lock().unwrap().push(ms);
                    }
                    let _ = client
                        .execute(
                            "document.getElementById('show').dispatchEvent(new Event('change')); return null;",
                            vec![],
                        )
                        .await;
                }
            }
        }
        Err(reason) => println!("the page's drawing is not measured: {reason}"),
    }
    let Sent {
        mut ingest,
        mut refused,
    } = here.await.unwrap();
    for child in children {
        let out = child
            .wait_with_output()
            .await
            .expect("a client process ends");
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            if let Some(list) = line.strip_prefix("ingest-us ") {
                ingest.extend(
                    list.split(',')
                        .filter_map(|us| us.parse().ok())
                        .map(Duration::from_micros),
                );
            } else if let Some(count) = line.strip_prefix("refused ") {
                refused += count.parse::<u64>().unwrap_or(0);
            }
        }
    }
    // The last verdicts' rows, then the server stopped as Ctrl-C stops it.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (_, hwm) = memory(pid).unwrap_or((0, 0));
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    let _ = server.wait();

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
        "verdicts kept:       {kept} acknowledged, {rows} in the database ({refused} refused)"
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
    let mut whole = whole.lock().unwrap().clone();
    whole.sort_by(f64::total_cmp);
    if !whole.is_empty() {
        println!(
            "page drawn whole:    median {:.1} ms, worst {:.1} ms ({} samples)",
            whole[whole.len() / 2],
            whole[whole.len() - 1],
            whole.len()
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
