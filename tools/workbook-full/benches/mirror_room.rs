//! A room fetching the course from the teacher's mirror at once: `class serve --mirror` on
//! this course, run as a process of its own as a teacher runs it, and learners that each
//! fetch every crate `Cargo.lock` names from it, index file and `.crate`, as cargo asks for
//! them, each from an address of its own on the loopback (the server keeps its limits by
//! address, as a room's machines have one each).
//!
//! It prints what a teacher asks of it: how long the room took, and each learner (the
//! median, the slowest); the bytes; the server's memory, sampled while the room fetches,
//! and its peak since its start.
//!
//! The learners are plain HTTP clients, not cargo: in a room each cargo runs on a laptop of
//! its own, and thirty of them on this machine's cores would measure cargo's work on a
//! shared CPU, not the server's (thirty real cargo homes on two cores took 284 s, most of
//! it cargo's own). What is the server's, the files and the connections, is the same.
//!
//! Not a test (no figure is asserted) and not run by CI; the crates must be in this
//! machine's cargo cache (`cargo fetch --locked`):
//!
//! ```text
//! cargo bench -p workbook-full --bench mirror_room -- --learners 30
//! ```

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use workbook_full::teacher::class::mirror::registry::{Locked, index_path, read_lock};

mod room;
use room::{class_serve, machine, memory};

/// How long one request may take before the bench gives up on it.
const PATIENCE: Duration = Duration::from_secs(120);

/// `GET path` from `from` on a connection of its own, as cargo's requests are when it
/// cannot keep one open; the body's length, once the status is 200.
fn get(from: Ipv4Addr, server: SocketAddr, path: &str) -> Result<usize, String> {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)
        .map_err(|error| error.to_string())?;
    socket
        .bind(&SocketAddr::from((from, 0)).into())
        .map_err(|error| format!("binding {from}: {error}"))?;
    socket
        .connect_timeout(&server.into(), PATIENCE)
        .map_err(|error| format!("connecting: {error}"))?;
    let mut stream: TcpStream = socket.into();
    stream.set_read_timeout(Some(PATIENCE)).ok();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {server}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|error| error.to_string())?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .map_err(|error| format!("GET {path}: {error}"))?;
    let head_end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| format!("GET {path}: no head in {} bytes", answer.len()))?;
    let head = String::from_utf8_lossy(&answer[..head_end]);
    match head.split_whitespace().nth(1) {
        Some("200") => Ok(answer.len() - head_end - 4),
        status => Err(format!("GET {path}: {status:?}")),
    }
}

fn learners() -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.windows(2)
        .find(|pair| pair[0] == "--learners")
        .map_or(30, |pair| pair[1].parse().expect("--learners N"))
}

fn main() {
    let learners = learners();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let locked: Vec<Locked> = read_lock(&root.join("Cargo.lock"))
        .expect("the course's lock file")
        .into_values()
        .flatten()
        .collect();
    let dir = std::env::temp_dir().join(format!("mirror-room-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let max_learners = learners.max(1).to_string();
    let mut server = class_serve(
        &[
            "--addr",
            "0.0.0.0:0",
            "--max-learners",
            &max_learners,
            "--mirror",
            "--mirror-no-book",
        ],
        &dir,
    );
    let pid = server.id();
    // Its port, from the line to join (`… class join http://HOST:PORT CODE …`).
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let port: u16 = loop {
        let line = lines.next().expect("class serve prints its lines").unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        if let Some(at) = words.iter().position(|word| *word == "join") {
            let url = words[at + 1].trim_start_matches("http://");
            break url.rsplit(':').next().unwrap().parse().unwrap();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    let server_addr = SocketAddr::from(([127, 0, 0, 1], port));
    let (rss, peak) = memory(pid).unwrap_or_default();
    println!(
        "class serve --mirror (pid {pid}) on :{port}: {} crates of the lock file; its memory \
         at start {} MB (peak {} MB); {learners} learners fetch them all at once",
        locked.len(),
        rss / 1024,
        peak / 1024
    );

    let fetching = AtomicBool::new(true);
    let started = Instant::now();
    let (times, bytes, most) = std::thread::scope(|scope| {
        let sampler = scope.spawn(|| {
            let mut most = 0;
            while fetching.load(Ordering::Relaxed) {
                most = most.max(memory(pid).map_or(0, |(rss, _)| rss));
                std::thread::sleep(Duration::from_millis(50));
            }
            most
        });
        let room: Vec<_> = (0..learners)
            .map(|n| {
                let locked = &locked;
                scope.spawn(move || {
                    let from = machine(n);
                    let began = Instant::now();
                    let mut bytes = 0;
                    for krate in locked {
                        let index = format!("/index/{}", index_path(&krate.name).unwrap());
                        let download = format!("/crates/{}/{}/download", krate.name, krate.version);
                        for path in [index, download] {
                            bytes += get(from, server_addr, &path)
                                .unwrap_or_else(|why| panic!("learner {n}: {why}"));
                        }
                    }
                    (began.elapsed(), bytes)
                })
            })
            .collect();
        let done: Vec<(Duration, usize)> = room
            .into_iter()
            .map(|learner| learner.join().expect("a learner's fetches"))
            .collect();
        fetching.store(false, Ordering::Relaxed);
        let most = sampler.join().expect("the sampler");
        let mut times: Vec<Duration> = done.iter().map(|(time, _)| *time).collect();
        times.sort();
        (
            times,
            done.iter().map(|(_, bytes)| bytes).sum::<usize>(),
            most,
        )
    });
    let took = started.elapsed();
    let (_, peak) = memory(pid).unwrap_or_default();
    println!(
        "the room: {learners} learners fetched {} crates each, {:.0} MB in all, in {:.1} s \
         ({:.0} MB/s); a learner took {:.1} s (median), {:.1} s (slowest)",
        locked.len(),
        bytes as f64 / 1e6,
        took.as_secs_f64(),
        bytes as f64 / 1e6 / took.as_secs_f64(),
        times[times.len() / 2].as_secs_f64(),
        times.last().unwrap().as_secs_f64(),
    );
    println!(
        "the server's memory while the room fetched: at most {} MB resident; its peak since \
         its start {} MB",
        most / 1024,
        peak / 1024
    );
    let _ = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
