//! A chapter's servers: started in the background as the reader's `… &`, their logs
//! compared, signalled as `kill %N` and Ctrl-C signal them, and stopped at the chapter's end.

use std::convert::Infallible;
use std::fs;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::net::TcpStream;
use tokio::process::Child;

use workbook_core::cargo;

use super::compare::{compare, look_until, shows, tidy};
use super::parse::{LISTENING_OPTIONS, listening_ports, map_id_ports, map_ports};
use super::reader::Reader;
use super::{LOOPBACK, Problem, TIME_LIMIT};

/// A server started by a chapter.
pub(super) struct Server {
    pub(super) child: Child,
    pub(super) line: usize,
    /// Its job number in the reader's shell, when it was started with `&`.
    pub(super) job: Option<usize>,
    /// The ports it listens on.
    pub(super) ports: Vec<u16>,
}

impl Server {
    /// Sends the server `signal_name` and waits up to `patience` for it to end; kills it,
    /// and returns false, when it does not.
    async fn stop(&mut self, signal_name: &str, patience: Duration) -> bool {
        self.until_hung_up_clients_are_closed().await;
        if let Some(pid) = self.child.id() {
            signal(&pid.to_string(), signal_name);
        }
        let ended = tokio::time::timeout(patience, self.child.wait())
            .await
            .is_ok();
        if !ended {
            let _ = self.child.kill().await;
        }
        ended
    }

