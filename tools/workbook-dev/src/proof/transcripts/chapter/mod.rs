//! One chapter, followed as a reader would: its console blocks in order, its servers
//! started and stopped, each command's output compared with the book's (see `mod.rs` for
//! how a block is read).
//!
//! - this file: what runs beside the reader's terminal (the chapter's agent, its services,
//!   its lab), and each block, taken or passed over;
//! - `steps.rs`: what each step of a block does: a command, and a Ctrl-C.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use programs::find_on_path;

use super::compare::{self, short_diff, tidy};
use super::lab::{self, ChapterLab, Lab, LabKind};
use super::parse::{Block, Kind, Step, console_blocks, kill_job};
use super::ports::Ports;
use super::reader::Reader;
use super::services::ChapterServices;
use super::{Chapter, Problem, parse};

mod steps;

/// Reads one chapter and follows its transcripts.
///
/// `ran`: the lab commands a lesson's story ran already, in this build (`testkit::ran`); a
/// block of commands, no output shown, that are all among them is not run again.
pub(super) async fn check_chapter(
    path: &Path,
    shown: &str,
    binaries: &HashMap<String, PathBuf>,
    ran: &[String],
) -> Chapter {
    let chapter = Chapter {
        file: path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
        ..Chapter::default()
    };
    let Ok(markdown) = fs::read_to_string(path) else {
        return chapter;
    };
    let mut follow = match Follow::start(path, shown, &markdown, binaries, ran, chapter).await {
        Ok(follow) => follow,
        Err(chapter) => return chapter,
    };
    for block in console_blocks(&markdown) {
        follow.block(&block).await;
    }
    follow.stop().await
}

/// A chapter being followed: the reader's terminal, what runs beside it, and what the check
/// has found so far.
struct Follow<'a> {
    /// The chapter as a problem names it (`book/src/05-grpc.md`).
    shown: &'a str,
    /// The packages verify built, which a chapter's `cargo run -p` may name.
    packages: Vec<String>,
    reader: Reader<'a>,
    /// The chapter's own Consul agent: the embedded one (tools/devconsul) on a free port.
    agent: Option<devconsul::Agent>,
    services: ChapterServices,
    lab: Option<ChapterLab>,
    /// The chapter drives a lab of this kind, and none can run here.
    lab_missing: Option<&'static dyn LabKind>,
    /// The lab commands a lesson's story ran already.
    ran: &'a [String],
    chapter: Chapter,
}

/// What the steps of one block share as they are followed.
struct BlockRun<'b> {
    kind: Kind,
    /// The servers this block started whose first lines it shows, with their command and
    /// those lines: compared at the block's end, or whole at its Ctrl-C.
    server_logs: Vec<(usize, &'b str, &'b [String])>,
    /// The command above is a lesson's, in the foreground, and no server: a Ctrl-C next
    /// stops it (a NATS subscriber), not a server of an earlier block.
    client_in_foreground: bool,
}

impl BlockRun<'_> {
    fn compared(&self) -> bool {
        self.kind == Kind::Compared
    }
}

