//! A class, live: `class serve` run as a teacher runs it (a process, checked from outside),
//! learners joining it and sending verdicts, as `class join` and `check` do.
//!
//! - `server.rs`: what the server keeps (through a `kill -9` and a restart), both tokens,
//!   and each bad input refused with its reason;
//! - `learner.rs`: a learner's checks reach the page, and a server that is down, slow or
//!   gone never holds a check up;
//! - `mirror.rs`: the room's mirror (`--mirror`), asked as cargo and git ask it;
//! - `mirror_missing.rs`: what the mirror says of a crate it does not serve (the teacher's
//!   cache lacks it, or the course locks another version), and asks nothing of the Internet;
//! - `mirror_offline.rs`: a laptop with Rust alone, reaching nothing but the teacher's
//!   machine, from nothing to a first verdict;
//! - `mirror_room.rs`: thirty learners fetching every crate at once, the class live;
//! - `mirror_served.rs`: a learner's clone and the book hold the teacher's branch as
//!   committed, and nothing else of the teacher's repository;
//! - `page.rs`: the dashboard in headless Chromium, in both languages, at a projector's
//!   sizes, trying and stuck;
//! - `buttons.rs`: the roster's buttons on the page, each clicked;
//! - `file.rs`: a stopped class is its database's file alone, and `class backup` copies
//!   it while verdicts come in;
//! - `fit.rs`: the wall at every width and zoom, nothing sideways and the stuck list in
//!   view, and read from the back of the room at 1024×768;
//! - `race.rs`: two senders at once leave no verdict queued;
//! - `reading.rs`: a learner who opened `watch` on an untouched exercise is not stuck;
//! - `renamed.rs`: a rename, a merge and a join under another name, as the learner's runner
//!   meets them;
//! - `room.rs`: a machine in the room flooding joins or holding connections;
//! - `roster.rs`: the teacher's changes to the roster from the command line;
//! - `running.rs`: the class server as a process, and what the tests ask it;
//! - `wall.rs`: the room of thirty printed on A4, and the instructor guide's pictures of
//!   it;
//! - `thirty.rs`: a room of thirty on a lesson of the course, as the wall shows it;
//! - `told.rs`: what a learner is told of their place in the class (in already, removed,
//!   joined from another copy);
//! - `walk.rs`: a teacher's walk through a class of thirty, a flood and a `kill -9`.

use std::io::Read;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::fixture::Course;

mod buttons;
mod file;
mod fit;
mod learner;
mod mirror;
mod mirror_missing;
mod mirror_offline;
mod mirror_room;
mod mirror_served;
mod page;
mod race;
mod reading;
mod renamed;
mod room;
mod roster;
mod running;
mod server;
mod thirty;
mod told;
mod walk;
mod wall;

pub use running::Running;

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
