//! One base port for everything a copy of the course starts, so that two learners on one
//! machine (a classroom server, each in a clone of their own) work side by side.
//!
//! With no base port, every port is the one the book shows: Consul 8500, Redis 6379, NATS
//! 4222, the book 3000, `up`'s captcha instances 7009 and 7109 and its gateway 7010, lesson
//! NN's server 70NN. With a base port B, this copy's ports are a block of 100 counted from B:
//!
//! | port         | what                                                  |
//! |--------------|-------------------------------------------------------|
//! | B            | Consul (`services up`, and `up`'s)                    |
//! | B+1          | Redis                                                 |
//! | B+2, B+3     | `up`'s two captcha instances                          |
//! | B+4          | `up`'s gateway                                        |
//! | B+5          | the book (`book`, and the course session's)           |
//! | B+6          | NATS (`services up`, and `up`'s; lesson 12's broker)  |
//! | B+10+NN      | lesson NN's server (`--addr`; the book says 70NN)     |
//! | B+40 … B+99  | free for the learner's other servers                  |
//!
//! The base comes from, first to last: `--base-port` on `up`, `status` or `down` (one
//! command), `WORKBOOK_BASE_PORT` (one shell), `workbook ports --base B` (this clone, kept
//! in `.workbook/ports.toml`). What each copy starts is written down in its own
//! `.workbook/`, and `services down` and `down` stop only that, never another clone's.

use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use unicode_width::UnicodeWidthStr;

use crate::book;
use crate::learner::state::STATE_DIR;
use crate::system::up::plan::Ports;
use workbook_core::course::Course;
use workbook_core::language::messages::{Cmd, say};

/// The variable that gives a shell's commands a base port.
pub const BASE_PORT_VAR: &str = "WORKBOOK_BASE_PORT";

/// How many ports one copy's block holds: the next learner's base is 100 further on.
pub const BLOCK: u16 = 100;

/// Where a lesson's server goes in the block: lesson NN at B+10+NN.
const LESSONS_FROM: u16 = 10;

/// Where the ports of one copy of the course are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    base: Option<u16>,
}

/// `.workbook/ports.toml`.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Stored {
    base: Option<u16>,
}

fn stored_path(root: &Path) -> PathBuf {
    root.join(STATE_DIR).join("ports.toml")
}

impl Layout {
    /// The course's own ports, those the book shows.
    pub const STANDARD: Layout = Layout { base: None };

    /// The layout counted from `base`, once it leaves room for its block.
    pub fn from_base(base: u16) -> Result<Layout> {
        let last = u16::MAX - (BLOCK - 1);
        if !(1..=last).contains(&base) {
            bail!("{}", say(Cmd::BaseOutOfRange, &[("last", &last)]));
        }
        Ok(Layout { base: Some(base) })
    }

    /// This copy's layout: `flag` (a command's `--base-port`) if given, else
    /// `WORKBOOK_BASE_PORT`, else the base `ports --base` kept, else the standard ports.
    pub fn of(root: &Path, flag: Option<u16>) -> Result<Layout> {
        if let Some(base) = flag {
            return Layout::from_base(base);
        }
        if let Some(value) = std::env::var(BASE_PORT_VAR)
            .ok()
            .filter(|value| !value.trim().is_empty())
        {
            let base = value.trim().parse().map_err(|_| {
                anyhow::anyhow!(
                    "{}",
                    say(
                        Cmd::BaseNotAPort,
                        &[("var", &BASE_PORT_VAR), ("value", &value)]
                    )
                )
            })?;
            return Layout::from_base(base);
        }
        match stored(root)?.base {
            Some(base) => Layout::from_base(base),
            None => Ok(Layout::STANDARD),
        }
    }

    pub fn base(self) -> Option<u16> {
        self.base
    }

    fn at(self, offset: u16, standard: u16) -> u16 {
        self.base.map_or(standard, |base| base + offset)
    }

    pub fn consul(self) -> SocketAddr {
        loopback(self.at(0, 8500))
    }

