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
//!   later block (the reader back in the server's terminal) shows the end of its log.
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
//! - Blocks that show no output, or that run anything but lessons (curl, python3, another
//!   cargo package), are not run.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::course::{Course, Lesson};
use crate::common::ui;

/// How long a command may run, a server may take to listen, and to stop after Ctrl-C.
const TIME_LIMIT: Duration = Duration::from_secs(10);

/// What a block's lead-in paragraph says when its output is not compared.
const ABRIDGED: &str = "abridged";

/// The package of the development agent (`cargo run -p devconsul -- agent -dev`).
const AGENT_PACKAGE: &str = "devconsul";

/// The tools that chapters run as they run lessons: the development agent, and chapter 05's
/// `cargo run -p grpc-fast -- server`, the Greeter without tonic's server.
const TOOL_PACKAGES: [&str; 2] = [AGENT_PACKAGE, "grpc-fast"];

/// The host whose addresses are given free ports (and `localhost`, its name).
const LOOPBACK: &str = "127.0.0.1:";

mod agent;
mod compare;
mod jobs;
mod one;
mod parse;
mod ports;
mod reader;
mod services;

pub use one::run_one;

use agent::ChapterAgent;
use compare::{compare, short_diff, tidy};
use parse::{
    Kind, LessonRun, Step, cargo_commands, console_blocks, exports, kill_job, reads_a_file,
    starts_redis,
};
use ports::Ports;
use reader::Reader;
use services::ChapterServices;
use testkit::programs::find_on_path;

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
    pub not_lessons: usize,
    pub problems: Vec<Problem>,
    /// Services the chapter names that could not start here.
    pub missing: Vec<String>,
}
/// Reads one chapter and follows its transcripts.
async fn check_chapter(path: &Path, shown: &str, binaries: &HashMap<String, PathBuf>) -> Chapter {
    let mut chapter = Chapter {
        file: path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
        ..Chapter::default()
    };
    let Ok(markdown) = fs::read_to_string(path) else {
        return chapter;
    };
    let packages: Vec<String> = binaries.keys().cloned().collect();
    let scratch = std::env::temp_dir().join(format!(
        "workbook-transcripts-{}-{}",
        std::process::id(),
        chapter.file.trim_end_matches(".md")
    ));
    let _ = fs::remove_dir_all(&scratch);
    if let Err(err) = fs::create_dir_all(&scratch) {
        chapter.problems.push(Problem {
            location: shown.to_string(),
            command: None,
            message: format!("cannot make a scratch folder {}: {err}", scratch.display()),
            details: Vec::new(),
        });
        return chapter;
    }
    // What a chapter's commands read from the lesson's folder (definition files).
    copy_lesson_configs(path, &scratch);
    // curl as in a terminal: no progress meter.
    let _ = fs::write(scratch.join(".curlrc"), "no-progress-meter\n");
    let mut reader = Reader {
        binaries,
        scratch: scratch.clone(),
        ports: Ports::default(),
        servers: Vec::new(),
        options: HashMap::new(),
        agent_port: 8500,
        env: Vec::new(),
        jobs: Vec::new(),
    };
    // A reader of the Consul chapters has an agent running on 127.0.0.1:8500; the check
    // gives each chapter a fresh embedded one on a free port, shown as 8500 in the output.
    let agent = ChapterAgent::start().await;
    if let Some(agent) = &agent {
        reader.ports.real.insert(8500, agent.port);
    }
    // Chapters 09–11 also have a Redis and a three-member etcd cluster.
    let services = ChapterServices::start(&markdown).await;
    reader.env.extend(services.env.iter().cloned());
    reader.ports.real.extend(&services.ports);
    chapter.missing.clone_from(&services.missing);
    let problem = |line: usize, command: Option<&str>, message: &str| Problem {
        location: format!("{shown}:{line}"),
        command: command.map(String::from),
        message: message.to_string(),
        details: Vec::new(),
    };

    for block in console_blocks(&markdown) {
        let mut kind = block.kind(&packages);
        // A block that needs a tool this machine lacks is not run, and the row says so.
        let lacking: Vec<&str> = block
            .commands()
            .flat_map(parse::tools)
            .filter(|tool| find_on_path(tool).is_none())
            .collect();
        if kind == Kind::Compared && !lacking.is_empty() {
            for tool in lacking {
                if !chapter.missing.iter().any(|m| m == tool) {
                    chapter.missing.push(tool.to_string());
                }
            }
            kind = Kind::NotLesson;
        }
        match kind {
            Kind::Compared => chapter.compared += 1,
            Kind::Abridged => chapter.abridged += 1,
            Kind::CommandsOnly => chapter.commands_only += 1,
            Kind::NotLesson => {
                chapter.not_lessons += 1;
                // Its `… &` commands still hold bash's job numbers.
                for command in block.commands() {
                    reader.background_job(command);
                    if let Some((_, job)) = kill_job(command) {
                        reader.jobs.retain(|running| *running != job);
                    }
                }
                continue;
            }
        }
        let compared = kind == Kind::Compared;
        let mut server_logs = Vec::new();
        for step in &block.steps {
            match step {
                Step::Command { line, text, output } => {
                    if let Some(book_port) = starts_redis(text) {
                        // The chapter's own `redis-server --port N &`: the check's Redis
                        // stands in for it.
                        reader.background_job(text);
                        if let Some(real) = services.ports.get(&services::REDIS_BOOK_PORT) {
                            // Its port is the one the run's Redis stands for from now on.
                            reader.ports.real.retain(|_, used| used != real);
                            reader.ports.real.insert(book_port, *real);
                        }
                        continue;
                    }
                    if let Some(variables) = exports(text) {
                        reader.export(variables);
                        continue;
                    }
                    // A log is read only when a server the check runs wrote it: else
                    // the rest of the block is not run.
                    let unwritten = reads_a_file(text)
                        && text
                            .split_ascii_whitespace()
                            .last()
                            .is_some_and(|file| !scratch.join(file).is_file());
                    if unwritten {
                        if compared {
                            chapter.compared -= 1;
                            chapter.not_lessons += 1;
                        }
                        break;
                    }
                    if let Some((signal, job)) = kill_job(text) {
                        if let Err(message) = reader.kill_job(&signal, job).await {
                            chapter.problems.push(problem(*line, Some(text), &message));
                        }
                        continue;
                    }
                    let is_server = cargo_commands(text, &packages)
                        .iter()
                        .flatten()
                        .any(LessonRun::is_server);
                    if is_server {
                        match reader.start_server(*line, text).await {
                            Err(mut failed) => {
                                failed.location = format!("{shown}:{line}");
                                chapter.problems.push(failed);
                            }
                            // What the server's terminal shows is compared at the end of
                            // the block: the first lines of its log.
                            Ok(()) if compared && !tidy(output.iter().map(String::as_str)).is_empty() => {
                                server_logs.push((*line, text, output));
                            }
                            Ok(()) => {}
                        }
                    } else if compared {
                        let book = tidy(output.iter().map(String::as_str));
                        match reader.run(text).await {
                            Ok(printed) => {
                                if let Err(mismatch) = compare(&book, &tidy(printed.lines())) {
                                    chapter.problems.push(Problem {
                                        details: short_diff(&mismatch.diff, 12),
                                        ..problem(
                                            *line,
                                            Some(text),
                                            &format!(
                                                "prints something else from line {} on (- the book, + the run):",
                                                line + 1 + mismatch.at
                                            ),
                                        )
                                    });
                                }
                            }
                            // A binary that is not built is said once.
                            Err(message)
                                if chapter.problems.iter().any(|p| p.message == message) => {}
                            Err(message) => {
                                chapter.problems.push(problem(*line, Some(text), &message))
                            }
                        }
                    }
                }
                Step::CtrlC { line, log } => {
                    // What the one server shown in this block logs, from its start to its
                    // end, is compared once it has stopped.
                    let whole_log = match server_logs.as_slice() {
                        [_] if compared => server_logs.pop(),
                        _ => None,
                    };
                    // A server whose start an earlier block showed, alone in its terminal:
                    // what this block shows is the end of its log.
                    let foreground: Vec<usize> = reader
                        .servers
                        .iter()
                        .filter(|server| server.job.is_none())
                        .map(|server| server.line)
                        .collect();
                    let end_of_log = match foreground.as_slice() {
                        [started] if compared && whole_log.is_none() && server_logs.is_empty() => {
                            Some(*started)
                        }
                        _ => None,
                    };
                    if compared && whole_log.is_none() && end_of_log.is_none() && !log.is_empty() {
                        chapter.problems.push(problem(
                            *line,
                            None,
                            "what a server logs on Ctrl-C is compared for one server in the foreground: else say in the lead-in that it is abridged",
                        ));
                    }
                    if reader.servers.iter().all(|server| server.job.is_some()) {
                        chapter
                            .problems
                            .push(problem(*line, None, "Ctrl-C, but no server is running"));
                    }
                    for started in reader.interrupt().await {
                        chapter.problems.push(problem(
                            *line,
                            None,
                            &format!(
                                "the server started on line {started} did not stop within {} s of Ctrl-C",
                                TIME_LIMIT.as_secs()
                            ),
                        ));
                    }
                    if let Some(started) = end_of_log
                        && !log.is_empty()
                    {
                        // Whatever it logged before: `...`; then exactly what the block shows.
                        let book: Vec<&str> =
                            tidy(std::iter::once("...").chain(log.iter().map(String::as_str)));
                        if let Err(mismatch) = reader.server_log_matches(started, &book).await {
                            chapter.problems.push(Problem {
                                details: short_diff(&mismatch.diff, 12),
                                ..problem(
                                    *line,
                                    None,
                                    &format!("the server started on line {started} logs something else after Ctrl-C (- the book, + the run):"),
                                )
                            });
                        }
                    }
                    if let Some((started, text, output)) = whole_log {
                        let book: Vec<&str> = tidy(output.iter().chain(log).map(String::as_str));
                        if let Err(mismatch) = reader.server_log_matches(started, &book).await {
                            chapter
                                .problems
                                .push(log_differs(shown, started, text, &mismatch));
                        }
                    }
                }
                Step::Log { line } if compared => chapter.problems.push(problem(
                    *line,
                    None,
                    "lines that no command prints (a server's log?): say in the lead-in that they are abridged",
                )),
                Step::Log { .. } => {}
            }
        }
        for (line, text, output) in server_logs {
            let mut book = tidy(output.iter().map(String::as_str));
            book.push("...");
            if let Err(mismatch) = reader.server_log_matches(line, &book).await {
                chapter
                    .problems
                    .push(log_differs(shown, line, text, &mismatch));
            }
        }
    }
    reader.stop_servers().await;
    if let Some(agent) = agent {
        agent.stop().await;
    }
    services.stop();
    let _ = fs::remove_dir_all(&scratch);
    chapter
}

