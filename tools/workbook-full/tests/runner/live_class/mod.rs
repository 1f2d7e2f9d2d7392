//! A class, live: `class serve` run as a teacher runs it (a process, checked from outside),
//! learners joining it and sending verdicts, as `class join` and `check` do.
//!
//! - `server.rs`: what the server keeps (through a `kill -9` and a restart), both tokens,
//!   and each bad input refused with its reason;
//! - `learner.rs`: a learner's checks reach the page, and a server that is down, slow or
//!   gone never holds a check up;
//! - `page.rs`: the dashboard in headless Chromium, in both languages.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Stdio};
use std::time::Duration;

use serde_json::Value;
use workbook::learner::class::http::{self, Answer, Limits, Server};

use crate::fixture::Course;

mod learner;
mod page;
mod server;

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
    /// The rest of its output, unread.
    pub _stdout: BufReader<ChildStdout>,
}

impl Running {
    /// Starts `class serve --dir class` in `course` on `addr` (a free port for
    /// `127.0.0.1:0`), and reads the join line and the dashboard's address it prints.
    pub fn start(course: &Course, addr: &str, lang: &str) -> Running {
        let dir = course.path("class");
        let mut child = course
            .command(&["--lang", lang, "class", "serve", "--dir"])
            .arg(&dir)
            .args(["--addr", addr])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the runner starts");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (mut url, mut code, mut teacher) = (String::new(), String::new(), String::new());
        let mut line = String::new();
        while teacher.is_empty() {
            line.clear();
            assert!(
                stdout.read_line(&mut line).unwrap() > 0,
                "class serve ended before it printed its dashboard"
            );
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
        }
        Running {
            child,
            url,
            code,
            teacher,
            _stdout: stdout,
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

    /// Reads the page's live stream until a message satisfies `wanted`; returns it.
    pub fn watch_until(&self, wanted: impl Fn(&Value) -> bool) -> Value {
        let server = self.server();
        let mut stream = TcpStream::connect((server.host.as_str(), server.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        write!(
            stream,
            "GET /api/stream?token={} HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n",
            self.teacher
        )
        .unwrap();
        let mut lines = BufReader::new(stream).lines();
        loop {
            let line = lines
                .next()
                .expect("the stream stays open")
                .expect("a message within a minute");
            // The body is chunked: a message is a line of its own between the sizes.
            let Some(data) = line.strip_prefix("data: ") else {
                continue;
            };
            let message: Value = serde_json::from_str(data).unwrap();
            if wanted(&message) {
                return message;
            }
        }
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

/// A batch of one verdict on `exercise`, numbered `seq`.
pub fn batch(seq: u64, exercise: &str, passed: bool) -> String {
    let now = workbook_core::class::now_ms();
    serde_json::json!({
        "sent_ms": now,
        "verdicts": [{
            "seq": seq, "exercise": exercise, "passed": passed,
            "test": (!passed).then_some("adds_two_numbers"),
            "message": (!passed).then_some("not yet implemented: add a and b"),
            "hints": 1, "at_ms": now,
        }],
    })
    .to_string()
}
