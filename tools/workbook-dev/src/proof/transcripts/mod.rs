//! The book's transcripts, checked against real runs.
//!
//! A chapter's "Run it" section shows commands and what they print. Nothing kept those
//! outputs true: a changed help text or error message left the book behind, unnoticed.
//! `verify` follows every chapter as a reader would, runs the lesson binaries it shows, and
//! compares what they print with what the book says.
//!
//! How a ```console block is read:
//!
//! - `$ …` lines are commands; the lines under one are what it prints, stdout and stderr
//!   together, as a terminal shows them. In those lines `[..]` stands for any text within
//!   a line, and a line `...` for any number of lines.
//! - `cargo run -p lNN-… -- ARGS` runs the lesson's binary as verify built it (and
//!   `cargo run -p PACKAGE` of a tool in [`TOOL_PACKAGES`], that tool's). Each option
//!   of the subcommand whose default is a loopback address (`--addr`, read from its
//!   `--help`) gets a free port instead, and the output gets the book's address back.
//!   Commands run in bash, in a scratch folder of the chapter's own.
//! - A `server` (or `…-server`, `api`, or devconsul's `agent`) subcommand starts a server, as in
//!   the reader's first terminal: in the background, until a line that starts with `^C`
//!   (Ctrl-C in that terminal), `kill [-SIGNAL] %N` (its job number, as bash counts `&`
//!   commands) or the end of the chapter. The commands after it talk to it. The lines
//!   shown under it are the start of its log, compared at the end of the block; with the
//!   lines of a `^C` after it, its whole log, compared once it has stopped. A `^C` in a
//!   later block (the reader back in the server's terminal) shows the end of its log, and
//!   lines above it in that block what it printed meanwhile (one terminal per block). A
//!   `^C` right under a lesson command that is no server (a NATS subscriber, which listens
//!   on no port) stops that command, in its own terminal, and no server. A server is
//!   waited for until it listens where its own options say (`--addr`, `--http-port`,
//!   etcd's `--listen-client-urls` and `--listen-peer-urls`); any other address on its
//!   command line (`--etcd 127.0.0.1:2379`) is one it calls.
//! - Beside the Consul agent (8500 in the book), a chapter that names Redis gets one
//!   (6379, `REDIS_URL`; a `redis-server --port N &` of the chapter is this one), one that
//!   names etcd a three-member cluster (2379, 3379, 4379). curl, jq, etcdctl and
//!   redis-cli run where installed (else their blocks are not run, and the row says so). `export NAME=VALUE` holds for the
//!   commands after it; `cat`/`tail -n N` read the logs of servers started with `> FILE`,
//!   which begin with cargo's `Finished`/`Running` lines, as with `cargo run`.
//! - Timestamps and cargo's build time match whatever a run prints in their place, and
//!   instance ids (`greeter-localhost-7006`) carry the book's ports.
//! - A block whose lead-in paragraph says "abridged" is not compared: what a run cannot
//!   repeat (the moment a reader acts, a random pick), or lines left out. The lead-in says
//!   why. Its servers start and its `^C` stops them all the same.
//! - A chapter that drives a lab of Docker hosts gets a lab of its own: 14's three hosts
//!   under `docker compose`, 17's swarm made by `l17-orchestrate up`. It has another project,
//!   network, images and ports than the reader's, its program is pointed at it, its commands
//!   may take minutes, and what they print gets the book's names back; its images are built
//!   before the chapter and it goes down at the chapter's end (see `lab/mod.rs` for how its
//!   commands are taken, `lab/compose.rs` and `lab/swarm.rs` for each lab's own). Where
//!   Docker is missing, those blocks are not run, and the row says so.
//! - A block that shows no output starts its servers, and in a lab chapter runs the lab's
//!   commands (each must succeed: chapter 17's faults, one after the other); nothing is
//!   compared. Where a lesson's story ran every one of its lab commands already (lesson
//!   17's swarm story runs each fault the chapter lists, under load, and says so on its
//!   output: `testkit::ran`), as a passing test of a report verify is given says (verify's
//!   `--story-from`, `--solutions-from`: the test command's, which it empties before the
//!   run, so they are this build's), the block is not run again on the check's lab, and the
//!   row says so. A node the book names (`worker-2`) stands for any node of its role there. Blocks that run
//!   anything but lessons (curl, python3, another cargo package) are not run.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use workbook_core::course::{Course, Lesson};