/// A server's log that differs from the lines the book shows under the command on `line`.
fn log_differs(shown: &str, line: usize, command: &str, mismatch: &compare::Mismatch) -> Problem {
    Problem {
        location: format!("{shown}:{line}"),
        command: Some(command.to_string()),
        message: format!(
            "the server logs something else from line {} on (- the book, + the run):",
            line + 1 + mismatch.at
        ),
        details: short_diff(&mismatch.diff, 12),
    }
}

/// Copies `lessons/NN-…/config/` of the chapter's lesson into the scratch folder, at the
/// same relative path, so that `-config-dir lessons/06-register/config` finds its files
/// and the files a chapter adds there stay out of the course.
fn copy_lesson_configs(chapter: &Path, scratch: &Path) {
    let (Some(stem), Some(src)) = (chapter.file_stem(), chapter.parent()) else {
        return;
    };
    let Some(root) = src.parent().and_then(Path::parent) else {
        return;
    };
    let relative = Path::new("lessons").join(stem).join("config");
    let Ok(entries) = fs::read_dir(root.join(&relative)) else {
        return;
    };
    if fs::create_dir_all(scratch.join(&relative)).is_err() {
        return;
    }
    for entry in entries.flatten() {
        let _ = fs::copy(
            entry.path(),
            scratch.join(&relative).join(entry.file_name()),
        );
    }
}