impl<'a> Follow<'a> {
    /// Makes the chapter's scratch folder, and starts what a reader of it has running: the
    /// agent, the services it names, its lab. `Err` is the chapter with the problem that
    /// stopped it.
    async fn start(
        path: &Path,
        shown: &'a str,
        markdown: &str,
        binaries: &'a HashMap<String, PathBuf>,
        ran: &'a [String],
        mut chapter: Chapter,
    ) -> Result<Follow<'a>, Chapter> {
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
            return Err(chapter);
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
        // Where it does not start, the Consul chapters' programs find none, and their
        // transcripts say so.
        let config = devconsul::Config {
            http_addr: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            ui: false,
            ..Default::default()
        };
        let agent = devconsul::Agent::start(config).await.ok();
        if let Some(agent) = &agent {
            reader.ports.real.insert(8500, agent.http_addr().port());
        }
        // Chapters 09–11 also have a Redis and a three-member etcd cluster.
        let services = ChapterServices::start(markdown).await;
        reader.env.extend(services.env.iter().cloned());
        reader.ports.real.extend(&services.ports);
        chapter.missing.clone_from(&services.missing);
        // Chapter 14 drives a lab of three hosts in Docker, chapter 17 a swarm.
        let course_root = path.parent().and_then(Path::parent).and_then(Path::parent);
        let course_root = course_root.unwrap_or(path);
        let (lab, lab_missing) =
            match ChapterLab::start(markdown, course_root, &scratch, binaries).await {
                Lab::Up(lab) => {
                    reader.env.extend(lab.env());
                    reader.ports.real.extend(lab.published());
                    (Some(lab), None)
                }
                Lab::Missing(why, kind) => {
                    chapter.missing.push(why);
                    (None, Some(kind))
                }
                Lab::None => (None, None),
            };
        Ok(Follow {
            shown,
            packages: binaries.keys().cloned().collect(),
            reader,
            agent,
            services,
            lab,
            lab_missing,
            ran,
            chapter,
        })
    }

    /// Follows one block: decides what kind it is, then takes its steps in order.
    async fn block(&mut self, block: &Block) {
        let kind = self.kind_of(block);
        match kind {
            Kind::Compared => self.chapter.compared += 1,
            Kind::Abridged => self.chapter.abridged += 1,
            Kind::CommandsOnly => {
                self.chapter.commands_only += 1;
                if self.ran_by_story(block) {
                    self.chapter.ran_by_story += 1;
                    return;
                }
            }
            Kind::NotLesson => {
                self.chapter.not_lessons += 1;
                // Its `… &` commands still hold bash's job numbers.
                for command in block.commands() {
                    self.reader.background_job(command);
                    if let Some((_, job)) = kill_job(command) {
                        self.reader.jobs.retain(|running| *running != job);
                    }
                }
                return;
            }
        }
        let mut run = BlockRun {
            kind,
            server_logs: Vec::new(),
            client_in_foreground: false,
        };
        for step in &block.steps {
            match step {
                Step::Command { line, text, output } => {
                    if self.command(&mut run, *line, text, output).await.is_break() {
                        break;
                    }
                }
                Step::CtrlC { .. } if run.client_in_foreground => {
                    run.client_in_foreground = false;
                }
                // Back in the terminal of a server on the lab.
                Step::CtrlC { line, .. }
                    if self.lab.as_mut().is_some_and(ChapterLab::has_a_terminal) =>
                {
                    if let Some(lab) = self.lab.as_mut()
                        && let Err(message) = lab.interrupt(&self.reader).await
                    {
                        self.problem(*line, None, &message);
                    }
                }
                Step::CtrlC { line, before, log } => {
                    self.ctrl_c(&mut run, *line, before, log).await;
                }
                Step::Log { line, .. } if run.compared() => self.problem(
                    *line,
                    None,
                    "lines that no command prints (a server's log?): say in the lead-in that they are abridged",
                ),
                Step::Log { .. } => {}
            }
        }
        // The servers still running: the start of each one's log.
        for (line, text, output) in run.server_logs {
            let mut book = tidy(output.iter().map(String::as_str));
            book.push("...");
            if let Err(mismatch) = self.reader.server_log_matches(line, &book).await {
                self.differs(line, text, "the server logs", &mismatch);
            }
        }
    }

    /// Whether every command of `block` is one of the lab's that a lesson's story ran.
    fn ran_by_story(&self, block: &Block) -> bool {
        self.lab
            .as_ref()
            .is_some_and(|lab| lab.all_ran_by_story(block.commands(), self.ran))
    }

    /// What the check does with a block, here: a block that drives a lab that cannot run,
    /// or that needs a tool this machine lacks, is not run, and the row says why.
    fn kind_of(&mut self, block: &Block) -> Kind {
        let lab = self.lab.as_ref();
        let kind = block.kind(&self.packages, |command| {
            lab.is_some_and(|lab| lab.takes(command))
        });
        if let Some(missing) = self.lab_missing
            && block.commands().any(|command| lab::takes(missing, command))
        {
            return Kind::NotLesson;
        }
        let lacking: Vec<&str> = block
            .commands()
            .flat_map(parse::tools)
            .filter(|tool| find_on_path(tool).is_none())
            .collect();
        if kind == Kind::Compared && !lacking.is_empty() {
            for tool in lacking {
                if !self.chapter.missing.iter().any(|m| m == tool) {
                    self.chapter.missing.push(tool.to_string());
                }
            }
            return Kind::NotLesson;
        }
        kind
    }

    /// Stops everything the chapter left running, and says what was found.
    async fn stop(mut self) -> Chapter {
        self.reader.stop_servers().await;
        if let Some(lab) = self.lab {
            lab.stop().await;
        }
        if let Some(agent) = self.agent {
            agent.shutdown().await;
        }
        // Redis, etcd and NATS are killed, their data deleted.
        drop(self.services);
        let _ = fs::remove_dir_all(&self.reader.scratch);
        self.chapter
    }

    /// Something wrong on the chapter's `line`, with the command that went wrong.
    fn problem(&mut self, line: usize, command: Option<&str>, message: &str) {
        self.chapter.problems.push(Problem {
            location: format!("{}:{line}", self.shown),
            command: command.map(String::from),
            message: message.to_string(),
            details: Vec::new(),
        });
    }

    /// What the command on `line` printed (`who`: "prints"), or the log of the server it
    /// started ("the server logs"), differs from what the book shows under it.
    fn differs(&mut self, line: usize, command: &str, who: &str, mismatch: &compare::Mismatch) {
        self.chapter.problems.push(Problem {
            location: format!("{}:{line}", self.shown),
            command: Some(command.to_string()),
            message: format!(
                "{who} something else from line {} on (- the book, + the run):",
                line + 1 + mismatch.at
            ),
            details: short_diff(&mismatch.diff, 12),
        });
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
