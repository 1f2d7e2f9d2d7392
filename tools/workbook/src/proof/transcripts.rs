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
//! - `cargo run -p lNN-… -- ARGS` runs the lesson's binary as verify built it. Each option
//!   of the subcommand whose default is a loopback address (`--addr`, read from its
//!   `--help`) gets a free port instead, and the output gets the book's address back.
//!   Commands run in bash, in a scratch folder of the chapter's own.
//! - A `server` (or `…-server`) subcommand starts a server, as in the reader's first
//!   terminal: in the background, until a line that starts with `^C` (Ctrl-C in that
//!   terminal) or the end of the chapter. The commands after it talk to it.
//! - A block whose lead-in paragraph says "abridged" is not compared: a server's log has
//!   times and ports of its own. Its servers start and its `^C` stops them all the same.
//! - Blocks that show no output, or that run anything but lessons (curl, python3, another
//!   cargo package), are not run.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::net::TcpStream;
use tokio::process::{Child, Command};

use crate::common::cargo;
use crate::common::course::{Course, Lesson};
use crate::common::ui;

/// How long a command may run, a server may take to listen, and to stop after Ctrl-C.
const TIME_LIMIT: Duration = Duration::from_secs(10);

/// What a block's lead-in paragraph says when its output is not compared.
const ABRIDGED: &str = "abridged";

/// The host whose addresses are given free ports (and `localhost`, its name).
const LOOPBACK: &str = "127.0.0.1:";

// ---------------------------------------------------------------------------------------
// Reading the book

/// One ```console block of a chapter.
#[derive(Debug, Default)]
struct Block {
    /// Its lead-in paragraph says "abridged".
    abridged: bool,
    steps: Vec<Step>,
}

/// A line of a block that does something, in the order the reader meets them.
#[derive(Debug, PartialEq)]
enum Step {
    /// `$ text` (line numbers from 1), and the lines shown under it.
    Command {
        line: usize,
        text: String,
        output: Vec<String>,
    },
    /// A line starting with `^C`: Ctrl-C in the server's terminal. The lines after it, up
    /// to the next command, are the server's log.
    CtrlC { line: usize },
    /// Lines before any command: a log.
    Log { line: usize },
}

/// What the check does with a block.
#[derive(Debug, PartialEq, Eq)]
enum Kind {
    /// Its commands run and their output is compared.
    Compared,
    /// Marked abridged: its servers start and its `^C` stops them; nothing is compared.
    Abridged,
    /// Commands to type, no output shown: its servers start, nothing else runs.
    CommandsOnly,
    /// It runs something other than lessons: not run at all.
    NotLesson,
}

/// The ```console blocks of a chapter.
fn console_blocks(markdown: &str) -> Vec<Block> {
    let lines: Vec<&str> = markdown.lines().collect();
    let is_fence = |line: &str| line.trim_start().starts_with("```");
    let mut blocks = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        if !is_fence(lines[index]) {
            index += 1;
            continue;
        }
        let fence = index;
        let is_console = lines[fence].trim().trim_start_matches('`') == "console";
        index += 1;
        while index < lines.len() && !is_fence(lines[index]) {
            index += 1;
        }
        if is_console {
            // The paragraph above the block, which introduces it.
            let lead_in = lines[..fence]
                .iter()
                .rev()
                .skip_while(|line| line.trim().is_empty())
                .take_while(|line| !line.trim().is_empty() && !is_fence(line));
            let mut block = Block {
                abridged: lead_in.into_iter().any(|line| line.contains(ABRIDGED)),
                steps: Vec::new(),
            };
            // A block in a list item is indented as deep as its fence.
            let indent = lines[fence].len() - lines[fence].trim_start().len();
            for (offset, text) in lines[fence + 1..index].iter().enumerate() {
                let unindented = text
                    .get(indent..)
                    .filter(|_| text[..indent].trim().is_empty());
                // `fence` counts from 0; line numbers count from 1.
                block.read_line(fence + 2 + offset, unindented.unwrap_or(text.trim_start()));
            }
            blocks.push(block);
        }
        index += 1;
    }
    blocks
}

impl Block {
    fn read_line(&mut self, line: usize, text: &str) {
        if let Some(command) = text.strip_prefix("$ ") {
            self.steps.push(Step::Command {
                line,
                text: command.trim().to_string(),
                output: Vec::new(),
            });
        } else if text.starts_with("^C") {
            self.steps.push(Step::CtrlC { line });
        } else {
            match self.steps.last_mut() {
                Some(Step::Command { output, .. }) => output.push(text.to_string()),
                Some(_) => {} // more of a log
                None => self.steps.push(Step::Log { line }),
            }
        }
    }

