//! A lesson's server run as a real process, watched from outside as an operator would.
//!
//! Some behaviour exists only between processes: what a server does on SIGTERM, whether it
//! exits, and with which status. A test starts the lesson's own binary
//! (`env!("CARGO_BIN_EXE_l01-tcp")`) with `--addr 127.0.0.1:0`, learns the port the server
//! got from its log line (every server logs `listening on ADDRESS`), talks to it over real
//! sockets, sends it signals with `kill`, and checks its exit status and its log.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

use crate::PATIENCE;

/// A running server process; killed when dropped, so it never outlives its test.
pub struct ServerProcess {
    child: Child,
    addrs: Vec<SocketAddr>,
    log: Arc<Mutex<String>>,
    /// Woken whenever a line is added to `log`, and once when it ends.
    logged: Arc<Notify>,
    /// Whether the program has closed its log: it has exited, and will log nothing more.
    log_ended: Arc<AtomicBool>,
    /// The task that reads the log, until the program closes its stderr.
    collector: Option<JoinHandle<()>>,
}

impl ServerProcess {
    /// Starts `program args…` and waits until it has logged `listeners` listening addresses
    /// (`listening on 127.0.0.1:PORT`), or panics with what it printed.
    pub async fn start(program: impl AsRef<Path>, args: &[&str], listeners: usize) -> Self {
        Self::start_with_env(program, args, &[], listeners).await
    }

