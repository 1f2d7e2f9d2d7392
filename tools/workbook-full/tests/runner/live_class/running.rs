//! A class server running as a teacher runs it: `class serve` as a process, started in a
//! course (or this workspace), the join line and the dashboard's address read from what it
//! prints; then asked as learners and the page ask it, its live stream watched with a
//! deadline, and killed as `kill -9` kills it.

use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::Value;
use workbook::learner::class::http::{self, Answer, Limits, Server};

use super::DEADLINE;
use crate::fixture::Course;

/// How long a request of the tests may take: far beyond any the server needs.
const LIMITS: Limits = Limits {
    connect: Duration::from_secs(10),
    io: Duration::from_secs(60),
};

/// A class server running in `course`, as `class serve` prints it.
pub struct Running {
    pub child: Child,
    pub url: String,
    pub code: String,
    pub teacher: String,
    /// What it printed up to its dashboard's address.
    pub printed: Vec<String>,
}

impl Running {
    /// Starts `class serve --dir class` in `course` on `addr` (a free port for
    /// `127.0.0.1:0`), and reads the join line and the dashboard's address it prints.
    pub fn start(course: &Course, addr: &str, lang: &str) -> Running {
        Running::start_with(course, addr, lang, &[])
    }

    /// As [`Running::start`], with more of `class serve`'s options.
    pub fn start_with(course: &Course, addr: &str, lang: &str, options: &[&str]) -> Running {
        let command = course.command(&["--lang", lang, "class", "serve", "--dir"]);
        Running::spawn(command, &course.path("class"), addr, options, None)
    }

    /// As [`Running::start`] on a free port, on a system that lets the server open `files`
    /// files at most (its limit, soft and hard).
    pub fn start_limited(course: &Course, files: u64) -> Running {
        let command = course.command(&["--lang", "en", "class", "serve", "--dir"]);
        Running::spawn(
            command,
            &course.path("class"),
            "127.0.0.1:0",
            &[],
            Some(files),
        )
    }

