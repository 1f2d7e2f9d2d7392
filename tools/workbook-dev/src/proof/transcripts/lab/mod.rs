//! The labs of Docker hosts some chapters drive, for the book's transcripts: chapter 14's
//! three hosts under Compose ([`compose`]), chapter 17's swarm of Docker Engines, each in a
//! container ([`swarm`]).
//!
//! A reader's lab has the book's names: its project (`l14`, `l17`), its network (10.14.0,
//! 10.17.0), the ports it publishes, its images. The check's lab has names of its own, so
//! that it runs beside a reader's lab and beside the lesson's own test of it, and what its
//! commands print is given the book's names back. What every lab does alike lives here;
//! what is one lab's own is its [`LabKind`]: its [`Facts`] (the book's names, the check's
//! stand-ins, how long its commands may take) and the few readings of a command line that
//! differ from lab to lab (which commands are the lab's, which only read, what runs for
//! them). How a chapter's commands are taken, in every lab:
//!
//! - `cargo build …` and the lab's `image` were done before the chapter (the images built
//!   from the programs verify built; Docker's cache, or the program's own check of its
//!   inputs, makes a second build of the same files take a moment), and are not run again.
//! - The lab's program (`cargo run … -p l14-deploy -- …`, as the chapter types it) runs as
//!   verify built it, pointed at the check's lab by its variables (`L14_PROJECT`, …), which
//!   win over the chapter's `export`s, or by its flags (`--project`, …); within the lab's time
//!   limit, minutes rather than the seconds of a lesson's command: a lab waits for its hosts,
//!   a swarm, a stack, the swarm's answer to a fault.
//! - A command that only reads what the lab holds runs again until it prints what the book
//!   shows, for up to the lab's patience: a lab changes on its own (a killed member is seen
//!   as failed after seconds).
//! - What a command prints is given the book's names: the project, the network's addresses,
//!   the images (and the book's ports, for a lab that publishes some on this machine).
//! - At the chapter's end the lab goes down (its program's `down`), whatever its commands
//!   left running, and what the program kept of it on this machine goes too. A lab an
//!   earlier check left up (killed before its chapter's end) is taken down before the
//!   chapter makes its own (`left_over.rs`).
//!
//! Where Docker is missing, or a program or an image cannot be made, the lab's blocks are
//! not run, and the chapter's row says why.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::process::Command;

use super::compare::{look_until, shows};
use super::reader::{Reader, shell_quote};

mod compose;
mod kind;
mod left_over;
mod swarm;
mod terminals;

pub(super) use kind::{LabKind, drives_a_lab, programs, takes};
use kind::{lab_of, program_args};
use terminals::Terminal;

/// The lab of a chapter that drives one.
pub(super) struct ChapterLab {
    kind: &'static dyn LabKind,
    project: String,
    /// The first three numbers of the check's network.
    subnet: String,
    /// Where the check publishes what the book publishes on its first port (the others on
    /// the ports after it); 0 for a lab that publishes none.
    first_port: u16,
    program: PathBuf,
    /// Servers started in a terminal of their own (`docker compose exec HOST etcd`).
    terminals: Vec<Terminal>,
    logs: PathBuf,
}

/// What a command on the lab printed, and whether it still runs (a server in its terminal).
pub(super) struct LabRun {
    pub(super) printed: String,
    pub(super) running: bool,
}

/// A lab for the chapter, or why there is none.
pub(super) enum Lab {
    Up(ChapterLab),
    /// The chapter drives a lab of this kind, and none can run here: why.
    Missing(String, &'static dyn LabKind),
    /// The chapter drives no lab.
    None,
}

impl ChapterLab {
    /// Picks the lab's names and builds its images, when the chapter drives a lab.
    pub(super) async fn start(
        markdown: &str,
        course_root: &Path,
        scratch: &Path,
        binaries: &HashMap<String, PathBuf>,
    ) -> Lab {
        let Some(kind) = lab_of(markdown) else {
            return Lab::None;
        };
        let facts = kind.facts();
        let missing = |why: String| Lab::Missing(why, kind);
        let docker = Command::new("docker")
            .args(["version", "--format", "{{.Server.Version}}"])
            .stdin(Stdio::null())
            .output()
            .await;
        match docker {
            Ok(out) if out.status.success() => {}
            _ => return missing("Docker (no daemon answers `docker version`)".into()),
        }
        let built = |package: &str| binaries.get(package).filter(|path| path.is_file());
        let mut programs = Vec::new();
        for (package, variable) in facts.image_programs {
            match built(package) {
                Some(path) => programs.push((*variable, path)),
                None => {
                    return missing(format!("{}'s lab ({package} is not built)", facts.package));
                }
            }
        }
        let Some(program) = built(facts.package) else {
            return missing(format!("{}'s lab (it is not built)", facts.package));
        };
        let pid = std::process::id();
        let (first_book_port, count) = facts.published;
        let lab = ChapterLab {
            kind,
            project: format!("{}{pid}", facts.project_prefix),
            subnet: format!("{}{}.{}", facts.subnet_start, pid % 10, pid / 10 % 10),
            first_port: if count > 0 {
                testkit::free_ports_in_a_row(count)
            } else {
                first_book_port
            },
            program: program.clone(),
            terminals: Vec::new(),
            logs: scratch.to_path_buf(),
        };
        let image = Command::new(program)
            .args(kind.flags(&lab))
            .arg("image")
            .args(facts.image_args)
            .envs(lab.env())
            .envs(programs)
            .stdin(Stdio::null())
            .output();
        match tokio::time::timeout(facts.limit, image).await {
            Ok(Ok(out)) if out.status.success() => {}
            Ok(Ok(out)) => {
                let said = String::from_utf8_lossy(&out.stderr);
                let last = said.lines().last().unwrap_or("it failed").to_string();
                return missing(format!("the lab's images ({last})"));
            }
            Ok(Err(error)) => return missing(format!("the lab's images ({error})")),
            Err(_) => return missing("the lab's images (not built in time)".to_string()),
        }
        lab.take_down_left_over().await;
        kind.prepare(course_root, scratch);
        Lab::Up(lab)
    }