    /// [`start`](Self::start) with environment variables set for the server, such as
    /// `CONSUL_HTTP_ADDR` for a server that registers itself.
    pub async fn start_with_env(
        program: impl AsRef<Path>,
        args: &[&str],
        env: &[(&str, &str)],
        listeners: usize,
    ) -> Self {
        let program = program.as_ref();
        let mut command = Command::new(program);
        command
            .args(args)
            .env("RUST_LOG", "info")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {}: {error}", program.display()));
        if let Some(pid) = child.id() {
            crate::hang::started(pid, crate::hang::command_line(command.as_std()));
        }

        // Collect the log in the background, and pass on every address it announces.
        let log = Arc::new(Mutex::new(String::new()));
        let (found, mut announced) = mpsc::unbounded_channel();
        let mut lines = BufReader::new(child.stderr.take().expect("stderr is piped")).lines();
        let logged = Arc::new(Notify::new());
        let log_ended = Arc::new(AtomicBool::new(false));
        let (collected, wake, ended) = (
            Arc::clone(&log),
            Arc::clone(&logged),
            Arc::clone(&log_ended),
        );
        let collector = tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(addr) = listening_address(&line) {
                    let _ = found.send(addr);
                }
                let mut log = collected.lock().expect("the log lock");
                log.push_str(&line);
                log.push('\n');
                drop(log);
                wake.notify_waiters();
            }
            ended.store(true, Ordering::SeqCst);
            wake.notify_waiters();
        });

        let mut server = ServerProcess {
            child,
            addrs: Vec::new(),
            log,
            logged,
            log_ended,
            collector: Some(collector),
        };
        // deadline: PATIENCE for each of the `listeners` addresses, one each time round
        while server.addrs.len() < listeners {
            match tokio::time::timeout(PATIENCE, announced.recv()).await {
                Ok(Some(addr)) => server.addrs.push(addr),
                // The log ended: the program has exited (its error is the log's last lines).
                Ok(None) => panic!(
                    "{} exited ({}) before it logged `listening on ADDRESS` {listeners} \
                     time(s); it printed:\n{}",
                    program.display(),
                    server.exit_status().await,
                    server.log()
                ),
                Err(_) => panic!(
                    "{} did not log `listening on ADDRESS` {listeners} time(s) within {PATIENCE:?}; \
                     it printed:\n{}",
                    program.display(),
                    server.log()
                ),
            }
        }
        server
    }

    /// The process's id, to read what the system says of it (`/proc/PID/status`).
    pub fn pid(&self) -> u32 {
        self.child.id().expect("the server is still running")
    }

    /// The first address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addrs[0]
    }

    /// Every address the server listens on, in the order it logged them.
    pub fn addrs(&self) -> &[SocketAddr] {
        &self.addrs
    }

    /// Sends `signal` (`"TERM"`, `"INT"`, `"KILL"`, `"STOP"`) with the `kill` command, as an
    /// operator would; a `STOP` returns once every thread of the server has stopped.
    pub fn signal(&self, signal: &str) {
        let pid = self.child.id().expect("the server is still running");
        let mut kill = std::process::Command::new("kill");
        kill.arg(format!("-{signal}")).arg(pid.to_string());
        let what = format!("`kill -{signal} {pid}`");
        let output = crate::output_within(&what, &mut kill, PATIENCE);
        assert!(
            output.status.success(),
            "{what} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        if signal == "STOP" {
            // `kill` returns once the signal is sent, and a thread of the server running on
            // the other core may go on for a moment before it stops: a test that then lets
            // the server's input through (a reply it waits for) would race it. Stopped is
            // when every thread of it is.
            every_thread_stopped(pid);
        }
    }

    /// Waits up to `limit` for the process to exit; panics, with its log, if it does not.
    /// Its log is then whole: the lines it wrote last, its error among them, are read before
    /// this returns (the log is read from a pipe, and a process can exit before its last
    /// lines are read from it).
    pub async fn exits_within(&mut self, limit: Duration) -> ExitStatus {
        let status = match tokio::time::timeout(limit, self.child.wait()).await {
            Ok(status) => status.expect("wait for the server"),
            Err(_) => panic!(
                "the server was still running {limit:?} later; its log:\n{}",
                self.log()
            ),
        };
        // The pipe ends when the program has exited (or a child it left holds it: the
        // patience bounds that wait).
        if let Some(collector) = self.collector.take() {
            let _ = tokio::time::timeout(PATIENCE, collector).await;
        }
        status
    }

    /// Waits until the server has logged a line containing `text` (up to [`PATIENCE`]), so a
    /// test knows, for instance, that the server has seen a signal before it goes on.
    pub async fn logged(&self, text: &str) {
        self.logged_so(&format!("{text:?}"), |log| log.contains(text))
            .await;
    }

    /// Waits until `done` is true of the server's log as a whole (up to [`PATIENCE`]): a
    /// count that only the last of several lines completes, say. `what` names it in the
    /// failure's message.
    pub async fn logged_so(&self, what: &str, done: impl Fn(&str) -> bool) {
        let wait = async {
            loop {
                // Ask to be woken before looking, so a line logged in between is not missed.
                let next_line = self.logged.notified();
                let mut next_line = std::pin::pin!(next_line);
                next_line.as_mut().enable();
                if done(&self.log()) {
                    return true;
                }
                if self.log_ended.load(Ordering::SeqCst) {
                    return false;
                }
                next_line.await;
            }
        };
        match tokio::time::timeout(PATIENCE, wait).await {
            Ok(true) => {}
            Ok(false) => panic!(
                "the server exited without logging {what}; its log:\n{}",
                self.log()
            ),
            Err(_) => panic!(
                "the server did not log {what} within {PATIENCE:?}; its log:\n{}",
                self.log()
            ),
        }
    }

    /// Waits up to `limit` for the process to exit, and fails, showing its log, unless it
    /// exited with status 0: what a clean stop looks like from outside.
    pub async fn exits_cleanly_within(&mut self, limit: Duration) {
        let status = self.exits_within(limit).await;
        assert!(
            status.success(),
            "the server exited with {status}; its log:\n{}",
            self.log()
        );
    }

    /// How the program ended, once its log has: a program can close its stderr a moment
    /// before it exits, so this waits for that moment (PATIENCE at most).
    async fn exit_status(&mut self) -> String {
        match tokio::time::timeout(PATIENCE, self.child.wait()).await {
            Ok(Ok(status)) => status.to_string(),
            Ok(Err(error)) => format!("its status unknown: {error}"),
            Err(_) => format!("its log closed, the process still there {PATIENCE:?} later"),
        }
    }

    /// Everything the server has logged so far.
    pub fn log(&self) -> String {
        self.log.lock().expect("the log lock").clone()
    }
}

