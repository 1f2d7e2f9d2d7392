//! A class, live: `class serve` run as a teacher runs it (a process, checked from outside),
//! learners joining it and sending verdicts, as `class join` and `check` do.
//!
//! - `server.rs`: what the server keeps (through a `kill -9` and a restart), both tokens,
//!   and each bad input refused with its reason;
//! - `learner.rs`: a learner's checks reach the page, and a server that is down, slow or
//!   gone never holds a check up;
//! - `page.rs`: the dashboard in headless Chromium, in both languages, at a projector's
//!   sizes, trying and stuck;
//! - `buttons.rs`: the roster's buttons on the page, each clicked;
//! - `race.rs`: two senders at once leave no verdict queued;
//! - `room.rs`: a machine in the room flooding joins or holding connections;
//! - `roster.rs`: the teacher's changes to the roster from the command line;
//! - `wall.rs`: the room of thirty printed on A4, and the instructor guide's pictures of
//!   it;
//! - `thirty.rs`: a room of thirty on a lesson of the course, as the wall shows it;
//! - `walk.rs`: a teacher's walk through a class of thirty, a flood and a `kill -9`.

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::Value;
use workbook::learner::class::http::{self, Answer, Limits, Server};

use crate::fixture::Course;

mod buttons;
mod learner;
mod page;
mod race;
mod room;
mod roster;
mod server;
mod thirty;
mod walk;
mod wall;

/// How long a request of the tests may take: far beyond any the server needs.
const LIMITS: Limits = Limits {
    connect: Duration::from_secs(10),
    io: Duration::from_secs(60),
};

/// How long any one wait of these tests may last: far beyond a quiet run's, and a test
/// that waits longer fails saying what it saw instead of hanging.
pub const DEADLINE: Duration = Duration::from_secs(120);

/// A command of the runner, waited for at most [`DEADLINE`] (a check builds the lesson):
/// whether it succeeded, and what it printed (stdout, then stderr).
pub fn run(course: &Course, args: &[&str]) -> (bool, String) {
    let mut child = course
        .command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the runner starts");
    // Each pipe read to its end on a thread of its own: the ends are the events waited for.
    let (ended, outputs) = mpsc::channel();
    for (which, mut pipe) in [
        (
            0,
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
        ),
        (1, Box::new(child.stderr.take().unwrap())),
    ] {
        let ended = ended.clone();
        std::thread::spawn(move || {
            let mut text = Vec::new();
            let _ = pipe.read_to_end(&mut text);
            let _ = ended.send((which, String::from_utf8_lossy(&text).into_owned()));
        });
    }
    let deadline = Instant::now() + DEADLINE;
    let mut texts = [String::new(), String::new()];
    for _ in 0..2 {
        let left = deadline.saturating_duration_since(Instant::now());
        match outputs.recv_timeout(left) {
            Ok((which, text)) => texts[which] = text,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("`workbook {}` still ran after {DEADLINE:?}", args.join(" "));
            }
        }
    }
    let status = child.wait().expect("the runner ends");
    (status.success(), texts.concat())
}

/// A class server running in `course`, as `class serve` prints it.
pub struct Running {
    pub child: Child,
    pub url: String,
    pub code: String,
    pub teacher: String,
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
    fn spawn(
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

    /// Ends the server as `kill -9` does.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// A class in a course of its own: its server, and the learners who joined it.
pub struct Class {
    /// First, so that the server ends before its course's folder goes.
    pub server: Running,
    pub course: Course,
    /// Each learner's token, in the order of [`Running::with_learners`]'s names.
    pub tokens: Vec<String>,
}

impl Running {
    /// `class serve` with `options` in `course`, on a free port, in the teacher's `lang`,
    /// and a learner joined (as the runner joins) under each of `names`.
    pub fn with_learners(course: Course, lang: &str, options: &[&str], names: &[&str]) -> Class {
        let server = Running::start_with(&course, "127.0.0.1:0", lang, options);
        let tokens = names.iter().map(|name| server.join(name)).collect();
        Class {
            server,
            course,
            tokens,
        }
    }
}

impl Class {
    /// `name` joins with the runner itself (`class join`), from the class's course:
    /// what it printed.
    pub fn join_with_runner(&self, name: &str) -> String {
        let server = &self.server;
        let (ok, out) = run(
            &self.course,
            &["class", "join", &server.url, &server.code, "--name", name],
        );
        assert!(ok, "{out}");
        out
    }

    /// The dashboard's address, with the teacher's token.
    pub fn page(&self) -> String {
        format!("{}/?token={}", self.server.url, self.server.teacher)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The cell of exercise `id` in the row of `name`, in a stream message or snapshot.
pub fn cell<'a>(message: &'a Value, name: &str, id: &str) -> Option<&'a Value> {
    let rows: Vec<&Value> = match message["type"].as_str() {
        Some("row") => vec![&message["row"]],
        _ => message["rows"].as_array()?.iter().collect(),
    };
    rows.into_iter()
        .find(|row| row["name"] == name)
        .and_then(|row| row["cells"].get(id))
}

/// A batch of one verdict on `exercise`, numbered `seq`, checked alone (the exercise the
/// learner is on).
pub fn batch(seq: u64, exercise: &str, passed: bool) -> String {
    batch_made_ago(seq, exercise, passed, 0)
}

/// As [`batch`], its verdict made `ago_ms` before it is sent (queued while the server was
/// away, or a room that has been at work a while): the server dates it so long ago.
pub fn batch_made_ago(seq: u64, exercise: &str, passed: bool, ago_ms: u64) -> String {
    let now = workbook_core::class::now_ms();
    serde_json::json!({
        "sent_ms": now,
        "verdicts": [{
            "seq": seq, "exercise": exercise, "passed": passed,
            "test": (!passed).then_some("adds_two_numbers"),
            "message": (!passed).then_some("not yet implemented: add a and b"),
            "hints": 1, "at_ms": now - ago_ms, "current": true,
        }],
    })
    .to_string()
}