    fn commands(&self) -> impl Iterator<Item = &str> {
        self.steps.iter().filter_map(|step| match step {
            Step::Command { text, .. } => Some(text.as_str()),
            _ => None,
        })
    }

    fn kind(&self, packages: &[String]) -> Kind {
        let runs: Vec<Option<LessonRun>> = self
            .commands()
            .flat_map(|command| cargo_commands(command, packages))
            .collect();
        let has_commands = self.commands().next().is_some();
        if has_commands && (runs.is_empty() || runs.iter().any(Option::is_none)) {
            return Kind::NotLesson;
        }
        if self.abridged {
            return Kind::Abridged;
        }
        let shows_output = self.steps.iter().any(|step| match step {
            Step::Command { output, .. } => output.iter().any(|line| !line.trim().is_empty()),
            _ => true,
        });
        if shows_output {
            Kind::Compared
        } else {
            Kind::CommandsOnly
        }
    }
}

/// `cargo run -p PACKAGE [-- SUBCOMMAND …]` of a lesson, found in a command line.
#[derive(Debug, PartialEq, Eq)]
struct LessonRun {
    /// Where `cargo run -p PACKAGE [--]` stands in the line.
    start: usize,
    end: usize,
    package: String,
    /// The first argument after `--` when it is a word (`server`, `client`, …), and where
    /// it ends in the line.
    subcommand: Option<(String, usize)>,
}

impl LessonRun {
    fn is_server(&self) -> bool {
        self.subcommand
            .as_ref()
            .is_some_and(|(name, _)| name == "server" || name.ends_with("-server"))
    }
}

/// Every `cargo` in a command line: a lesson run, or `None` for any other cargo command.
fn cargo_commands(command: &str, packages: &[String]) -> Vec<Option<LessonRun>> {
    let words: Vec<(usize, &str)> = command
        .split_ascii_whitespace()
        .map(|word| (word.as_ptr() as usize - command.as_ptr() as usize, word))
        .collect();
    let word = |index: usize| words.get(index).map_or("", |(_, word)| *word);
    let end_of = |index: usize| words[index].0 + words[index].1.len();
    let mut found = Vec::new();
    for (index, &(start, _)) in words.iter().enumerate() {
        if word(index) != "cargo" {
            continue;
        }
        let package = word(index + 3);
        if word(index + 1) != "run"
            || word(index + 2) != "-p"
            || !packages.iter().any(|p| p == package)
        {
            found.push(None);
            continue;
        }
        let (end, subcommand) = if word(index + 4) == "--" {
            let name = word(index + 5);
            let is_word = name.starts_with(|c: char| c.is_ascii_alphabetic());
            (
                end_of(index + 4),
                is_word.then(|| (name.to_string(), end_of(index + 5))),
            )
        } else {
            (end_of(index + 3), None)
        };
        found.push(Some(LessonRun {
            start,
            end,
            package: package.to_string(),
            subcommand,
        }));
    }
    found
}

/// The options in a `--help` whose default is a loopback address, with its port:
/// `("--addr", 7003)`. clap prints the default after the option's help, on its line or a
/// later one.
fn loopback_defaults(help: &str) -> Vec<(String, u16)> {
    const DEFAULT: &str = "[default: 127.0.0.1:";
    let mut found = Vec::new();
    let mut option = None;
    for line in help.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with('-') {
            option = trimmed
                .split([' ', ','])
                .find(|word| word.starts_with("--"))
                .map(String::from);
        }
        if let (Some(option), Some(at)) = (&option, line.find(DEFAULT)) {
            let digits: String = line[at + DEFAULT.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(port) = digits.parse() {
                found.push((option.clone(), port));
            }
        }
    }
    found
}

