//! What makes one lab differ from another, for the check: its [`Facts`] (the book's names,
//! the check's stand-ins, its limits) and its [`LabKind`], the few readings of a command
//! line that differ from lab to lab. Every lab is one of [`LABS`]; what they all do alike is
//! `mod.rs`'s.

use std::path::Path;
use std::time::Duration;

use super::super::parse::console_blocks;
pub(super) use super::super::parse::program_args;
use super::{ChapterLab, compose, swarm};

/// One lab's facts: what the book calls it, what the check calls its own, its limits.
pub(in super::super) struct Facts {
    /// The lesson whose program makes the lab.
    pub(super) package: &'static str,
    /// The programs the lab's images are made of, each with the variable that tells the
    /// lab's program where verify built it.
    pub(super) image_programs: &'static [(&'static str, &'static str)],
    /// What the `image` subcommand is given besides the lab's variables and flags.
    pub(super) image_args: &'static [&'static str],
    /// The book's project, and the first three numbers of its network.
    pub(super) book_project: &'static str,
    pub(super) book_subnet: &'static str,
    /// The check's images, each with the book's name for it.
    pub(super) images: &'static [(&'static str, &'static str)],
    /// How the check's project begins (the process id follows), and its network (two digits
    /// of the process id follow): as long as the book's, so that columns line up as in the
    /// book; far from Docker's 172.17–31, from the lessons' tests' networks and each other's.
    pub(super) project_prefix: &'static str,
    /// The label whose value is a container's project.
    pub(super) project_label: &'static str,
    pub(super) subnet_start: &'static str,
    /// The ports the lab publishes on this machine: the book's first, and how many in a row.
    pub(super) published: (u16, u16),
    /// The folder under cargo's target folder where the lab's program keeps what it made of
    /// a lab (`target/l14-lab/PROJECT`).
    pub(super) kept: &'static str,
    /// How long a command on the lab may take, and how long one that only reads is run again.
    pub(super) limit: Duration,
    pub(super) patience: Duration,
}

/// What one lab is, for the check: its facts, and how it reads a chapter's command lines.
pub(in super::super) trait LabKind: Sync {
    fn facts(&self) -> &'static Facts;

    /// Whether `command` makes or changes the lab: a chapter with one drives it.
    fn drives(&self, command: &str) -> bool;

    /// Whether the lab runs `command` (besides `cargo build`, which every lab takes).
    fn takes(&self, command: &str) -> bool;

    /// Whether the words of a command only read what the lab holds.
    fn only_reads(&self, words: &[&str]) -> bool;

    /// The variables that point the lab's program (and its tools) at the check's lab.
    fn variables(&self, lab: &ChapterLab) -> Vec<(&'static str, String)>;

    /// The flags that point the lab's program at the check's lab, given before its
    /// subcommand. (Flags rather than the variables they read, where its `--help` shows a
    /// variable's value: a `--help` of the chapter's then prints what the reader's does.)
    fn flags(&self, _lab: &ChapterLab) -> Vec<String> {
        Vec::new()
    }

    /// Whether `ran`, the arguments of a run of the lab's program that a lesson's story says
    /// it made (`testkit::ran`), is the run the book shows with `book`. The same words, unless
    /// the lab says which of them a story may choose for itself.
    fn same_run(&self, book: &[&str], ran: &[&str]) -> bool {
        book == ran
    }

    /// Whether a command of the lab's is passed over: the build and the images, made before
    /// the chapter.
    fn passed_over(&self, words: &[&str]) -> bool {
        words.get(1) == Some(&"build")
            || program_args(words, self.facts().package).is_some_and(|args| args == ["image"])
    }

    /// The script for a command the lab writes itself; `None` for a run of its program, which
    /// the reader writes as it writes any lesson's run.
    fn script(&self, _lab: &ChapterLab, _command: &str) -> Option<String> {
        None
    }

    /// How long the command may take.
    fn limit(&self, _words: &[&str]) -> Duration {
        self.facts().limit
    }

    /// Puts in the chapter's scratch folder what its commands read there.
    fn prepare(&self, _course_root: &Path, _scratch: &Path) {}

    /// The host and program of a server the command starts in a terminal of its own.
    fn server_in_a_terminal<'a>(&self, _words: &[&'a str]) -> Option<(&'a str, &'a str)> {
        None
    }

    /// What the lab's tools print as the book shows it, once its names are the book's.
    fn as_in_book(&self, text: String) -> String {
        text
    }
}

/// Every lab a chapter may drive.
const LABS: [&dyn LabKind; 2] = [&compose::Compose, &swarm::Swarm];

/// Whether a command is an HTTP GET with curl (no method, no data), which only reads.
pub(super) fn is_curl_get(words: &[&str]) -> bool {
    match words {
        ["curl", rest @ ..] => !rest
            .iter()
            .any(|word| ["-X", "--request", "-d", "--data"].contains(word)),
        _ => false,
    }
}

/// The lab a chapter drives, if any.
pub(super) fn lab_of(markdown: &str) -> Option<&'static dyn LabKind> {
    let blocks = console_blocks(markdown);
    let commands = || blocks.iter().flat_map(|block| block.commands());
    LABS.into_iter()
        .find(|kind| commands().any(|command| kind.drives(command)))
}

/// Whether a chapter's console blocks drive a lab.
pub(in super::super) fn drives_a_lab(markdown: &str) -> bool {
    lab_of(markdown).is_some()
}

/// Whether the lab of `kind` takes `command`: the build before it, or one of its own.
pub(in super::super) fn takes(kind: &dyn LabKind, command: &str) -> bool {
    let command = command.trim_start();
    command.starts_with("cargo build ") || kind.takes(command)
}

/// The lessons whose programs the lab of a chapter needs built: its own, and those its
/// images are made of.
pub(in super::super) fn programs(markdown: &str) -> Vec<&'static str> {
    let Some(kind) = lab_of(markdown) else {
        return Vec::new();
    };
    let facts = kind.facts();
    let images = facts.image_programs.iter().map(|(package, _)| *package);
    std::iter::once(facts.package).chain(images).collect()
}