/// How long a command may run, a server may take to listen, and to stop after Ctrl-C.
const TIME_LIMIT: Duration = Duration::from_secs(10);

/// What a block's lead-in paragraph says when its output is not compared.
const ABRIDGED: &str = "abridged";

/// The package of the development agent (`cargo run -p devconsul -- agent -dev`).
const AGENT_PACKAGE: &str = "devconsul";

/// The tools that chapters run as they run lessons: the development agent, and chapter 05's
/// `cargo run -p grpc-fast -- server`, the Greeter without tonic's server.
const TOOL_PACKAGES: [&str; 2] = [AGENT_PACKAGE, "grpc-fast"];

/// Set by `scripts/test.sh`, whose build made the tools' binaries with the workspace's.
const TOOLS_BUILT: &str = "TOOLS_BUILT_WITH_THE_WORKSPACE";

/// The host whose addresses are given free ports (and `localhost`, its name).
const LOOPBACK: &str = "127.0.0.1:";

mod ahead;
mod chapter;
mod compare;
mod jobs;
mod lab;
mod one;
mod parse;
mod ports;
mod reader;
mod report;
mod services;

pub use ahead::{LabsAhead, labs_ahead};
pub use one::run_one;
pub use report::print;

use chapter::check_chapter;

// ---------------------------------------------------------------------------------------
// Running a chapter

/// Something wrong with a chapter's transcripts.
#[derive(Debug)]
pub struct Problem {
    /// `book/src/04-protobuf.md:54`.
    pub location: String,
    /// The command as the book shows it, when a command went wrong.
    pub command: Option<String>,
    pub message: String,
    /// A short diff, or the end of a server's log.
    pub details: Vec<String>,
}

/// How one chapter's transcripts went.
#[derive(Debug, Default)]
pub struct Chapter {
    /// `04-protobuf.md`.
    pub file: String,
    pub compared: usize,
    pub abridged: usize,
    pub commands_only: usize,
    /// Of the blocks with no output shown, those a lesson's story ran (not run again).
    pub ran_by_story: usize,
    pub not_lessons: usize,
    pub problems: Vec<Problem>,
    /// Services the chapter names that could not start here.
    pub missing: Vec<String>,
}
// ---------------------------------------------------------------------------------------
// The check, as `verify` runs it

/// Every chapter's transcripts, and how long the check took.
pub struct Transcripts {
    pub chapters: Vec<Chapter>,
    pub seconds: f64,
}

