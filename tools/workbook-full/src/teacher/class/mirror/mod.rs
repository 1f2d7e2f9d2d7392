//! The room's own mirror (`class serve --mirror`): everything a learner whose laptop has
//! only Rust needs to start the course, from the teacher's machine alone, in a room with
//! no Internet or a slow one.
//!
//! - `registry.rs`: the course's crates as a cargo registry (cargo's sparse protocol:
//!   `index/config.json`, an index file per crate, the `.crate` downloads), exactly what
//!   `Cargo.lock` names, from the teacher's cargo cache;
//! - `course.rs`: the course as a git repository a plain `git clone` reads over HTTP (the
//!   teacher's checked-out branch alone, as committed), and the book, both editions, built
//!   from that same commit.
//!
//! The routes are the class server's (`../http/mirror.rs`), behind its door: a room
//! fetching is thirty addresses, each with its share of connections, and the learners'
//! verdicts and the teacher's page go on beside them.
//!
//! A learner's laptop is pointed at the mirror before it has built anything, so by a line
//! that needs no cargo build: `git clone` the course into a folder of its own, and save the
//! mirror's cargo configuration in that folder's parent (`.cargo/config.toml` there, which
//! cargo reads for every project below it). The course's own `.cargo/config.toml` stays as
//! it is tracked; removing the one file undoes it.

use std::path::{Path, PathBuf};

use workbook_core::language::messages::{ClassMsg, say, tell};
use workbook_core::ui;

pub mod course;
pub mod registry;
#[cfg(test)]
mod tests;

pub use registry::Registry;

/// The path of the learner's cargo configuration on the server.
pub const CARGO_CONFIG: &str = "/cargo-config.toml";

/// The folder the learner's line clones into; its parent holds the cargo configuration.
const ROOM: &str = "room";

/// What the mirror serves, made at the server's start.
pub struct Mirror {
    pub registry: Registry,
    /// The bare repository and what it holds, or why it could not be made, in one line.
    pub repository: Result<course::Served, String>,
    /// The book's static site, if it could be built.
    pub book: Option<PathBuf>,
}

impl Mirror {
    /// Prepares the mirror of the course at `root` in the class's folder `dir`: reads the
    /// crates from the cargo cache, makes the repository and builds the book from the
    /// commit it holds. A part that fails is said and left out; the rest is served.
    pub fn prepare(root: &Path, dir: &Path, book: bool) -> anyhow::Result<Mirror> {
        let preparing = if book {
            ClassMsg::MirrorPreparing
        } else {
            ClassMsg::MirrorPreparingNoBook
        };
        tell(preparing, &[]);
        let registry = crates(root)?;
        let repository = course::repository(root, dir).map_err(|why| {
            said_without(ClassMsg::MirrorPartCourse, &why);
            format!("{why:#}")
        });
        let book = match (book, &repository) {
            (false, _) => None,
            (true, Ok(served)) => course::book(&served.path, dir)
                .map_err(|why| said_without(ClassMsg::MirrorPartBook, &why))
                .ok(),
            (true, Err(_)) => {
                let why = anyhow::anyhow!(say(ClassMsg::MirrorBookNeedsCourse, &[]));
                said_without(ClassMsg::MirrorPartBook, &why);
                None
            }
        };
        Ok(Mirror {
            registry,
            repository,
            book,
        })
    }
}

/// The registry of `root`'s lock file, from the cargo cache as it is: the server asks the
/// Internet for nothing, not even to fill the cache (a room may have no Internet, or a
/// slow one, and a class should not start with a download the teacher did not ask for).
/// What the cache lacks is said, with the command that fills it.
fn crates(root: &Path) -> anyhow::Result<Registry> {
    let lock = root.join("Cargo.lock");
    let home = registry::cargo_home()
        .ok_or_else(|| anyhow::anyhow!("no cargo home: set CARGO_HOME or HOME"))?;
    let (registry, gaps) = Registry::read(&lock, &home)?;
    if let Some(first) = gaps.first() {
        let first = match first {
            registry::Gap::NoIndex(name) => name.clone(),
            registry::Gap::NoLine(locked)
            | registry::Gap::OtherChecksum(locked)
            | registry::Gap::NoCrate(locked) => format!("{} {}", locked.name, locked.version),
        };
        tell(
            ClassMsg::MirrorGaps,
            &[("count", &registry.missing), ("first", &first)],
        );
    }
    Ok(registry)
}