/// Rewrites the port of every `127.0.0.1:PORT` in `text` through `map`.
fn map_ports(text: &str, mut map: impl FnMut(u16) -> u16) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // The next `127.0.0.1:` or `localhost:` (how the Consul lessons advertise themselves).
    let next_host = |text: &str| {
        [LOOPBACK, "localhost:"]
            .iter()
            .filter_map(|host| text.find(host).map(|at| (at, host.len())))
            .min()
    };
    while let Some((at, len)) = next_host(rest) {
        let after = &rest[at + len..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        out.push_str(&rest[..at + len]);
        match after[..digits].parse::<u16>() {
            Ok(port) => out.push_str(&map(port).to_string()),
            Err(_) => out.push_str(&after[..digits]),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------------------
// Comparing

/// A line of the difference between the book and a run.
#[derive(Debug, PartialEq, Eq)]
enum DiffLine {
    /// In both (the book's line).
    Same(String),
    /// In the book, not in the run.
    Missing(String),
    /// In the run, not in the book.
    Extra(String),
}

/// How a run's output differs from the book.
#[derive(Debug, PartialEq, Eq)]
struct Mismatch {
    /// The book's line (index into the expected lines) where the difference starts; the
    /// number of lines when the run printed more after the last one.
    at: usize,
    diff: Vec<DiffLine>,
}

/// Whether `line` is what `pattern` shows, `[..]` standing for any text.
fn line_matches(pattern: &str, line: &str) -> bool {
    let mut pieces = pattern.split("[..]");
    let Some(mut rest) = line.strip_prefix(pieces.next().unwrap_or_default()) else {
        return false;
    };
    let pieces: Vec<&str> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else {
        return rest.is_empty();
    };
    for piece in middle {
        match rest.find(piece) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

/// Lines without trailing spaces or trailing empty lines.
fn tidy<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let mut tidy: Vec<&str> = lines.into_iter().map(str::trim_end).collect();
    while tidy.last().is_some_and(|line| line.is_empty()) {
        tidy.pop();
    }
    tidy
}

/// Compares what a run printed with the lines the book shows under the command.
///
/// The lines are aligned as a diff is, at the least number of lines missing or extra; a
/// `...` line takes any number of the run's lines at no cost. The run matches when
/// nothing is missing or extra.
fn compare(book: &[&str], run: &[&str]) -> Result<(), Mismatch> {
    let is_any = |line: &str| line == "...";
    let (n, m) = (book.len(), run.len());
    // cost[i][j]: lines missing or extra to align book[i..] with run[j..].
    let mut cost = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..=n).rev() {
        for j in (0..=m).rev() {
            cost[i][j] = if i == n {
                m - j
            } else if is_any(book[i]) {
                if j == m {
                    cost[i + 1][j]
                } else {
                    cost[i + 1][j].min(cost[i][j + 1])
                }
            } else if j == m {
                cost[i + 1][j] + 1
            } else {
                let skip = (cost[i + 1][j] + 1).min(cost[i][j + 1] + 1);
                if line_matches(book[i], run[j]) {
                    skip.min(cost[i + 1][j + 1])
                } else {
                    skip
                }
            };
        }
    }
    if cost[0][0] == 0 {
        return Ok(());
    }

    let (mut i, mut j) = (0, 0);
    let mut diff = Vec::new();
    let mut at = None;
    while i < n || j < m {
        if i < n && is_any(book[i]) {
            if j < m && cost[i][j + 1] == cost[i][j] {
                j += 1; // taken by `...`
            } else {
                diff.push(DiffLine::Same(book[i].to_string()));
                i += 1;
            }
        } else if i < n
            && j < m
            && line_matches(book[i], run[j])
            && cost[i + 1][j + 1] == cost[i][j]
        {
            diff.push(DiffLine::Same(book[i].to_string()));
            i += 1;
            j += 1;
        } else if i < n && cost[i + 1][j] + 1 == cost[i][j] {
            at.get_or_insert(i);
            diff.push(DiffLine::Missing(book[i].to_string()));
            i += 1;
        } else {
            at.get_or_insert(i);
            diff.push(DiffLine::Extra(run[j].to_string()));
            j += 1;
        }
    }
    Err(Mismatch {
        at: at.unwrap_or(n),
        diff,
    })
}

/// The changed lines of a diff with two lines of context, at most `max` lines.
fn short_diff(diff: &[DiffLine], max: usize) -> Vec<String> {
    let changed: Vec<bool> = diff
        .iter()
        .map(|line| !matches!(line, DiffLine::Same(_)))
        .collect();
    let near_change = |index: usize| {
        changed[index.saturating_sub(2)..(index + 3).min(changed.len())]
            .iter()
            .any(|c| *c)
    };
    let mut lines = Vec::new();
    let mut skipped = false;
    for (index, line) in diff.iter().enumerate() {
        if !near_change(index) {
            skipped = true;
            continue;
        }
        if std::mem::take(&mut skipped) && !lines.is_empty() {
            lines.push("  …".to_string());
        }
        let line = match line {
            DiffLine::Same(text) => format!("  {text}"),
            DiffLine::Missing(text) => format!("- {text}"),
            DiffLine::Extra(text) => format!("+ {text}"),
        };
        lines.push(line.trim_end().to_string());
    }
    if lines.len() > max {
        let more = lines.len() - max;
        lines.truncate(max);
        lines.push(format!("  … {more} more lines"));
    }
    lines
}

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
}

/// The book's addresses and the free ports that stand in for them in one chapter.
#[derive(Default)]
struct Ports {
    real: HashMap<u16, u16>,
}

impl Ports {
    /// The port standing in for `book`, a fresh one the first time.
    fn real(&mut self, book: u16) -> u16 {
        if book == 0 {
            return 0;
        }
        if let Some(real) = self.real.get(&book) {
            return *real;
        }
        self.renew(book)
    }

    /// A new free port for `book`, for a server that is about to start.
    fn renew(&mut self, book: u16) -> u16 {
        let mut port = 0;
        // The system hands out a free port; a few tries make sure it is not one this
        // chapter already uses.
        for _ in 0..10 {
            port = std::net::TcpListener::bind(("127.0.0.1", 0))
                .and_then(|listener| listener.local_addr())
                .map_or(0, |addr| addr.port());
            if port != 0 && !self.real.values().any(|used| *used == port) {
                break;
            }
        }
        self.real.insert(book, port);
        port
    }

    /// The book's port for a port of a run.
    fn book(&self, real: u16) -> u16 {
        self.real
            .iter()
            .find(|(_, used)| **used == real)
            .map_or(real, |(book, _)| *book)
    }
}

/// A server started by a chapter.
struct Server {
    child: Child,
    line: usize,
}

/// Follows one chapter as a reader would: its servers, its ports, its scratch folder.
struct Reader<'a> {
    binaries: &'a HashMap<String, PathBuf>,
    scratch: PathBuf,
    ports: Ports,
    servers: Vec<Server>,
    /// (package, subcommand) → its options with a loopback default.
    options: HashMap<(String, String), Vec<(String, u16)>>,
    /// The agent the Consul lessons' programs find through `CONSUL_HTTP_ADDR`.
    consul: Option<String>,
}

impl Reader<'_> {
    /// bash running `script` in the scratch folder, with the environment of a plain shell:
    /// no colours, no backtraces, the lessons' default logging.
    fn shell(&self, script: &str) -> Command {
        let mut command = Command::new("bash");
        crate::common::environment::as_from_a_shell(command.as_std_mut());
        command
            .arg("-c")
            .arg(script)
            .current_dir(&self.scratch)
            .env_remove("RUST_LOG")
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .kill_on_drop(true);
        if let Some(consul) = &self.consul {
            command.env("CONSUL_HTTP_ADDR", consul);
        }
        command
    }

    /// The options of a lesson's subcommand whose default is a loopback address.
    async fn loopback_options(
        &mut self,
        package: &str,
        subcommand: &str,
    ) -> Result<Vec<(String, u16)>, String> {
        let key = (package.to_string(), subcommand.to_string());
        if let Some(options) = self.options.get(&key) {
            return Ok(options.clone());
        }
        let binary = self.binary(package)?;
        let help = Command::new(binary)
            .args([subcommand, "--help"])
            .stdin(Stdio::null())
            .output()
            .await
            .map_err(|err| format!("cannot run {}: {err}", binary.display()))?;
        let options = loopback_defaults(&String::from_utf8_lossy(&help.stdout));
        self.options.insert(key, options.clone());
        Ok(options)
    }

    fn binary(&self, package: &str) -> Result<&PathBuf, String> {
        self.binaries
            .get(package)
            .filter(|path| path.is_file())
            .ok_or_else(|| format!("{package} is not built (`cargo build -p {package}`)"))
    }

    /// The command line with each lesson run replaced by its binary, each loopback option
    /// given a free port (new ones for a server), and the book's addresses translated.
    async fn rewrite(&mut self, command: &str, for_server: bool) -> Result<String, String> {
        let mut script = String::new();
        let mut written = 0;
        let packages: Vec<String> = self.binaries.keys().cloned().collect();
        for run in cargo_commands(command, &packages).into_iter().flatten() {
            let binary = shell_quote(&self.binary(&run.package)?.display().to_string());
            let mut options = Vec::new();
            if let Some((name, _)) = &run.subcommand {
                options = self.loopback_options(&run.package, name).await?;
            }
            if for_server {
                let mut book_ports: Vec<u16> = options.iter().map(|(_, port)| *port).collect();
                map_ports(command, |port| {
                    book_ports.push(port);
                    port
                });
                for port in book_ports {
                    self.ports.renew(port);
                }
            }
            script.push_str(&map_ports(&command[written..run.start], |p| {
                self.ports.real(p)
            }));
            script.push_str(&binary);
            written = run.end;
            if let Some((name, end)) = &run.subcommand {
                script.push(' ');
                script.push_str(name);
                written = *end;
                let given: Vec<&str> = command.split_ascii_whitespace().collect();
                for (option, port) in options {
                    let is_given = given
                        .iter()
                        .any(|word| *word == option || word.starts_with(&format!("{option}=")));
                    if !is_given {
                        let real = self.ports.real(port);
                        script.push_str(&format!(" {option} {LOOPBACK}{real}"));
                    }
                }
            }
        }
        script.push_str(&map_ports(&command[written..], |p| self.ports.real(p)));
        Ok(script)
    }

    /// Runs a command of a compared block; what it printed, with the book's addresses.
    async fn run(&mut self, command: &str) -> Result<String, String> {
        let script = self.rewrite(command, false).await?;
        let mut shell = self.shell(&format!("exec 2>&1\n{script}"));
        shell.stdout(Stdio::piped()).stderr(Stdio::null());
        // A process group of its own, so that a command that hangs goes with its children.
        #[cfg(unix)]
        shell.process_group(0);
        let child = shell
            .spawn()
            .map_err(|err| format!("cannot start bash: {err}"))?;
        let group = child.id();
        match tokio::time::timeout(TIME_LIMIT, child.wait_with_output()).await {
            Ok(Ok(output)) => {
                let text = cargo::strip_ansi(&String::from_utf8_lossy(&output.stdout));
                Ok(map_ports(&text, |port| self.ports.book(port)))
            }
            Ok(Err(err)) => Err(format!("cannot run it: {err}")),
            Err(_) => {
                if let Some(group) = group {
                    signal(&format!("-{group}"), "KILL");
                }
                Err(format!("did not finish within {} s", TIME_LIMIT.as_secs()))
            }
        }
    }

    /// Starts a server in the background and waits until it listens on all its addresses.
    async fn start_server(&mut self, line: usize, command: &str) -> Result<(), Problem> {
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
        let log_path = self.scratch.join(format!("server-{line}.log"));
        let log = fs::File::create(&log_path)
            .and_then(|file| Ok((file.try_clone()?, file)))
            .map_err(|err| fail(format!("cannot write its log: {err}"), Vec::new()))?;
        let mut shell = self.shell(&format!("exec {script}"));
        shell.stdout(log.0).stderr(log.1);
        let mut child = shell
            .spawn()
            .map_err(|err| fail(format!("cannot start bash: {err}"), Vec::new()))?;

        let mut listening_on: Vec<u16> = Vec::new();
        map_ports(&script, |port| {
            listening_on.push(port);
            port
        });
        let log_tail = || {
            let log = fs::read_to_string(&log_path).unwrap_or_default();
            let lines: Vec<String> = log.lines().map(String::from).collect();
            lines[lines.len().saturating_sub(5)..].to_vec()
        };
        let deadline = Instant::now() + TIME_LIMIT;
        for port in listening_on {
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
                            "the server did not listen on {LOOPBACK}{} within {} s",
                            self.ports.book(port),
                            TIME_LIMIT.as_secs()
                        ),
                        log_tail(),
                    ));
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        self.servers.push(Server { child, line });
        Ok(())
    }

    /// Ctrl-C in the servers' terminals: each must stop in time. Returns the ones that
    /// did not, by the line that started them.
    async fn interrupt(&mut self) -> Vec<usize> {
        let mut stuck = Vec::new();
        for mut server in self.servers.drain(..) {
            if let Some(pid) = server.child.id() {
                signal(&pid.to_string(), "INT");
            }
            if tokio::time::timeout(TIME_LIMIT, server.child.wait())
                .await
                .is_err()
            {
                let _ = server.child.kill().await;
                stuck.push(server.line);
            }
        }
        stuck
    }

    /// The end of the chapter: the servers still running are stopped.
    async fn stop_servers(&mut self) {
        for mut server in self.servers.drain(..) {
            if let Some(pid) = server.child.id() {
                signal(&pid.to_string(), "TERM");
            }
            if tokio::time::timeout(Duration::from_secs(5), server.child.wait())
                .await
                .is_err()
            {
                let _ = server.child.kill().await;
            }
        }
    }
}

