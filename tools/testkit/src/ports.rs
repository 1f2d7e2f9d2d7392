//! Free loopback ports in a row, for a program that publishes one thing per port from a
//! first one (chapter 14's lab publishes a gateway per host from `--api-port` on, then
//! Prometheus; `workbook up` its ten services from `--base-port`).
//!
//! `127.0.0.1:0` hands out a free port at once, but a block chosen that way is only free
//! for a moment: it lies in the range the system hands out to every client's connection
//! (from 32768 on Linux), and a lab takes tens of seconds before Docker publishes its ports,
//! long enough for another test's connection to take one. So blocks are chosen below that
//! range, and claimed for this process with a file, since nextest runs each test in a
//! process of its own and two of them may look at the same moment.

use std::net::TcpListener;
use std::path::Path;

/// Where blocks of ports are chosen: below the range the system hands out for
/// `127.0.0.1:0` (from 32768 on Linux), so that no listener or client of another test can
/// take one of them between the check here and the runner's use of them.
const PORTS_FOR_BLOCKS: std::ops::Range<u16> = 10_000..32_000;

/// A block's size: room for any `count` asked here.
const BLOCK: u16 = 16;

/// The first of `count` (at most [`BLOCK`]) free loopback ports in a row, claimed for this
/// test's process so that no other test process takes them too (nextest runs each test
/// in a process of its own): see [`claim`].
pub fn free_ports_in_a_row(count: u16) -> u16 {
    assert!(count <= BLOCK, "at most {BLOCK} ports in a row");
    let claims = std::env::temp_dir().join("workbook-test-ports");
    std::fs::create_dir_all(&claims).expect("a folder for the tests' port claims");
    let blocks = u64::from((PORTS_FOR_BLOCKS.end - PORTS_FOR_BLOCKS.start) / BLOCK);
    // Where to start looking, spread by the process and the clock, so that tests started
    // together seldom try the same block first.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| u64::from(elapsed.subsec_nanos()));
    let start = (u64::from(std::process::id()) * 7919 + nanos) % blocks;
    for step in 0..blocks {
        let block = u16::try_from((start + step) % blocks).expect("fewer blocks than ports");
        let first = PORTS_FOR_BLOCKS.start + block * BLOCK;
        if claim(&claims, first)
            && (first..first + count).all(|port| TcpListener::bind(("127.0.0.1", port)).is_ok())
        {
            return first;
        }
    }
    panic!("found no {count} free ports in a row below 32768");
}

/// Claims the block that starts at `first` for this process: a file named after the port,
/// holding the process's id, made with `create_new`, which only one process can do. A claim
/// whose process is gone (a test that was killed) is taken over.
fn claim(claims: &Path, first: u16) -> bool {
    use std::io::Write;
    let path = claims.join(first.to_string());
    let mine = std::process::id().to_string();
    for _ in 0..2 {
        match std::fs::File::create_new(&path) {
            Ok(mut file) => return file.write_all(mine.as_bytes()).is_ok(),
            Err(_) => {
                let owner = std::fs::read_to_string(&path).unwrap_or_default();
                let owner = owner.trim();
                let gone = !owner.is_empty()
                    && owner != mine
                    && !Path::new("/proc").join(owner).exists()
                    && Path::new("/proc/self").exists();
                if !gone {
                    return false;
                }
                let _ = std::fs::remove_file(&path);
            }
        }
    }
    false
}