    pub fn redis(self) -> SocketAddr {
        loopback(self.at(1, 6379))
    }

    /// NATS, lesson 12's broker; `nats://` is its URL's scheme.
    pub fn nats(self) -> SocketAddr {
        loopback(self.at(6, 4222))
    }

    /// NATS's monitoring port (`nats-server -m`), where chapter 12 reads `/jsz` and `/varz`.
    pub fn nats_monitor(self) -> SocketAddr {
        loopback(self.at(7, 8222))
    }

    pub fn book(self) -> u16 {
        self.at(5, book::DEFAULT_PORT)
    }

    /// `up`'s system: Consul, Redis and NATS as above, the captchas and the gateway after
    /// Redis.
    pub fn system(self) -> Ports {
        match self.base {
            None => Ports::STANDARD,
            Some(base) => Ports {
                consul: base,
                redis: base + 1,
                captchas: [base + 2, base + 3],
                gateway: base + 4,
                nats: base + 6,
            },
        }
    }

    /// Where lesson `number`'s server listens: 70NN, or B+10+NN.
    pub fn lesson(self, number: u16) -> SocketAddr {
        loopback(self.at(LESSONS_FROM + number, 7000 + number))
    }

    /// The lines that point a learner's own `cargo run -p …` at this copy's services.
    pub fn env_lines(self) -> String {
        format!(
            "export CONSUL_HTTP_ADDR={} REDIS_URL=redis://{} NATS_URL=nats://{}",
            self.consul(),
            self.redis(),
            self.nats()
        )
    }
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

fn stored(root: &Path) -> Result<Stored> {
    let path = stored_path(root);
    match fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text).with_context(|| format!("reading {}", path.display())),
        Err(_) => Ok(Stored::default()),
    }
}

/// What `ports` does: keep a base, forget it, or only show the layout.
pub enum Change {
    Keep(u16),
    Clear,
    Show,
}

/// `ports [--base B | --clear]`: keeps or forgets this clone's base port, then prints
/// every port this copy uses and the lines that point a shell at its services.
pub fn command(course: &Course, change: Change) -> Result<()> {
    let root = &course.root;
    match change {
        Change::Keep(base) => {
            Layout::from_base(base)?;
            fs::create_dir_all(root.join(STATE_DIR)).context("creating .workbook")?;
            let text = toml::to_string(&Stored { base: Some(base) })?;
            fs::write(stored_path(root), text).context("writing .workbook/ports.toml")?;
        }
        Change::Clear => {
            let _ = fs::remove_file(stored_path(root));
        }
        Change::Show => {}
    }
    let layout = Layout::of(root, None)?;
    match layout.base {
        Some(base) => {
            let var_set = std::env::var(BASE_PORT_VAR).is_ok_and(|v| !v.trim().is_empty());
            let from = if var_set {
                BASE_PORT_VAR.to_string()
            } else {
                format!("{STATE_DIR}/ports.toml")
            };
            let last = base + (BLOCK - 1);
            let args: [(&str, &dyn std::fmt::Display); 3] =
                [("base", &base), ("last", &last), ("from", &from)];
            println!("{}", say(Cmd::PortsBlock, &args));
        }
        None => println!("{}", say(Cmd::PortsStandard, &[])),
    }
    let system = layout.system();
    let rows: [(String, String); 6] = [
        ("Consul".into(), layout.consul().to_string()),
        ("Redis".into(), layout.redis().to_string()),
        ("NATS".into(), layout.nats().to_string()),
        (say(Cmd::PortTheBook, &[]), book::url(layout.book())),
        (
            say(Cmd::PortsUpSystem, &[]),
            say(
                Cmd::PortsUpParts,
                &[
                    ("one", &system.captchas[0]),
                    ("two", &system.captchas[1]),
                    ("gateway", &system.gateway),
                ],
            ),
        ),
        (
            say(Cmd::PortsLessonServers, &[]),
            lesson_range(course, layout),
        ),
    ];
    let width = rows.iter().map(|(what, _)| what.width()).max().unwrap_or(0);
    for (what, place) in rows {
        let pad = " ".repeat(width - what.width());
        println!("  {what}{pad}  {place}");
    }
    if layout.base.is_some() {
        println!();
        println!("{}", say(Cmd::PortsYourShell, &[]));
        println!("  {}", layout.env_lines());
        let servers: Vec<(&str, SocketAddr, SocketAddr)> = course
            .lessons
            .iter()
            .filter_map(|lesson| {
                let number = lesson_number(&lesson.folder)?;
                let usual = Layout::STANDARD.lesson(number);
                has_server_on(&lesson.dir.join("src"), usual)
                    .then(|| (lesson.package.as_str(), usual, layout.lesson(number)))
            })
            .collect();
        let width = servers.iter().map(|(package, ..)| package.len()).max();
        for (package, usual, addr) in &servers {
            let pad = " ".repeat(width.unwrap_or(0) - package.len());
            println!("  {package}{pad}  {usual} → --addr {addr}");
        }
    }
    Ok(())
}