/// Sends `signal` (`INT`, `TERM`, `KILL`) to a process, or to a group as `-PGID`.
fn signal(target: &str, signal: &str) {
    let _ = std::process::Command::new("kill")
        .args([format!("-{signal}").as_str(), "--", target])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// `text` as one bash word.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
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
    let mut reader = Reader {
        binaries,
        scratch: scratch.clone(),
        ports: Ports::default(),
        servers: Vec::new(),
        options: HashMap::new(),
        consul: None,
    };
    // A reader of the Consul chapters has an agent running on 127.0.0.1:8500; the check
    // gives each chapter a fresh embedded one on a free port, shown as 8500 in the output.
    let agent = ChapterAgent::start().await;
    if let Some(agent) = &agent {
        reader.consul = Some(agent.url.clone());
        reader.ports.real.insert(8500, agent.port);
    }
    let problem = |line: usize, command: Option<&str>, message: &str| Problem {
        location: format!("{shown}:{line}"),
        command: command.map(String::from),
        message: message.to_string(),
        details: Vec::new(),
    };

    for block in console_blocks(&markdown) {
        let kind = block.kind(&packages);
        match kind {
            Kind::Compared => chapter.compared += 1,
            Kind::Abridged => chapter.abridged += 1,
            Kind::CommandsOnly => chapter.commands_only += 1,
            Kind::NotLesson => {
                chapter.not_lessons += 1;
                continue;
            }
        }
        let compared = kind == Kind::Compared;
        for step in &block.steps {
            match step {
                Step::Command { line, text, output } => {
                    let is_server = cargo_commands(text, &packages)
                        .iter()
                        .flatten()
                        .any(LessonRun::is_server);
                    if is_server {
                        if compared && !tidy(output.iter().map(String::as_str)).is_empty() {
                            chapter.problems.push(problem(
                                *line,
                                Some(text),
                                "a server's log cannot be compared: say in the lead-in that it is abridged",
                            ));
                        }
                        if let Err(mut failed) = reader.start_server(*line, text).await {
                            failed.location = format!("{shown}:{line}");
                            chapter.problems.push(failed);
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
                Step::CtrlC { line } => {
                    if compared {
                        chapter.problems.push(problem(
                            *line,
                            None,
                            "what a server logs on Ctrl-C cannot be compared: say in the lead-in that it is abridged",
                        ));
                    }
                    if reader.servers.is_empty() {
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
                }
                Step::Log { line } if compared => chapter.problems.push(problem(
                    *line,
                    None,
                    "lines that no command prints (a server's log?): say in the lead-in that they are abridged",
                )),
                Step::Log { .. } => {}
            }
        }
    }
    reader.stop_servers().await;
    if let Some(agent) = agent {
        agent.stop().await;
    }
    let _ = fs::remove_dir_all(&scratch);
    chapter
}

/// An embedded Consul-compatible agent on a free loopback port, for one chapter.
struct ChapterAgent {
    url: String,
    port: u16,
    #[cfg(feature = "embedded-agent")]
    agent: devconsul::Agent,
}

impl ChapterAgent {
    #[cfg(feature = "embedded-agent")]
    async fn start() -> Option<ChapterAgent> {
        let config = devconsul::Config {
            http_addr: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            ui: false,
            ..Default::default()
        };
        let agent = devconsul::Agent::start(config).await.ok()?;
        Some(ChapterAgent {
            url: agent.url(),
            port: agent.http_addr().port(),
            agent,
        })
    }

    /// Without the embedded agent, the Consul chapters' programs find none.
    #[cfg(not(feature = "embedded-agent"))]
    async fn start() -> Option<ChapterAgent> {
        None
    }

    async fn stop(self) {
        #[cfg(feature = "embedded-agent")]
        self.agent.shutdown().await;
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
    let binaries: HashMap<String, PathBuf> = lessons
        .iter()
        .map(|lesson| {
            let file = format!("{}{}", lesson.package, std::env::consts::EXE_SUFFIX);
            (lesson.package.clone(), target.join("debug").join(file))
        })
        .collect();

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
        .filter(|c| c.compared + c.abridged > 0 || !c.problems.is_empty())
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
        let mut counts = format!("{} compared", chapter.compared);
        if chapter.abridged > 0 {
            counts.push_str(&format!(", {} abridged (not compared)", chapter.abridged));
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
    let abridged: usize = transcripts.chapters.iter().map(|c| c.abridged).sum();
    let not_run: usize = transcripts
        .chapters
        .iter()
        .map(|c| c.commands_only + c.not_lessons)
        .sum();
    println!(
        "  {}",
        ui::dim(&format!(
            "skipped: {} marked abridged; not run: {} of commands only or of other programs",
            ui::plural(abridged, "block"),
            ui::plural(not_run, "block"),
        ))
    );
    (rows.len() - failed, failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_stand_for_any_text_within_a_line() {
        assert!(line_matches(
            "date: [..]",
            "date: Sat, 21 Nov 2026 05:52:33 GMT"
        ));
        assert!(line_matches("date: [..]", "date: "));
        assert!(line_matches(
            "[..] INFO l05_grpc: [..]",
            "2026-11-21T05:52:23Z  INFO l05_grpc: up"
        ));
        assert!(line_matches("a[..]b[..]c", "abc"));
        assert!(line_matches("a[..]b[..]c", "a-b-b-c"));
        assert!(!line_matches("a[..]b[..]c", "acb"));
        assert!(!line_matches("date: [..]", "Date: Sat"));
        assert!(!line_matches("plain", "plain and more"));
        assert!(line_matches("plain", "plain"));
    }

    #[test]
    fn an_ellipsis_line_stands_for_any_lines() {
        let book = ["first", "...", "last"];
        assert_eq!(compare(&book, &["first", "a", "b", "last"]), Ok(()));
        assert_eq!(compare(&book, &["first", "last"]), Ok(()));
        assert_eq!(compare(&["...", "end"], &["x", "y", "end"]), Ok(()));
        let mismatch = compare(&book, &["first", "a"]).unwrap_err();
        assert_eq!(mismatch.at, 2);
        assert_eq!(
            mismatch.diff,
            [
                DiffLine::Same("first".into()),
                DiffLine::Same("...".into()),
                DiffLine::Missing("last".into()),
            ]
        );
    }

    #[test]
    fn a_mismatch_says_from_which_line_of_the_book() {
        let mismatch = compare(&["a", "b", "c"], &["a", "x", "c"]).unwrap_err();
        assert_eq!(mismatch.at, 1);
        assert_eq!(
            mismatch.diff,
            [
                DiffLine::Same("a".into()),
                DiffLine::Missing("b".into()),
                DiffLine::Extra("x".into()),
                DiffLine::Same("c".into()),
            ]
        );
        // Output the book leaves out shows after the book's last line.
        let mismatch = compare(
            &["Commands:", "  help"],
            &["Commands:", "  help", "", "Options:"],
        )
        .unwrap_err();
        assert_eq!(mismatch.at, 2);
        assert_eq!(
            short_diff(&mismatch.diff, 12),
            ["  Commands:", "    help", "+", "+ Options:"]
        );
    }

    #[test]
    fn a_short_diff_keeps_two_lines_around_each_change() {
        let book: Vec<String> = (1..=20).map(|n| format!("line {n}")).collect();
        let mut run = book.clone();
        run[9] = "changed".into();
        let book: Vec<&str> = book.iter().map(String::as_str).collect();
        let run: Vec<&str> = run.iter().map(String::as_str).collect();
        let mismatch = compare(&book, &run).unwrap_err();
        assert_eq!(mismatch.at, 9);
        assert_eq!(
            short_diff(&mismatch.diff, 12),
            [
                "  line 8",
                "  line 9",
                "- line 10",
                "+ changed",
                "  line 11",
                "  line 12"
            ]
        );
    }

    #[test]
    fn reads_blocks_steps_and_the_abridged_mark() {
        let markdown = "\
# Run it

In one terminal (server log, abridged):

```console
$ cargo run -p l01-tcp -- server
2026-11-21T05:53:20Z  INFO l01_tcp: listening
```

In another:

```console
$ cargo run -p l01-tcp -- client hi
hi
$ printf 'a\\n' | cargo run -p l01-tcp -- client

```

```rust,ignore
$ not a console block
```

```console
^C2026-11-21T05:53:21Z  INFO l01_tcp: stopping
2026-11-21T05:53:21Z  INFO l01_tcp: stopped
```

```console
2026-11-21T05:53:21Z  INFO l01_tcp: a log line
$ curl -s http://127.0.0.1:7001/
$ cargo run -p workbook -- check tcp.echo
```
";
        let blocks = console_blocks(markdown);
        assert_eq!(blocks.len(), 4);
        assert!(blocks[0].abridged);
        assert_eq!(
            blocks[0].steps,
            [Step::Command {
                line: 6,
                text: "cargo run -p l01-tcp -- server".into(),
                output: vec!["2026-11-21T05:53:20Z  INFO l01_tcp: listening".into()],
            }]
        );
        assert!(!blocks[1].abridged);
        assert_eq!(blocks[1].commands().count(), 2);
        assert_eq!(blocks[2].steps, [Step::CtrlC { line: 24 }]);
        assert_eq!(blocks[3].steps[0], Step::Log { line: 29 });

        let packages = ["l01-tcp".to_string()];
        let kinds: Vec<Kind> = blocks.iter().map(|b| b.kind(&packages)).collect();
        assert_eq!(
            kinds,
            [
                Kind::Abridged,
                Kind::Compared,
                Kind::Compared,
                Kind::NotLesson
            ]
        );
        let commands_only = console_blocks("```console\n$ cargo run -p l01-tcp -- server\n```\n");
        assert_eq!(commands_only[0].kind(&packages), Kind::CommandsOnly);
        // In a list item, the block is indented as deep as its fence.
        let indented =
            console_blocks("1. Start it:\n\n   ```console\n   $ consul agent -dev\n   ```\n");
        assert_eq!(
            indented[0].commands().collect::<Vec<_>>(),
            ["consul agent -dev"]
        );
        assert_eq!(indented[0].kind(&packages), Kind::NotLesson);
    }

    #[test]
    fn finds_lesson_runs_in_a_command_line() {
        let packages = ["l04-protobuf".to_string(), "l02-rpc".to_string()];
        let line = "printf '\\x0f' | cargo run -p l04-protobuf -- inspect - > out";
        let runs = cargo_commands(line, &packages);
        let run = runs[0].as_ref().unwrap();
        assert_eq!(&line[run.start..run.end], "cargo run -p l04-protobuf --");
        let (name, end) = run.subcommand.as_ref().unwrap();
        assert_eq!(
            (name.as_str(), &line[..*end]),
            (
                "inspect",
                "printf '\\x0f' | cargo run -p l04-protobuf -- inspect"
            )
        );
        assert!(!run.is_server());

        let help = cargo_commands("cargo run -p l02-rpc -- --help", &packages);
        assert_eq!(help[0].as_ref().unwrap().subcommand, None);
        let server = cargo_commands("cargo run -p l02-rpc -- http-server &", &packages);
        assert!(server[0].as_ref().unwrap().is_server());
        assert_eq!(
            cargo_commands("cargo run --release -p loadgen -- rpc", &packages),
            [None]
        );
        assert_eq!(cargo_commands("cargo test -p l02-rpc", &packages), [None]);
        assert!(cargo_commands("curl -s http://127.0.0.1:7103/", &packages).is_empty());
    }

    #[test]
    fn reads_loopback_defaults_from_help() {
        let help = "\
Usage: l03-jsonrpc server [OPTIONS]

Options:
      --addr <ADDR>            [default: 127.0.0.1:7003]
      --http-addr <HTTP_ADDR>
          Where HTTP clients POST their requests

          [default: 127.0.0.1:7103]
      --name <NAME>            [default: world]
  -h, --help                   Print help
";
        assert_eq!(
            loopback_defaults(help),
            [
                ("--addr".to_string(), 7003),
                ("--http-addr".to_string(), 7103)
            ]
        );
    }

    #[test]
    fn translates_loopback_ports_only() {
        let text =
            "POST http://127.0.0.1:41234/ and 127.0.0.1:7 and 10.0.0.7:41234 and 127.0.0.1:x";
        let mapped = map_ports(text, |port| if port == 41234 { 7103 } else { port });
        assert_eq!(
            mapped,
            "POST http://127.0.0.1:7103/ and 127.0.0.1:7 and 10.0.0.7:41234 and 127.0.0.1:x"
        );
        let consul = "greeter-localhost-41234 at localhost:41234, agent 127.0.0.1:41234";
        let mapped = map_ports(consul, |port| if port == 41234 { 7006 } else { port });
        assert_eq!(
            mapped,
            "greeter-localhost-41234 at localhost:7006, agent 127.0.0.1:7006"
        );
    }
}