    /// Whether this lab takes `command`.
    pub(super) fn takes(&self, command: &str) -> bool {
        takes(self.kind, command)
    }

    /// Whether a lesson's story ran `command` already: its program's run, one of the `ran`
    /// commands (`program ARGS…`, as the story said them, `testkit::ran`).
    pub(super) fn ran_by_story(&self, command: &str, ran: &[String]) -> bool {
        let package = self.kind.facts().package;
        let words: Vec<&str> = command.split_ascii_whitespace().collect();
        let Some(book) = program_args(&words, package) else {
            return false;
        };
        ran.iter().any(|line| {
            let words: Vec<&str> = line.split_ascii_whitespace().collect();
            words.split_first().is_some_and(|(program, args)| {
                *program == package && self.kind.same_run(book, args)
            })
        })
    }

    /// Whether there are `commands`, and a lesson's story ran every one ([`Self::ran_by_story`]).
    pub(super) fn all_ran_by_story<'c>(
        &self,
        commands: impl Iterator<Item = &'c str>,
        ran: &[String],
    ) -> bool {
        let mut commands = commands.peekable();
        commands.peek().is_some() && commands.all(|command| self.ran_by_story(command, ran))
    }

    /// Each port the book's lab publishes on this machine, with the check's for it.
    pub(super) fn published(&self) -> impl Iterator<Item = (u16, u16)> {
        let (book, count) = self.kind.facts().published;
        (0..count).map(move |offset| (book + offset, self.first_port + offset))
    }

    /// The variables every command of the chapter sees (the reader's shell has them): the
    /// lab's, which win over the chapter's exports.
    pub(super) fn env(&self) -> Vec<(String, String)> {
        let variables = self.kind.variables(self).into_iter();
        variables
            .map(|(name, value)| (name.to_string(), value))
            .collect()
    }

    /// Keeps the lab's variables after the chapter's `export`s.
    pub(super) fn pin(&self, env: &mut Vec<(String, String)>) {
        let own = self.env();
        env.retain(|(name, _)| !own.iter().any(|(mine, _)| mine == name));
        env.extend(own);
    }

    /// `text` with the book's names for the check's lab.
    fn as_in_book(&self, text: &str) -> String {
        let facts = self.kind.facts();
        let mut text = text.to_string();
        for (check, book) in facts.images {
            text = text.replace(check, book);
        }
        let subnet = format!("{}.", self.subnet);
        let text = text
            .replace(&subnet, &format!("{}.", facts.book_subnet))
            .replace(&self.project, facts.book_project);
        self.kind.as_in_book(text)
    }

    /// A script that runs the lab's program with the lab's flags after it.
    fn with_flags(&self, script: String) -> String {
        let flags = self.kind.flags(self);
        if flags.is_empty() {
            return script;
        }
        let program = shell_quote(&self.program.display().to_string());
        let flags: Vec<String> = flags.iter().map(|flag| shell_quote(flag)).collect();
        script.replace(&program, &format!("{program} {}", flags.join(" ")))
    }

    /// Runs a command the lab takes; `None` for one it passes over.
    pub(super) async fn run(
        &mut self,
        reader: &mut Reader<'_>,
        line: usize,
        command: &str,
        book: &[&str],
    ) -> Result<Option<LabRun>, String> {
        let words: Vec<&str> = command.split_ascii_whitespace().collect();
        if self.kind.passed_over(&words) {
            return Ok(None);
        }
        let script = match self.kind.script(self, command) {
            Some(script) => script,
            None => self.with_flags(reader.rewrite(command, false).await?),
        };
        if let Some((host, program)) = self.kind.server_in_a_terminal(&words) {
            return self
                .start_terminal(reader, line, &script, host, program, book)
                .await
                .map(Some);
        }
        let patience = if self.kind.only_reads(&words) {
            self.kind.facts().patience
        } else {
            Duration::ZERO
        };
        let limit = self.kind.limit(&words);
        let run = async || {
            let printed = reader.run_to_end(&script, limit).await;
            printed.map(|printed| self.as_in_book(&printed))
        };
        let every = Duration::from_millis(250);
        let printed = look_until(patience, every, run, |printed| shows(book, printed)).await?;
        Ok(Some(LabRun {
            printed,
            running: false,
        }))
    }

    /// Takes the lab down, with whatever runs on it, and what the program kept of it.
    pub(super) async fn stop(mut self) {
        let facts = self.kind.facts();
        let down = Command::new(&self.program)
            .args(self.kind.flags(&self))
            .arg("down")
            .envs(self.env())
            .stdin(Stdio::null())
            .kill_on_drop(true)
            .output();
        let _ = tokio::time::timeout(facts.limit, down).await;
        for terminal in &mut self.terminals {
            let _ = terminal.child.kill().await;
        }
        // `target/l14-lab/PROJECT`, beside `target/debug/l14-deploy`.
        if let Some(target) = self.program.parent().and_then(Path::parent) {
            let _ = fs::remove_dir_all(target.join(facts.kept).join(&self.project));
        }
    }
}

#[cfg(test)]
mod tests;