fn said_without(part: ClassMsg, why: &anyhow::Error) {
    tell(
        ClassMsg::MirrorPartFailed,
        &[("part", &say(part, &[])), ("why", &format!("{why:#}"))],
    );
}

/// The learner's first line, for a server at `url` (`http://HOST:PORT`): the course cloned
/// into `room/course`, and the mirror's cargo configuration saved in `room/.cargo/`.
pub fn learners_line(url: &str) -> String {
    format!(
        "git clone {url}/course.git {ROOM}/course && curl -fsS --create-dirs -o {ROOM}/.cargo/config.toml {url}{CARGO_CONFIG} && cd {ROOM}/course"
    )
}

/// The command that undoes the learner's line, run in the course's folder.
pub const UNDO: &str = "rm ../.cargo/config.toml";

/// What `serve` says of a mirror that is ready, at `url`: what it serves, then the
/// learner's line, which it returns; or, with no course to clone, why learners cannot
/// start from this room, and no line.
pub fn announce(mirror: &Mirror, url: &str) -> Option<String> {
    let git = match &mirror.repository {
        Ok(served) => say(
            ClassMsg::MirrorServedBranch,
            &[
                ("url", &format!("{url}/{}", course::REPOSITORY)),
                ("branch", &served.branch),
                ("commit", &served.commit),
            ],
        ),
        Err(_) => say(ClassMsg::MirrorNotServed, &[]),
    };
    let book = match mirror.book {
        Some(_) => format!("{url}/{}/", course::BOOK),
        None => say(ClassMsg::MirrorNotServed, &[]),
    };
    // The size a learner downloads, said by the server rather than written down anywhere:
    // it is this lock file's, on this day.
    let megabytes = format!("{:.1}", mirror.registry.bytes as f64 / 1e6);
    // What it does not serve, said apart: the count above is of what a learner gets.
    let missing = match mirror.registry.missing {
        0 => String::new(),
        count => say(ClassMsg::MirrorReadyMissing, &[("count", &count)]),
    };
    tell(
        ClassMsg::MirrorReady,
        &[
            ("crates", &mirror.registry.crates()),
            ("versions", &mirror.registry.versions),
            ("megabytes", &megabytes),
            ("missing", &missing),
            ("git", &git),
            ("book", &book),
        ],
    );
    if let Err(why) = &mirror.repository {
        tell(ClassMsg::MirrorNoClone, &[("why", why)]);
        return None;
    }
    let line = learners_line(url);
    tell(ClassMsg::MirrorLine, &[]);
    println!("\n    {}\n", ui::cyan(&line));
    tell(ClassMsg::MirrorUndo, &[("command", &UNDO)]);
    Some(line)
}

/// The learner's cargo configuration for a server its learner reaches at `host`: the
/// public registry replaced by the room's, for every project below the folder it is saved
/// in.
pub fn cargo_config(host: &str) -> String {
    format!(
        "# The room's mirror: the course's crates from the teacher's `class serve --mirror`.\n\
         # Cargo reads this file for every project below its folder. To undo, remove it\n\
         # (from the course's folder: {UNDO}).\n\
         [source.crates-io]\n\
         replace-with = \"room\"\n\
         \n\
         [source.room]\n\
         registry = \"sparse+http://{host}/index/\"\n"
    )
}

/// The registry's `config.json` for a server its learner reaches at `host`: where the
/// `.crate` files are (cargo adds `/{name}/{version}/download`). It names no `api`: the
/// room's registry serves crates and no web API (publishing, search, owners), and without
/// the key cargo says so ("does not support API commands") where a URL would have met a 404.
pub fn config_json(host: &str) -> String {
    serde_json::json!({ "dl": format!("http://{host}/crates") }).to_string()
}

/// Whether `host` (a request's Host header) is a host and port to write into a URL: a
/// name, an IPv4 address or a bracketed IPv6 one, nothing else.
pub fn is_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b".-:[]_".contains(&b))
}