    /// `command` (the runner's `class serve --dir`, where it runs) with the class's folder
    /// `dir`, on `addr`, with more `options`.
    pub(super) fn spawn(
        mut command: Command,
        dir: &Path,
        addr: &str,
        options: &[&str],
        files: Option<u64>,
    ) -> Running {
        command
            .arg(dir)
            .args(["--addr", addr])
            .args(options)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(files) = files {
            let limit = libc::rlimit {
                rlim_cur: files as libc::rlim_t,
                rlim_max: files as libc::rlim_t,
            };
            // SAFETY: only setrlimit, async-signal-safe, between fork and exec.
            unsafe {
                std::os::unix::process::CommandExt::pre_exec(&mut command, move || {
                    if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 {
                        Ok(())
                    } else {
                        Err(std::io::Error::last_os_error())
                    }
                });
            }
        }
        let mut child = command.spawn().expect("the runner starts");
        // Read on a thread, so that every wait for a line has a deadline.
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let (line_sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                // Read to the end, whether anyone still listens or not: the rest of the
                // output is drained here, so the server never blocks on a full pipe.
                let _ = line_sender.send(line);
            }
        });
        let deadline = Instant::now() + DEADLINE;
        let (mut url, mut code, mut teacher) = (String::new(), String::new(), String::new());
        let mut seen = Vec::new();
        while teacher.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match lines.recv_timeout(left) {
                Ok(line) => line,
                Err(RecvTimeoutError::Timeout) => {
                    panic!("class serve printed no dashboard in {DEADLINE:?}: {seen:#?}")
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("class serve ended before it printed its dashboard: {seen:#?}")
                }
            };
            let words: Vec<&str> = line.split_whitespace().collect();
            if let Some(at) = words.iter().position(|w| *w == "join") {
                // The learners' command runs in each learner's language, not the teacher's.
                assert!(!line.contains("--lang"), "{line}");
                url = words[at + 1].to_string();
                code = words[at + 2].to_string();
            }
            if let Some(token) = line.trim().split("/?token=").nth(1) {
                teacher = token.to_string();
            }
            seen.push(line);
        }
        Running {
            child,
            url,
            code,
            teacher,
            printed: seen,
        }
    }

    pub fn server(&self) -> Server {
        Server::parse(&self.url).unwrap()
    }

    /// `POST path` with `body`, as `token` if given.
    pub fn post(&self, path: &str, token: Option<&str>, body: &str) -> Answer {
        http::request(&self.server(), "POST", path, token, Some(body), LIMITS).unwrap()
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> Answer {
        http::request(&self.server(), "GET", path, token, None, LIMITS).unwrap()
    }

    /// `method path` with `body`: a method a route may not take.
    pub fn asked(&self, method: &str, path: &str, body: &str) -> Answer {
        http::request(&self.server(), method, path, None, Some(body), LIMITS).unwrap()
    }

    /// Joins as `name`: the learner's token.
    pub fn join(&self, name: &str) -> String {
        let body = serde_json::json!({"code": self.code, "name": name}).to_string();
        let answer = self.post("/api/join", None, &body);
        assert_eq!(answer.status, 200, "{}", answer.body);
        let joined: Value = serde_json::from_str(&answer.body).unwrap();
        joined["token"].as_str().unwrap().to_string()
    }

    /// The class as `report --class` reads it, from the export.
    pub fn export(&self) -> Vec<Value> {
        let answer = self.get(&format!("/export.json?token={}", self.teacher), None);
        assert_eq!(answer.status, 200, "{}", answer.body);
        serde_json::from_str(&answer.body).unwrap()
    }

    /// Reads the page's live stream until a message satisfies `wanted`; returns it. Fails
    /// after [`DEADLINE`] in all, saying what the stream said: the stream's keep-alives
    /// come every 15 s, so a time limit on each read would never end the wait.
    pub fn watch_until(&self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + DEADLINE;
        let server = self.server();
        let mut stream = TcpStream::connect((server.host.as_str(), server.port)).unwrap();
        write!(
            stream,
            "GET /api/stream?token={} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n",
            self.teacher
        )
        .unwrap();
        let timer = stream.try_clone().unwrap();
        let mut reader = BufReader::new(stream);
        // The last messages, for the failure's message.
        let mut seen: Vec<String> = Vec::new();
        let said = |seen: &[String]| seen.join("\n");
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "no message wanted on the stream within {DEADLINE:?}; the last ones:\n{}",
                said(&seen)
            );
            timer.set_read_timeout(Some(left)).unwrap();
            let mut line = String::new();
            // deadline: the read's timeout is what is left of the loop's deadline, checked above
            match reader.read_line(&mut line) {
                Ok(0) => panic!("the stream ended; the last messages:\n{}", said(&seen)),
                Ok(_) => {}
                Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    continue;
                }
                Err(err) => panic!(
                    "reading the stream: {err}; the last messages:\n{}",
                    said(&seen)
                ),
            }
            // The body is chunked: a message is a line of its own between the sizes.
            let Some(data) = line.trim_end().strip_prefix("data: ") else {
                continue;
            };
            let message: Value = serde_json::from_str(data).unwrap();
            if wanted(&message) {
                return message;
            }
            if seen.len() == 5 {
                seen.remove(0);
            }
            seen.push(workbook_core::class::one_line(data, 400));
        }
    }

    /// Stops the server as Ctrl-C does, and waits for it to end (at most [`DEADLINE`]):
    /// how it ended.
    pub fn interrupt(mut self) -> std::process::ExitStatus {
        // SAFETY: a signal to the child this test started.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGINT) };
        let mut child = std::mem::replace(
            &mut self.child,
            Command::new("true").spawn().expect("true starts"),
        );
        let (ended, exit) = mpsc::channel();
        // deadline: the `recv_timeout` below bounds the wait for this thread's answer
        std::thread::spawn(move || ended.send(child.wait()));
        exit.recv_timeout(DEADLINE)
            .unwrap_or_else(|_| panic!("class serve still ran {DEADLINE:?} after SIGINT"))
            .expect("class serve ended")
    }

    /// Ends the server as `kill -9` does.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
