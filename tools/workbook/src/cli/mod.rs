//! The command line: `workbook [COMMAND]`. With no command, the course session starts.
//!
//! Only the shape is declared here: what each command and argument means, in each
//! language, is in the runner's messages (`tools/workbook-core/src/language/messages/help.rs`), put in by [`command`]
//! (`localise.rs`).

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand};

mod localise;
pub mod wire;

pub use localise::{error_text, print_help};

use workbook_core::language::Lang;

/// Where `services run-agent` listens unless told.
pub const CONSUL_ADDR: &str = "127.0.0.1:8500";

#[derive(Debug, Parser)]
#[command(name = "workbook")]
pub struct Cli {
    #[arg(long, value_name = "LANG")]
    pub lang: Option<String>,
    #[command(subcommand)]
    pub command: Option<Commands>,
}

#[derive(Debug, Subcommand)]
pub enum Commands {
    List,
    Watch {
        target: Option<String>,
    },
    Check {
        id: Option<String>,
    },
    Hint {
        id: Option<String>,
        #[arg(long)]
        all: bool,
    },
    Solution {
        id: String,
        #[arg(long)]
        force: bool,
    },
    Reset {
        id: String,
        #[arg(long, short)]
        yes: bool,
    },
    Book {
        #[arg(long)]
        open: bool,
        #[arg(long)]
        port: Option<u16>,
        #[arg(long, value_name = "FILE", conflicts_with_all = ["open", "port"])]
        pdf: Option<PathBuf>,
        #[arg(long, requires = "pdf")]
        teacher: bool,
        #[arg(long)]
        lang: Option<String>,
        #[arg(long, conflicts_with = "pdf")]
        traces: bool,
        /// Serve every edition for the course session, which reads what this prints, and
        /// stop when the session's end of standard input closes.
        #[arg(long, hide = true, conflicts_with_all = ["open", "pdf", "lang"])]
        for_session: bool,
    },
    Bundle {
        dir: PathBuf,
        #[arg(long)]
        teacher: bool,
        #[arg(long)]
        lang: Option<String>,
    },
    Report {
        #[arg(long, conflicts_with = "class")]
        name: Option<String>,
        #[arg(long, conflicts_with = "class")]
        json: bool,
        #[arg(long, num_args = 1.., value_name = "DIR_OR_FILE")]
        class: Option<Vec<PathBuf>>,
    },
    Lang {
        code: Option<String>,
    },
    Doctor,
    Up {
        #[command(flatten)]
        ports: SystemPorts,
        #[arg(long)]
        mine: bool,
    },
    Down {
        #[command(flatten)]
        ports: SystemPorts,
    },
    Status {
        #[command(flatten)]
        ports: SystemPorts,
    },
    Ports {
        #[arg(long, conflicts_with = "clear")]
        base: Option<u16>,
        #[arg(long)]
        clear: bool,
    },
    Wire(wire::WireArgs),
    Services {
        #[command(subcommand)]
        action: ServicesAction,
    },
    Class {
        #[command(subcommand)]
        action: ClassAction,
    },
}

impl Commands {
    /// Whether the learner's own program runs this command. The others (the book, the
    /// services, the wire view, the teacher's tools) are `workbook-full`'s: see
    /// `handoff.rs`.
    pub fn is_the_learners(&self) -> bool {
        matches!(
            self,
            Commands::List
                | Commands::Watch { .. }
                | Commands::Check { .. }
                | Commands::Hint { .. }
                | Commands::Solution { .. }
                | Commands::Reset { .. }
                | Commands::Lang { .. }
        ) || matches!(self, Commands::Class { action }
            if !matches!(action, ClassAction::Serve { .. } | ClassAction::Roster { .. } | ClassAction::Backup { .. } | ClassAction::BookSite { .. }))
    }
}

#[derive(Debug, Subcommand)]
pub enum ServicesAction {
    Up,
    Down,
    Status,
    #[command(hide = true)]
    RunAgent {
        #[arg(long, default_value = CONSUL_ADDR)]
        addr: SocketAddr,
    },
}