/// The address in a log line such as `… listening on 127.0.0.1:41234`, if it is one.
fn listening_address(line: &str) -> Option<SocketAddr> {
    let (_, after) = line.split_once("listening on ")?;
    let word = after.split_whitespace().next()?;
    let word = word
        .trim_start_matches("http://")
        .trim_end_matches(['/', ':', ',', '.', ';']);
    word.parse().ok()
}

/// Waits until every thread of process `pid` is stopped (`T` in `/proc/PID/task/*/stat`),
/// PATIENCE at most; panics with the states it saw. Elsewhere than Linux it returns at once.
fn every_thread_stopped(pid: u32) {
    let states = || -> Option<Vec<char>> {
        let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
        let states = tasks
            .filter_map(|task| std::fs::read_to_string(task.ok()?.path().join("stat")).ok())
            // `TID (NAME) STATE …`: the name may hold spaces and parentheses, so the state
            // is read after the last `)`.
            .filter_map(|stat| stat.rsplit_once(')')?.1.trim_start().chars().next())
            .collect();
        Some(states)
    };
    let deadline = std::time::Instant::now() + PATIENCE;
    loop {
        let Some(seen) = states() else { return };
        if seen.iter().all(|state| matches!(state, 'T' | 't')) {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "process {pid} was not stopped {PATIENCE:?} after SIGSTOP: its threads' states {seen:?}"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[cfg(test)]
mod tests {
    use super::{ServerProcess, listening_address};

    /// What a test's panic said, from a task that ran `work`.
    fn panic_of(work: impl Future<Output = ()> + Send + 'static) -> String {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let error = runtime
            .block_on(async { tokio::spawn(work).await })
            .expect_err("the wait should have failed");
        let panic = error.into_panic();
        panic
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_else(|| format!("{panic:?}"))
    }

    /// A server that fails at start (its port taken, say) is reported as exited, with its
    /// error, not as one that has not logged its address yet.
    #[test]
    fn a_server_that_exits_at_start_is_said_to_have_exited() {
        let said = panic_of(async {
            let script = "echo 'error: cannot listen on 127.0.0.1:1: in use' >&2; exit 3";
            ServerProcess::start("sh", &["-c", script], 1).await;
        });
        assert!(said.contains("exited (exit status: 3)"), "{said}");
        assert!(said.contains("cannot listen on 127.0.0.1:1"), "{said}");
    }

    /// A wait for a line the server can no longer log ends when the server does.
    #[test]
    fn a_wait_for_a_line_ends_when_the_server_exits() {
        let said = panic_of(async {
            let script = "echo 'listening on 127.0.0.1:9' >&2; read line; echo bye >&2";
            let server = ServerProcess::start("sh", &["-c", script], 1).await;
            server.logged("registered").await;
        });
        assert!(
            said.contains("exited without logging \"registered\""),
            "{said}"
        );
        assert!(said.contains("bye"), "{said}");
    }

    #[test]
    fn finds_the_address_in_a_log_line() {
        let line = "2026-11-22T10:00:00Z  INFO l01_tcp: echo server listening on 127.0.0.1:41234";
        assert_eq!(
            listening_address(line),
            Some("127.0.0.1:41234".parse().unwrap())
        );
        let tcp = "INFO l03_jsonrpc: JSON-RPC over TCP listening on 127.0.0.1:7: one per line";
        assert_eq!(listening_address(tcp), Some("127.0.0.1:7".parse().unwrap()));
        let http = "INFO l03_jsonrpc: JSON-RPC over HTTP listening on http://127.0.0.1:8/: POST";
        assert_eq!(
            listening_address(http),
            Some("127.0.0.1:8".parse().unwrap())
        );
        assert_eq!(listening_address("INFO connected peer=127.0.0.1:5"), None);
    }
}
