//! The command line: `workbook [COMMAND]`. With no command, the course session starts.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "workbook",
    about = "The course runner: progress, checks, hints, the book and the services",
    after_help = "With no command, shows your progress, serves the book on http://127.0.0.1:3000/ \
                  and re-checks the current exercise every time you save it."
)]
pub struct Cli {
    /// Speak `en` or `zh-CN` (中文) for this command; `lang` remembers a choice.
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    #[command(subcommand)]
    pub command: Option<Commands>,
}

#[derive(Debug, Subcommand)]
pub enum Commands {
    /// Every lesson and exercise with its progress.
    List,
    /// The course session, starting at an exercise (`register.two-instances`) or at the
    /// first open exercise of a lesson (`06`, `register`, `l06-register`).
    Watch {
        /// An exercise or a lesson; the first open exercise of the course if left out.
        target: Option<String>,
    },
    /// Build and run the tests of an exercise, a lesson, or (with no ID) everything.
    Check {
        /// An exercise (`tcp.echo`) or a lesson (`tcp`); all exercises if left out.
        id: Option<String>,
    },
    /// The next hint for an exercise (the current one if no ID is given).
    Hint {
        id: Option<String>,
        /// Every hint at once.
        #[arg(long)]
        all: bool,
    },
    /// The reference answer, once your own passes; a lesson id shows all of its answers.
    Solution {
        /// An exercise (`rpc.frame`) or a whole lesson (`rpc`, `02-rpc`)
        id: String,
        /// Show it anyway (for teachers).
        #[arg(long)]
        force: bool,
    },
    /// Put an exercise file back to its stub (your version is kept in .workbook/backups).
    Reset {
        id: String,
        /// Do not ask first.
        #[arg(long, short)]
        yes: bool,
    },
    /// Build the book and serve it on 127.0.0.1, rebuilding when its sources change.
    Book {
        /// Open it in the browser too.
        #[arg(long)]
        open: bool,
        #[arg(long, default_value_t = crate::book::DEFAULT_PORT)]
        port: u16,
        /// Print the whole book to this PDF file instead (needs Chromium), and exit.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["open", "port"])]
        pdf: Option<PathBuf>,
        /// With --pdf: keep the teacher notes, opened (a learner's copy leaves them out).
        #[arg(long, requires = "pdf")]
        teacher: bool,
        /// Build only this edition: `en`, or a translation (`zh-CN`, served at /zh-CN/).
        #[arg(long)]
        lang: Option<String>,
    },
    /// The book's translations: `extract` its messages, `import` translations.
    I18n {
        #[command(subcommand)]
        action: crate::book::i18n::I18nAction,
    },
    /// Write the handout to DIR for a class with no network: the book to read from disk,
    /// the book as a PDF, and every lesson's solutions.
    Bundle {
        dir: PathBuf,
        /// Print the PDF with the teacher notes.
        #[arg(long)]
        teacher: bool,
    },
    /// Your progress in one block; `--json` makes a file to hand in, `--class` reads many.
    Report {
        /// The name on the report (default: `git config user.name`, else $USER).
        #[arg(long, conflicts_with = "class")]
        name: Option<String>,
        /// Print it as JSON, to save and hand in: `report --json > ada.json`.
        #[arg(long, conflicts_with = "class")]
        json: bool,
        /// Handed-in reports (files, or folders of .json files): one row per learner.
        #[arg(long, num_args = 1.., value_name = "DIR_OR_FILE")]
        class: Option<Vec<PathBuf>>,
    },
    /// The language the runner speaks: `lang zh-CN` (中文) or `lang en` remembers it,
    /// `lang auto` follows the shell's locale again; alone, says which it is.
    Lang { code: Option<String> },
    /// Is this machine ready for the course? Says how to fix what is not.
    Doctor,
    /// For maintainers and CI: every stub fails, every solution passes, the book is whole.
    Verify {
        /// Only this lesson.
        #[arg(long, conflicts_with = "book")]
        lesson: Option<String>,
        /// Only the book: includes, diagrams, the build and the pages in a browser; no
        /// lesson is built.
        #[arg(long)]
        book: bool,
        /// Only the transcripts of this chapter (`07`, `discover`): a quick check.
        #[arg(long, value_name = "CHAPTER", conflicts_with_all = ["book", "lesson"])]
        transcripts: Option<String>,
    },
    /// Start the system of lessons 09–10 in the background: Consul, Redis, two captcha
    /// instances and the gateway; waits until each is healthy and prints the page's address.
    Up {
        #[command(flatten)]
        ports: SystemPorts,
        /// Run your own answers to lessons 09 and 10 instead of the reference answers (the
        /// gateway's routes are exercises of lesson 10: until yours pass, the page needs the
        /// reference answers to work).
        #[arg(long)]
        mine: bool,
    },
    /// Stop what `up` started (SIGTERM, then SIGKILL) and deregister what is left.
    Down {
        #[command(flatten)]
        ports: SystemPorts,
    },
    /// Each part of the system, its health in Consul, and whether its process is alive.
    Status {
        #[command(flatten)]
        ports: SystemPorts,
    },
    /// Relay a lesson's server (on its port + 200) and show every message at /wire, live.
    Wire(crate::wire::WireArgs),
    /// The Consul registry and Redis server the later lessons use.
    Services {
        #[command(subcommand)]
        action: ServicesAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum ServicesAction {
    /// Start them in the background (Consul: the embedded agent unless one is running).
    Up,
    /// Stop what `up` started.
    Down,
    /// Which are up, where, with which pid.
    Status,
    /// Run the embedded Consul-compatible agent in the foreground (what `up` starts).
    #[command(hide = true)]
    RunAgent {
        #[arg(long, default_value = crate::system::services::CONSUL_ADDR)]
        addr: SocketAddr,
    },
}

/// Where `up`, `status` and `down` put the system.
#[derive(Debug, clap::Args)]
pub struct SystemPorts {
    /// Run a separate copy on five ports from this one (Consul, Redis, two captchas, the
    /// gateway) instead of 8500, 6379, 7009, 7109 and 7010; give it to `status` and `down`
    /// too.
    #[arg(long, env = "WORKBOOK_BASE_PORT")]
    pub base_port: Option<u16>,
}
