//! A room fetching from the mirror at once: thirty learners, each from an address of its
//! own, fetch every crate of the lock file (its index file, then its `.crate`), while a
//! learner sends verdicts and the teacher's page shows them. Every fetch completes whole,
//! every verdict is acknowledged and shown, and the server's memory stays bounded (the
//! files are streamed). It prints what the room took: the time, the server's memory, the
//! slowest verdict.

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::mirror::{ADLER2, cache_crate, cache_lines, start};
use super::room::connect_from;
use super::{DEADLINE, Running, batch, cell};
use crate::fixture::Course;
use workbook_full::teacher::class::mirror::registry;

/// The room: so many learners, fetching so many crates of so many bytes.
const LEARNERS: u8 = 30;
const CRATES: usize = 40;
const CRATE_BYTES: usize = 256 * 1024;

/// How often the learner sends a verdict while the room fetches.
const PACE: Duration = Duration::from_millis(300);

/// The most memory the server may hold meanwhile (the goal the room's mirror is held to).
const MOST_MEMORY_KB: u64 = 200 * 1024;

/// `GET path` from `from`: the status and the body.
fn get_from(from: [u8; 4], server: &Running, path: &str) -> (u16, Vec<u8>) {
    let mut stream = connect_from(from, server);
    let host = format!("{}:{}", server.server().host, server.server().port);
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let answer = testkit::read_to_end_within(&mut stream, DEADLINE)
        .unwrap_or_else(|err| panic!("GET {path} from {from:?}: {err}"));
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("GET {path}: no head in {} bytes", answer.len()));
    let head = String::from_utf8_lossy(&answer[..split]);
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|status| status.parse().ok())
        .unwrap_or(0);
    (status, answer[split + 4..].to_vec())
}

/// The server's resident memory now, in KiB.
fn memory_kb(server: &Running) -> u64 {
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_room_fetching_every_crate_at_once_leaves_the_class_live() {
    let course = Course::new();
    let home = course.path("teachers-cargo");
    let names: Vec<String> = (0..CRATES).map(|i| format!("room-crate-{i:02}")).collect();
    let mut lock = String::from("version = 4\n");
    for (i, name) in names.iter().enumerate() {
        let checksum = format!("{i:064x}");
        lock.push_str(&format!(
            "\n[[package]]\nname = \"{name}\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{checksum}\"\n"
        ));
        // adler2's line, as another crate of the room's.
        let mut line: Value = serde_json::from_str(ADLER2.trim_end()).unwrap();
        line["name"] = name.as_str().into();
        line["vers"] = "1.0.0".into();
        line["cksum"] = checksum.into();
        cache_lines(&home, &line.to_string());
        cache_crate(&home, name, "1.0.0", &vec![i as u8; CRATE_BYTES]);
    }
    course.write("Cargo.lock", &lock);
    let server = start(&course, &home, &["--mirror", "--mirror-no-book"]);
    let ada = server.join("Ada");

    let started = Instant::now();
    let fetched = std::thread::scope(|scope| {
        let fetchers: Vec<_> = (0..LEARNERS)
            .map(|learner| {
                let (server, names) = (&server, &names);
                scope.spawn(move || {
                    let from = [127, 0, 1, learner + 1];
                    let mut bytes = 0;
                    for name in names {
                        let index = format!("/index/{}", registry::index_path(name).unwrap());
                        let (status, body) = get_from(from, server, &index);
                        assert_eq!(status, 200, "{index} from {from:?}");
                        let download = format!("/crates/{name}/1.0.0/download");
                        let (status, body2) = get_from(from, server, &download);
                        assert_eq!(
                            (status, body2.len()),
                            (200, CRATE_BYTES),
                            "{download} from {from:?}"
                        );
                        bytes += body.len() + body2.len();
                    }
                    bytes
                })
            })
            .collect();
        // Meanwhile, a learner's verdicts: each acknowledged, then on the teacher's page.
        // deadline: each step's own (a fetch's answer read within DEADLINE, a verdict's
        // acknowledgement and its message on the page each waited for within theirs), and
        // the whole room's the test runner's (two minutes, `.config/nextest.toml`), which
        // then prints this wait by name (testkit's `hang`). A bound of the test's own on the
        // room as a whole could be no shorter than the runner's, and so would never fail.
        let _room = testkit::hang::waiting_for(format!(
            "{LEARNERS} learners fetching {CRATES} crates each from the mirror"
        ));
        let (mut seq, mut slowest, mut most_memory) = (0, Duration::ZERO, 0);
        while fetchers.iter().any(|fetcher| !fetcher.is_finished()) {
            seq += 1;
            let sent = Instant::now();
            let answer = server.post("/api/verdicts", Some(&ada), &batch(seq, "demo.add", false));
            assert_eq!(answer.status, 200, "{}", answer.body);
            server.watch_until(|message| {
                cell(message, "Ada", "demo.add").and_then(|cell| cell["attempts"].as_u64())
                    == Some(seq)
            });
            slowest = slowest.max(sent.elapsed());
            most_memory = most_memory.max(memory_kb(&server));
            // A learner's pace: a check every 0.3 s, faster than anyone checks, and within
            // the server's rate for one learner (five a second). Not a wait for anything.
            std::thread::sleep(PACE.saturating_sub(sent.elapsed()));
        }
        let bytes: usize = fetchers
            .into_iter()
            // deadline: every fetcher has ended (the loop above, under its deadline).
            .map(|fetcher| fetcher.join().expect("a learner's fetches"))
            .sum();
        (bytes, seq, slowest, most_memory)
    });
    let (bytes, verdicts, slowest, most_memory) = fetched;
    let took = started.elapsed();
    println!(
        "the room: {LEARNERS} learners fetched {CRATES} crates each, {:.0} MB in all, in {:.1} s; \
         the server's memory at most {} MB; {verdicts} verdicts meanwhile, the slowest shown on the page in {} ms",
        bytes as f64 / 1e6,
        took.as_secs_f64(),
        most_memory / 1024,
        slowest.as_millis()
    );
    assert!(
        most_memory <= MOST_MEMORY_KB,
        "the server held {most_memory} KiB while the room fetched"
    );
}