// ---------------------------------------------------------------------------------------
// The check, as `verify` runs it

/// Every chapter's transcripts, and how long the check took.
pub struct Transcripts {
    pub chapters: Vec<Chapter>,
    pub seconds: f64,
}

/// Checks the transcripts of the whole book, or with `only` of those lessons' chapters,
/// against the lesson binaries verify has built (`target/debug/lNN-…`).
pub async fn check(course: &Course, only: Option<&[&Lesson]>) -> Transcripts {
    let started = Instant::now();
    let lessons: Vec<&Lesson> = match only {
        Some(lessons) => lessons.to_vec(),
        None => course.lessons.iter().collect(),
    };
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(|dir| course.root.join(dir))
        .unwrap_or_else(|| course.root.join("target"));
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
    let mut build = std::process::Command::new("cargo");
    build.args(["build", "--quiet"]);
    for tool in TOOL_PACKAGES {
        build.args(["-p", tool]);
    }
    let _ = build.current_dir(&course.root).status();

    let src = course.root.join("book/src");
    let files: Vec<PathBuf> = match only {
        Some(_) => lessons
            .iter()
            .map(|lesson| src.join(lesson.chapter_file()))
            .collect(),
        None => {
            let mut files: Vec<PathBuf> = fs::read_dir(&src)
                .into_iter()
                .flatten()
                .flatten()
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
                .collect();
            files.sort();
            files
        }
    };
    let mut chapters = Vec::new();
    for file in files {
        let shown = course.relative(&file).display().to_string();
        chapters.push(check_chapter(&file, &shown, &binaries).await);
    }
    Transcripts {
        chapters,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// Prints a row per chapter that has transcripts, and what went wrong. Returns the
/// number of rows that passed and that failed.
pub fn print(transcripts: &Transcripts) -> (usize, usize) {
    let rows: Vec<&Chapter> = transcripts
        .chapters
        .iter()
        .filter(|c| {
            c.compared + c.abridged + c.commands_only + c.not_lessons > 0 || !c.problems.is_empty()
        })
        .collect();
    println!();
    println!(
        "{} {}",
        ui::bold("The book's transcripts"),
        ui::dim(&format!(
            "(commands run, output compared; {:.1} s)",
            transcripts.seconds
        ))
    );
    let width = rows.iter().map(|c| c.file.len()).max().unwrap_or(0);
    let mut failed = 0;
    for chapter in &rows {
        let mut counts = format!(
            "{} compared / {} abridged / {} not run",
            chapter.compared,
            chapter.abridged,
            chapter.commands_only + chapter.not_lessons
        );
        if !chapter.missing.is_empty() {
            counts.push_str(&format!(" (no {})", chapter.missing.join(", no ")));
        }
        if chapter.problems.is_empty() {
            println!("{} {:<width$}  {}", ui::pass_mark(), chapter.file, counts);
            continue;
        }
        failed += 1;
        println!(
            "{} {:<width$}  {counts}: {}",
            ui::fail_mark(),
            chapter.file,
            ui::red(&ui::plural(chapter.problems.len(), "problem"))
        );
        for problem in &chapter.problems {
            match &problem.command {
                Some(command) => println!("    {}  $ {command}", problem.location),
                None => println!("    {}", problem.location),
            }
            println!("      {}", ui::red(&problem.message));
            for line in &problem.details {
                println!("        {}", ui::dim(line));
            }
        }
    }
    let compared: usize = transcripts.chapters.iter().map(|c| c.compared).sum();
    let abridged: usize = transcripts.chapters.iter().map(|c| c.abridged).sum();
    let not_run: usize = transcripts
        .chapters
        .iter()
        .map(|c| c.commands_only + c.not_lessons)
        .sum();
    println!(
        "  {}",
        ui::dim(&format!(
            "{compared} compared; skipped: {} marked abridged; not run: {} of commands only or of other programs",
            ui::plural(abridged, "block"),
            ui::plural(not_run, "block"),
        ))
    );
    (rows.len() - failed, failed)
}
