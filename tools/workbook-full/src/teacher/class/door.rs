//! The server's door: how many connections it holds, from whom, and for how long. A room
//! shares a network with whatever runs in it, and a script there can open connections and
//! never finish a request; the class must go on for everyone else.
//!
//! - Every connection has 10 s to send a request's headers, whether it is new or waiting
//!   between two requests (hyper's `header_read_timeout`); a body has its own limit
//!   (`http.rs`). A client sending a byte every few seconds is closed, not held.
//! - The server holds at most so many connections, well below the open files the system
//!   gives it (raised to the most it may have at start, as servers do), and one address at
//!   most a quarter of them: one machine flooding fills its own quarter, not the room's.
//!   A connection past either is closed at once.
//! - Stopping waits for requests in flight, for a few seconds at most.
//! - Memory a flood took is given back: the allocator keeps freed memory for the process
//!   unless told (glibc's `malloc_trim`), so the door tells it when a crowd has left.

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tower::Service;

/// How long a connection may take to send a request's headers, or wait for its next one.
pub const HEADER_TIME: Duration = Duration::from_secs(10);

/// Open files kept for everything else: the database, its journal, the log.
const SPARE_FILES: u64 = 64;

/// The most connections at once, however many files the system allows: a room of sixty
/// and their pages need a few hundred.
const MOST_CONNECTIONS: usize = 4096;

/// Raises this process's limit of open files to the most it may have (its "hard" limit),
/// and returns the limit it has now. Many systems start a program with 1,024, which a few
/// hundred learners' connections and a script can use up.
pub fn raise_file_limit() -> u64 {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `limit` is a valid rlimit for the call to fill and to read.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
            return 1024;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            // SAFETY: as above; a refusal leaves the limit as it was.
            if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
                limit = raised;
            }
        }
        // `rlim_t` is u64 on Linux and macOS, and may be narrower elsewhere.
        #[allow(clippy::unnecessary_cast)]
        let files = limit.rlim_cur as u64;
        files
    }
    #[cfg(not(unix))]
    {
        1024
    }
}

/// Who is inside: connections in all, and from each address.
pub struct Door {
    most: usize,
    most_from_one: usize,
    open: Mutex<Open>,
}

#[derive(Default)]
struct Open {
    all: usize,
    from: HashMap<IpAddr, usize>,
    /// The most connections held at once since memory was last given back.
    peak: usize,
}

/// A connection let in; it counts until it is dropped.
pub struct Inside {
    door: Arc<Door>,
    from: IpAddr,
}

impl Door {
    /// A door for a process that may have `files` open files.
    pub fn new(files: u64) -> Arc<Door> {
        let most = (files.saturating_sub(SPARE_FILES) as usize).clamp(16, MOST_CONNECTIONS);
        Arc::new(Door {
            most,
            most_from_one: (most / 4).max(4),
            open: Mutex::new(Open::default()),
        })
    }

    /// Lets a connection from `from` in, unless the server holds its most or that address
    /// its share.
    pub fn enter(self: &Arc<Door>, from: IpAddr) -> Option<Inside> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let theirs = open.from.get(&from).copied().unwrap_or(0);
        if open.all >= self.most || theirs >= self.most_from_one {
            return None;
        }
        open.all += 1;
        open.from.insert(from, theirs + 1);
        Some(Inside {
            door: self.clone(),
            from,
        })
    }
}

impl Drop for Inside {
    fn drop(&mut self) {
        let mut open = self.door.open.lock().unwrap_or_else(|e| e.into_inner());
        open.all -= 1;
        if let Some(count) = open.from.get_mut(&self.from) {
            *count -= 1;
            if *count == 0 {
                open.from.remove(&self.from);
            }
        }
        // A crowd left (three quarters of the most held since the last time): what their
        // connections took goes back to the system.
        open.peak = open.peak.max(open.all + 1);
        if open.peak >= CROWD && open.all <= open.peak / 4 {
            open.peak = open.all;
            give_memory_back();
        }
    }
}

/// How many connections at once make a crowd worth giving memory back after: a crowd of
/// 1,000 leaving gives it back at 250 left, at 62 and at 15.
const CROWD: usize = 64;

/// Gives the memory freed by the process back to the system, where the allocator keeps it.
pub fn give_memory_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Serves `routes` on `listener` through `door` until `stop`, then waits up to `grace` for
/// the requests in flight. Each request knows its client's address (`ConnectInfo`).
pub async fn serve(
    listener: tokio::net::TcpListener,
    routes: Router,
    door: Arc<Door>,
    stop: impl Future<Output = ()>,
    grace: Duration,
) {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIME)
        .max_buf_size(64 * 1024);
    let graceful = GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of files for a moment (a flood): those inside are served meanwhile.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            },
        };
        let Some(inside) = door.enter(peer.ip()) else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        // Each request knows who sent it: the rates are kept by address (`guard.rs`).
        let routes = routes.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            routes.clone().call(request)
        });
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _ = connection.await;
            drop(inside);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(grace) => {}
    }
}