/// A class, live: the teacher's server, and a learner's membership of it.
#[derive(Debug, Subcommand)]
pub enum ClassAction {
    Serve {
        #[arg(long, value_parser = absolute())]
        dir: PathBuf,
        #[arg(long)]
        addr: Option<SocketAddr>,
        #[arg(long, value_name = "N", default_value_t = workbook_core::class::DEFAULT_LEARNERS)]
        max_learners: usize,
        #[arg(long, value_name = "DURATION", default_value = "3m", value_parser = duration)]
        stuck_after: std::time::Duration,
        /// Serves the room's mirror too: the course's crates as a cargo registry, the
        /// course over git's HTTP and the book, from this machine alone.
        #[arg(long)]
        mirror: bool,
        /// The mirror without the book (which takes a while to build).
        #[arg(long, requires = "mirror")]
        mirror_no_book: bool,
    },
    /// The teacher's roster, changed while the server runs.
    Roster {
        #[arg(long, value_parser = absolute())]
        dir: PathBuf,
        #[arg(value_enum)]
        action: RosterAction,
        name: Option<String>,
        other: Option<String>,
    },
    /// A copy of the class in one new file, while its server runs or not.
    Backup {
        #[arg(long, value_parser = absolute())]
        dir: PathBuf,
        file: PathBuf,
    },
    Join {
        url: String,
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_name = "REJOIN_CODE")]
        rejoin: Option<String>,
    },
    Status,
    Leave,
    /// Sends the verdicts waiting for the class server (started by a check, in the
    /// background).
    #[command(hide = true)]
    Send,
    /// Builds the book's static site, both editions, into DIR: the room's mirror runs it
    /// as a process of its own (`class serve --mirror`), so that what the build holds at
    /// its peak is never the server's memory.
    #[command(hide = true)]
    BookSite {
        #[arg(long, value_parser = absolute())]
        dir: PathBuf,
    },
}

/// A folder on the command line, made absolute where it is read: the class's commands
/// run git and the book's build in other folders, and hand them paths below it, which a
/// relative path would name from the wrong place.
fn absolute() -> impl clap::builder::TypedValueParser<Value = PathBuf> {
    use clap::builder::TypedValueParser;
    clap::builder::PathBufValueParser::new().try_map(|path| std::path::absolute(&path))
}

/// A duration on the command line (`90s`, `3m`, `1h`), or why not.
fn duration(text: &str) -> Result<std::time::Duration, String> {
    workbook_core::class::parse_duration(text).ok_or_else(|| {
        workbook_core::language::messages::say(
            workbook_core::language::messages::ClassMsg::BadDuration,
            &[],
        )
    })
}

/// A change to a class's roster (`class roster`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RosterAction {
    /// NAME leaves the class, with every verdict.
    Remove,
    /// NAME is called OTHER from now on.
    Rename,
    /// NAME's verdicts become OTHER's (one learner in two rows).
    Merge,
    /// NAME may join again under their name, once.
    Rejoin,
    /// No more joins.
    Close,
    /// Joins again.
    Open,
    /// A new class code.
    NewCode,
}

/// Where `up`, `status` and `down` put the system: a base port for this one command,
/// over `WORKBOOK_BASE_PORT` and the clone's own (`system/ports.rs`).
#[derive(Debug, clap::Args)]
pub struct SystemPorts {
    #[arg(long, env = "WORKBOOK_BASE_PORT")]
    pub base_port: Option<u16>,
}

/// The command line with its texts in `lang`.
///
/// Both programs show it as `workbook`'s, the one a learner types: `workbook-full`, which
/// `workbook` hands commands to, would otherwise name itself in its usage lines.
pub fn command(lang: Lang) -> clap::Command {
    localise::localise(Cli::command().bin_name("workbook"), lang)
}

/// The arguments, with the runner's `--lang LANG` moved first wherever it was typed
/// (`class serve --dir d --lang zh-CN`), as the language is chosen from it anywhere: clap
/// reads it before the command only. `book` and `bundle` have a `--lang` of their own (an
/// edition), which stays theirs.
pub fn lang_first(args: Vec<OsString>) -> Vec<OsString> {
    let command = args
        .iter()
        .skip(1)
        .map(|arg| arg.to_string_lossy())
        .scan(false, |after_lang, arg| {
            let skip = std::mem::replace(after_lang, arg == "--lang");
            Some((skip, arg))
        })
        .find(|(skip, arg)| !skip && !arg.starts_with('-'))
        .map(|(_, arg)| arg.into_owned());
    if matches!(command.as_deref(), Some("book" | "bundle")) {
        return args;
    }
    let Some(at) = args.iter().position(|arg| {
        let arg = arg.to_string_lossy();
        arg == "--lang" || arg.starts_with("--lang=")
    }) else {
        return args;
    };
    let mut args = args;
    let takes = if args[at] == "--lang" { 2 } else { 1 };
    let moved: Vec<OsString> = args.drain(at..(at + takes).min(args.len())).collect();
    let first = args.len().min(1);
    args.splice(first..first, moved);
    args
}

/// The arguments, with `help COMMAND…` read as `COMMAND… --help`: clap's own `help`
/// command speaks only English, so another language answers it through `--help`.
pub fn help_as_flag(args: Vec<OsString>) -> Vec<OsString> {
    let mut skip_value = false;
    let position = args.iter().enumerate().skip(1).find_map(|(index, arg)| {
        if std::mem::take(&mut skip_value) {
            return None;
        }
        let arg = arg.to_string_lossy();
        if arg == "--lang" {
            skip_value = true;
            return None;
        }
        if arg.starts_with('-') {
            return None;
        }
        Some(index)
    });
    match position {
        Some(index) if args[index] == "help" => {
            let mut args = args;
            args.remove(index);
            args.push("--help".into());
            args
        }
        _ => args,
    }
}

#[cfg(test)]
mod tests;