    /// A reader signals a server once the commands before have finished, and by then the
    /// server has closed its side of their connections: its log says `open=0`. A program
    /// that signals at once can be quicker than the server (a client that exits as soon as
    /// it has read an answer, a busy machine): it waits, up to [`TIME_LIMIT`], until the
    /// server holds no connection whose client has hung up. A connection a client still
    /// holds (a gateway's pooled one) is not waited for: it is open in the book's run too.
    async fn until_hung_up_clients_are_closed(&self) {
        let deadline = Instant::now() + TIME_LIMIT;
        for &port in &self.ports {
            while shared::listen::accepted(port).is_some_and(|now| now.hung_up > 0)
                && Instant::now() < deadline
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
}

impl Reader<'_> {
    /// Starts a server in the background and waits until it listens on all its addresses.
    pub(super) async fn start_server(&mut self, line: usize, command: &str) -> Result<(), Problem> {
        let job = self.background_job(command);
        let command = command.trim_end_matches('&').trim_end();
        let fail = |message: String, details: Vec<String>| Problem {
            location: String::new(),
            command: Some(command.to_string()),
            message,
            details,
        };
        let script = self
            .rewrite(command, true)
            .await
            .map_err(|message| fail(message, Vec::new()))?;
        let script = self.cargo_lines_into_log(command, script);
        let log_path = self.scratch.join(format!("server-{line}.log"));
        let log = fs::File::create(&log_path)
            .and_then(|file| Ok((file.try_clone()?, file)))
            .map_err(|err| fail(format!("cannot write its log: {err}"), Vec::new()))?;
        let mut shell = self.shell(&format!("exec {script}"));
        shell.stdout(log.0).stderr(log.1);
        let mut child = shell
            .spawn()
            .map_err(|err| fail(format!("cannot start bash: {err}"), Vec::new()))?;

        // Where it listens, as its own options say (`--addr`): the other addresses on its
        // command line are those of what it calls.
        let listening_on = listening_ports(&script);
        let log_tail = || {
            let log = fs::read_to_string(&log_path).unwrap_or_default();
            let lines: Vec<String> = log.lines().map(String::from).collect();
            lines[lines.len().saturating_sub(5)..].to_vec()
        };
        let deadline = Instant::now() + TIME_LIMIT;
        let ports = listening_on.iter().map(|(_, port)| *port).collect();
        for (option, port) in listening_on {
            while TcpStream::connect(("127.0.0.1", port)).await.is_err() {
                if let Ok(Some(status)) = child.try_wait() {
                    return Err(fail(
                        format!("the server ended ({status}) before it listened"),
                        log_tail(),
                    ));
                }
                if Instant::now() > deadline {
                    let _ = child.kill().await;
                    return Err(fail(
                        format!(
                            "the server did not listen on {LOOPBACK}{} within {} s (the \
                             address of its `{option}`: a server listens where {} say)",
                            self.ports.book(port),
                            TIME_LIMIT.as_secs(),
                            LISTENING_OPTIONS.join(", ")
                        ),
                        log_tail(),
                    ));
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        self.servers.push(Server {
            child,
            line,
            job,
            ports,
        });
        Ok(())
    }

    /// The log of the server started on `line`, with the book's ports, compared with what
    /// `book` shows.
    ///
    /// A server that has ended (stopped by Ctrl-C or `kill %N`, and awaited) has written its
    /// whole log: it is read once, to its end. A server still running may log after it
    /// listens (a registration, a first call's line), later still on a busy machine: its
    /// log is read again until it shows what the book shows, for up to [`TIME_LIMIT`], the
    /// time a server is given for any step.
    pub(super) async fn server_log_matches(
        &self,
        line: usize,
        book: &[&str],
    ) -> Result<(), super::compare::Mismatch> {
        let running = self.servers.iter().any(|server| server.line == line);
        let patience = if running { TIME_LIMIT } else { Duration::ZERO };
        self.server_log_shows(line, book, patience).await
    }

    /// Waits until the server started on `line` has logged what `book` shows before a
    /// Ctrl-C (the lines the book has it print before the signal), for up to [`TIME_LIMIT`]:
    /// on a busy machine a server registers after it listens, and a signal sent at once
    /// would stop it before, which is not the run the book shows.
    pub(super) async fn until_server_has_logged(&self, line: usize, book: &[&str]) {
        let mut before: Vec<&str> = book.to_vec();
        before.push("...");
        let _ = self.server_log_shows(line, &before, TIME_LIMIT).await;
    }

    /// The log of the server started on `line` compared with `book`, again and again until
    /// they match or `patience` has passed.
    async fn server_log_shows(
        &self,
        line: usize,
        book: &[&str],
        patience: Duration,
    ) -> Result<(), super::compare::Mismatch> {
        let read = async || {
            let log = fs::read_to_string(self.scratch.join(format!("server-{line}.log")))
                .unwrap_or_default();
            let log = cargo::strip_ansi(&log);
            let log = map_id_ports(&log, |port| self.ports.book(port));
            Ok::<_, Infallible>(map_ports(&log, |port| self.ports.book(port)))
        };
        let every = Duration::from_millis(50);
        let Ok(log) = look_until(patience, every, read, |log| shows(book, log)).await;
        compare(book, &tidy(log.lines()))
    }

    /// The job number bash gives `command` when it ends in `&`: one more than the highest
    /// job still running.
    pub(super) fn background_job(&mut self, command: &str) -> Option<usize> {
        if !command.trim_end().ends_with('&') || command.trim_end().ends_with("&&") {
            return None;
        }
        let job = self.jobs.iter().max().map_or(1, |highest| highest + 1);
        self.jobs.push(job);
        Some(job)
    }

    /// `kill -SIGNAL %N`: the signal for job N, and its end awaited. Returns an error
    /// when N is no job, or its server does not stop in time.
    pub(super) async fn kill_job(&mut self, signal_name: &str, job: usize) -> Result<(), String> {
        let Some(at) = self.jobs.iter().position(|running| *running == job) else {
            return Err(format!(
                "kill %{job}: no such job (jobs running: {:?})",
                self.jobs
            ));
        };
        self.jobs.remove(at);
        // A job the check does not run (another program) has nothing to stop.
        let Some(at) = self.servers.iter().position(|s| s.job == Some(job)) else {
            return Ok(());
        };
        let mut server = self.servers.remove(at);
        if !server.stop(signal_name, TIME_LIMIT).await {
            return Err(format!(
                "the server started on line {} did not stop within {} s of SIG{signal_name}",
                server.line,
                TIME_LIMIT.as_secs()
            ));
        }
        Ok(())
    }

    /// Ctrl-C in the servers' terminals: each must stop in time. Returns the ones that
    /// did not, by the line that started them.
    pub(super) async fn interrupt(&mut self) -> Vec<usize> {
        let mut stuck = Vec::new();
        // Ctrl-C reaches the servers in the foreground of their terminals, not the jobs
        // started with `&` (`kill %N` stops those).
        let (background, foreground) = self.servers.drain(..).partition(|s| s.job.is_some());
        self.servers = background;
        for mut server in foreground {
            if !server.stop("INT", TIME_LIMIT).await {
                stuck.push(server.line);
            }
        }
        stuck
    }

    /// The end of the chapter: the servers still running are stopped.
    pub(super) async fn stop_servers(&mut self) {
        for mut server in self.servers.drain(..) {
            server.stop("TERM", Duration::from_secs(5)).await;
        }
    }
}

/// Sends `signal` (`INT`, `TERM`, `KILL`) to a process, or to a group as `-PGID`.
pub(super) fn signal(target: &str, signal: &str) {
    let _ = std::process::Command::new("kill")
        .args([format!("-{signal}").as_str(), "--", target])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}
