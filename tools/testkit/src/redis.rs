//! A Redis server for one test.
//!
//! Redis is real in this course: `redis-server` from the system's packages, started private
//! to the test on a free loopback port, with persistence off, and killed when the test
//! drops the guard. `REDIS_URL` points the tests at a server someone else runs instead.

use std::process::Command;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::PATIENCE;
use crate::process::{OwnedChild, free_ports, retry};
use programs::find_on_path;

/// A Redis server for one test; a server this started is killed when this is dropped.
#[derive(Debug)]
pub struct RedisServer {
    url: String,
    child: Option<OwnedChild>,
}

impl RedisServer {
    /// The server's URL: `redis://127.0.0.1:PORT` (or `REDIS_URL` as given).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The process id of the `redis-server` this guard started, if it started one.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(OwnedChild::id)
    }
}

/// A Redis server for a test: `REDIS_URL` when it is set, else a private `redis-server` on a
/// free loopback port that answers `PING` before this returns.
///
/// Panics with the command that installs Redis when `redis-server` is not on `PATH`.
pub async fn redis() -> RedisServer {
    if let Ok(url) = std::env::var("REDIS_URL")
        && !url.trim().is_empty()
    {
        return RedisServer {
            url: url.trim().to_string(),
            child: None,
        };
    }
    let Some(program) = find_on_path("redis-server") else {
        panic!(
            "these tests need Redis, and `redis-server` is not on PATH. Install it (`{}`), \
             or set REDIS_URL=redis://HOST:PORT to use a server you run.",
            programs::how_to_install("redis-server", "redis")
        );
    };
    // Another process may take the free port between our choosing it and Redis binding it;
    // Redis then exits at once, and we try again with another port.
    retry(&program.display().to_string(), async || {
        let port = free_ports(1)[0];
        let mut command = Command::new(&program);
        command
            .arg("--port")
            .arg(port.to_string())
            .args(["--bind", "127.0.0.1"])
            .args(["--save", ""])
            .args(["--appendonly", "no"]);
        let mut child = OwnedChild::spawn(command, "redis")
            .unwrap_or_else(|error| panic!("could not run {}: {error}", program.display()));
        let addr = format!("127.0.0.1:{port}");
        wait_for_pong(&mut child, &addr).await?;
        Ok(RedisServer {
            url: format!("redis://{addr}"),
            child: Some(child),
        })
    })
    .await
}

/// Polls with `PING` until the server answers `+PONG`; a child that exits first has failed.
async fn wait_for_pong(child: &mut OwnedChild, addr: &str) -> Result<(), String> {
    let waiting_for = format!("no PONG from {addr}");
    let every = Duration::from_millis(20);
    child
        .wait_until("redis-server", &waiting_for, PATIENCE, every, |_| async {
            // Bounded: if the port was taken by something that is not Redis, it may never
            // answer.
            let reply = tokio::time::timeout(Duration::from_secs(1), ping(addr)).await;
            reply.is_ok_and(|reply| reply.is_ok_and(|line| line == "+PONG"))
        })
        .await
        .map_err(String::from)
}

/// Sends `PING` as an inline RESP command and returns the reply line (`+PONG` when ready).
async fn ping(addr: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(b"PING\r\n").await?;
    let mut reply = String::new();
    // deadline: its one caller gives it a second (what holds the port may never answer)
    BufReader::new(stream).read_line(&mut reply).await?;
    Ok(reply.trim_end().to_string())
}