/// `127.0.0.1:7001 … 7011`: the first and last lesson's server.
fn lesson_range(course: &Course, layout: Layout) -> String {
    let numbers: Vec<u16> = course
        .lessons
        .iter()
        .filter_map(|lesson| lesson_number(&lesson.folder))
        .collect();
    match (numbers.iter().min(), numbers.iter().max()) {
        (Some(&first), Some(&last)) => {
            format!("{} … {}", layout.lesson(first), layout.lesson(last).port())
        }
        _ => "-".to_string(),
    }
}

/// Whether the sources in `dir` (a lesson's `src/`, a few folders deep) name `addr`: the
/// lesson has a server there by default, and the learner needs another `--addr`.
fn has_server_on(dir: &Path, addr: SocketAddr) -> bool {
    fn search(dir: &Path, needle: &str, depth: usize) -> bool {
        let Ok(entries) = fs::read_dir(dir) else {
            return false;
        };
        entries.flatten().any(|entry| {
            let path = entry.path();
            if path.is_dir() {
                depth > 0 && search(&path, needle, depth - 1)
            } else {
                path.extension().is_some_and(|ext| ext == "rs")
                    && fs::read_to_string(&path).is_ok_and(|text| text.contains(needle))
            }
        })
    }
    search(dir, &addr.to_string(), 3)
}

/// `06` of `06-register`.
pub fn lesson_number(folder: &str) -> Option<u16> {
    let digits = folder.split('-').next()?;
    let number: u16 = digits.parse().ok()?;
    (1..40 - LESSONS_FROM).contains(&number).then_some(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_base_is_the_books_ports() {
        let layout = Layout::STANDARD;
        assert_eq!(layout.consul().port(), 8500);
        assert_eq!(layout.redis().port(), 6379);
        assert_eq!(layout.nats().port(), 4222);
        assert_eq!(layout.nats_monitor().port(), 8222);
        assert_eq!(layout.book(), 3000);
        assert_eq!(layout.lesson(6).port(), 7006);
        assert_eq!(layout.system(), Ports::STANDARD);
    }

    #[test]
    fn a_base_counts_every_port_from_it() {
        let layout = Layout::from_base(20000).unwrap();
        assert_eq!(layout.consul().port(), 20000);
        assert_eq!(layout.redis().port(), 20001);
        assert_eq!(layout.book(), 20005);
        assert_eq!(layout.nats().port(), 20006);
        assert_eq!(layout.nats_monitor().port(), 20007);
        assert_eq!(layout.lesson(6).port(), 20016);
        assert_eq!(
            layout.env_lines(),
            "export CONSUL_HTTP_ADDR=127.0.0.1:20000 REDIS_URL=redis://127.0.0.1:20001 \
             NATS_URL=nats://127.0.0.1:20006"
        );
        assert!(Layout::from_base(0).is_err());
        assert!(Layout::from_base(u16::MAX - 98).is_err());
        assert_eq!(lesson_number("06-register"), Some(6));
        assert_eq!(lesson_number("tcp"), None);
    }
}