/// Checks the transcripts of the whole book, or with `only` of those lessons' chapters,
/// against the lesson binaries verify has built (`target/debug/lNN-…`). The lab chapters
/// are left to `labs` where they were started ahead ([`labs_ahead`]), and their rows taken
/// from it; else followed here, where `ran` are the lab commands a lesson's story ran.
pub async fn check(
    course: &Course,
    only: Option<&[&Lesson]>,
    labs: Option<LabsAhead>,
    ran: &[String],
) -> Transcripts {
    let started = Instant::now();
    let binaries = binaries(course);
    let src = course.root.join("book/src");
    let files: Vec<PathBuf> = match only {
        Some(lessons) => lessons
            .iter()
            .map(|lesson| src.join(lesson.chapter_file()))
            .collect(),
        None => crate::proof::bookcheck::markdown_files(&src),
    };
    // A chapter's programs spend most of their time waiting (for a port, an answer, a
    // timeout), and each chapter has its own folder, ports and services: so chapters are
    // followed two at a time, and a chapter that drives a lab, which mostly waits for Docker,
    // beside them.
    let (mut lab_files, others) = lab_chapters(files);
    if labs.is_some() {
        lab_files.clear();
    }
    let others = Mutex::new(others.into_iter());
    let lab_files = Mutex::new(lab_files.into_iter());
    let (mut chapters, more_chapters, lab_chapters) = tokio::join!(
        follow(&others, course, &binaries, &[]),
        follow(&others, course, &binaries, &[]),
        follow(&lab_files, course, &binaries, ran)
    );
    chapters.extend(more_chapters);
    chapters.extend(lab_chapters);
    if let Some(labs) = labs {
        chapters.extend(labs.rows.await.unwrap_or_else(|_| {
            // Its thread ended without a result: a panic, which printed its message.
            vec![Chapter {
                file: "the lab chapters".to_string(),
                problems: vec![Problem {
                    location: "book/src".to_string(),
                    command: None,
                    message: "their check ended without a result (its panic is above)".to_string(),
                    details: Vec::new(),
                }],
                ..Chapter::default()
            }]
        }));
    }
    chapters.sort_by(|a, b| a.file.cmp(&b.file));
    Transcripts {
        chapters,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// The chapters that drive a lab, and the others.
fn lab_chapters(files: Vec<PathBuf>) -> (Vec<PathBuf>, Vec<PathBuf>) {
    files
        .into_iter()
        .partition(|file| fs::read_to_string(file).is_ok_and(|text| lab::drives_a_lab(&text)))
}

/// Where each program a chapter runs is: the lessons', and the tools' (built here first
/// where the test script has not just built them).
fn binaries(course: &Course) -> HashMap<String, PathBuf> {
    let target = course.target_dir();
    // The lessons, and the tools chapters start themselves (the Consul chapters' agent).
    // Every lesson: a chapter may run an earlier lesson's server (10 runs 09's).
    let binaries: HashMap<String, PathBuf> = course
        .lessons
        .iter()
        .map(|lesson| lesson.package.as_str())
        .chain(TOOL_PACKAGES)
        .map(|package| {
            let file = format!("{package}{}", std::env::consts::EXE_SUFFIX);
            (package.to_string(), target.join("debug").join(file))
        })
        .collect();

    // The tools are no lessons, and verify's builds leave them out: they are built here
    // (nothing to do when they are up to date), so that no binary older than its source runs.
    // Built alone, they get the features these two packages ask for, not those of the whole
    // workspace, and half a dozen crates under them are compiled again. The test script has
    // just built every target of the workspace, these two among them, and says so with
    // TOOLS_BUILT_WITH_THE_WORKSPACE: then they run as they are.
    let mut build = std::process::Command::new("cargo");
    build.args(["build", "--quiet"]);
    // (Those the course has: a course made for a test may have none.)
    let tools: Vec<&str> = TOOL_PACKAGES
        .into_iter()
        .filter(|tool| course.root.join("tools").join(tool).is_dir())
        .collect();
    for tool in &tools {
        build.args(["-p", tool]);
    }
    let built_already = std::env::var_os(TOOLS_BUILT).is_some();
    if !tools.is_empty() && !built_already {
        let _ = build.current_dir(&course.root).status();
    }
    binaries
}

/// Follows the chapters left in `queue`, one after another, until none is left; `ran`, the
/// lab commands a lesson's story ran already ([`check_chapter`]).
async fn follow(
    queue: &Mutex<std::vec::IntoIter<PathBuf>>,
    course: &Course,
    binaries: &HashMap<String, PathBuf>,
    ran: &[String],
) -> Vec<Chapter> {
    let mut chapters = Vec::new();
    loop {
        let next = queue.lock().expect("no panic holds the queue").next();
        let Some(file) = next else {
            return chapters;
        };
        let shown = course.relative(&file).display().to_string();
        chapters.push(check_chapter(&file, &shown, binaries, ran).await);
    }
}
