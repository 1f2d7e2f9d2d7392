//! One base port for everything a copy of the course starts, so that two learners on one
//! machine (a classroom server, each in a clone of their own) work side by side.
//!
//! With no base port, every port is the one the book shows: Consul 8500, Redis 6379, NATS
//! 4222, the book 3000 and its trace receiver 4317 (OTLP's own), `up`'s captcha instances
//! 7009 and 7109, its gateway 7010 and its Prometheus 7090, lesson NN's server 70NN. With a
//! base port B, this copy's ports are a block of 100 counted from B:
//!
//! | port         | what                                                  |
//! |--------------|-------------------------------------------------------|
//! | B            | Consul (`services up`, and `up`'s)                    |
//! | B+1          | Redis                                                 |
//! | B+2, B+3     | `up`'s two captcha instances                          |
//! | B+4          | `up`'s gateway                                        |
//! | B+5          | the book (`book`, and the course session's)           |
//! | B+6          | NATS (`services up`, and `up`'s; lesson 12's broker)  |
//! | B+7          | NATS's monitoring port                                |
//! | B+8          | `up`'s Prometheus (lesson 15)                         |
//! | B+9          | the book's OTLP receiver, for `/traces` (lesson 15)   |
//! | B+10+NN      | lesson NN's server (the book says 70NN)               |
//! | B+50+NN      | lesson NN's second listener (the book says 71NN)      |
//!
//! A lesson's programs read the base from `WORKBOOK_BASE_PORT` (the line `ports` prints
//! sets it), so the book's commands run as printed, each in this copy's block
//! (`shared::ports`, the same table for the lessons).
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

use crate::course::STATE_DIR;
use crate::language::messages::{Cmd, say};

/// The book's port when no base port is set (mdBook's own default).
pub const BOOK_PORT: u16 = 3000;

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
            bail!(say(Cmd::BaseOutOfRange, &[("last", &last)]));
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
                anyhow::anyhow!(say(
                    Cmd::BaseNotAPort,
                    &[("var", &BASE_PORT_VAR), ("value", &value)]
                ))
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

    /// `up`'s two captcha instances: 7009 (lesson 09's port) and 7109, or B+2 and B+3.
    pub fn captchas(self) -> [SocketAddr; 2] {
        [loopback(self.at(2, 7009)), loopback(self.at(3, 7109))]
    }

    /// `up`'s gateway, lesson 10's server: 7010, or B+4.
    pub fn gateway(self) -> SocketAddr {
        loopback(self.at(4, 7010))
    }

    /// `up`'s Prometheus: 7090, or B+8. Not Prometheus' own 9090: Debian's package runs a
    /// Prometheus of the machine's there, with a configuration of its own.
    pub fn prometheus(self) -> SocketAddr {
        loopback(self.at(8, 7090))
    }

    pub fn book(self) -> u16 {
        self.at(5, BOOK_PORT)
    }

    /// Where the book server receives spans by OTLP, gRPC and HTTP both, for its `/traces`
    /// page (lesson 15): 4317, OTLP's own port, or B+9.
    pub fn otlp(self) -> SocketAddr {
        loopback(self.at(9, 4317))
    }

    /// Where lesson `number`'s server listens: 70NN, or B+10+NN.
    pub fn lesson(self, number: u16) -> SocketAddr {
        loopback(self.at(LESSONS_FROM + number, 7000 + number))
    }

    /// Where lesson `number`'s second listener is: 71NN, or B+50+NN.
    pub fn second_listener(self, number: u16) -> SocketAddr {
        loopback(self.at(50 + number, 7100 + number))
    }

    /// Where a port the book shows is in this layout: a lesson's server or second
    /// listener, NATS, Consul, Redis; any other port (`micro api`'s 8080) as it is.
    pub fn moved(self, standard: u16) -> SocketAddr {
        match standard {
            7001..=7039 => self.lesson(standard - 7000),
            7101..=7149 => self.second_listener(standard - 7100),
            4222 => self.nats(),
            8500 => self.consul(),
            6379 => self.redis(),
            _ => loopback(standard),
        }
    }

    /// The lines that point a learner's own `cargo run -p …` at this copy's services, and
    /// move each lesson's default `--addr` into its block.
    pub fn env_lines(self) -> String {
        let base = self
            .base
            .map(|base| format!(" {BASE_PORT_VAR}={base}"))
            .unwrap_or_default();
        format!(
            "export CONSUL_HTTP_ADDR={} REDIS_URL=redis://{} NATS_URL=nats://{}{base}",
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

/// Keeps `base` as this clone's base port in `.workbook/ports.toml`, or with `None` forgets it.
pub fn keep_base(root: &Path, base: Option<u16>) -> Result<()> {
    match base {
        Some(base) => {
            Layout::from_base(base)?;
            fs::create_dir_all(root.join(STATE_DIR)).context("creating .workbook")?;
            let text = toml::to_string(&Stored { base: Some(base) })?;
            fs::write(stored_path(root), text).context("writing .workbook/ports.toml")
        }
        None => {
            let _ = fs::remove_file(stored_path(root));
            Ok(())
        }
    }
}

/// `06` of `06-register`.
pub fn lesson_number(folder: &str) -> Option<u16> {
    let digits = folder.split('-').next()?;
    let number: u16 = digits.parse().ok()?;
    (1..40 - LESSONS_FROM).contains(&number).then_some(number)
}

/// What the book's address answers at `/__workbook`, so that `doctor` can tell our book
/// server (or the session's page for the book on its way) from a stranger on its port.
pub const BOOK_SIGNATURE: &str = "workbook book server";

/// The variable naming the listening socket a book server is handed (its file descriptor),
/// already bound to the book's port: the session binds it at once, answers there while the
/// book server builds, and hands it over (`workbook::learner::session::waiting`,
/// `workbook_book::listener`).
pub const BOOK_LISTENER_VAR: &str = "WORKBOOK_BOOK_LISTENER_FD";

/// The book's address when it is served on `port`.
pub fn book_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}/")
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
        assert_eq!(layout.prometheus().port(), 7090);
        assert_eq!(layout.book(), 3000);
        assert_eq!(layout.otlp().port(), 4317);
        assert_eq!(layout.lesson(6).port(), 7006);
    }

    #[test]
    fn a_base_counts_every_port_from_it() {
        let layout = Layout::from_base(20000).unwrap();
        assert_eq!(layout.consul().port(), 20000);
        assert_eq!(layout.redis().port(), 20001);
        assert_eq!(layout.book(), 20005);
        assert_eq!(layout.nats().port(), 20006);
        assert_eq!(layout.nats_monitor().port(), 20007);
        assert_eq!(layout.prometheus().port(), 20008);
        assert_eq!(layout.otlp().port(), 20009);
        assert_eq!(layout.lesson(6).port(), 20016);
        assert_eq!(
            layout.env_lines(),
            "export CONSUL_HTTP_ADDR=127.0.0.1:20000 REDIS_URL=redis://127.0.0.1:20001 \
             NATS_URL=nats://127.0.0.1:20006 WORKBOOK_BASE_PORT=20000"
        );
        assert!(Layout::from_base(0).is_err());
        assert!(Layout::from_base(u16::MAX - 98).is_err());
        assert_eq!(lesson_number("06-register"), Some(6));
        assert_eq!(lesson_number("tcp"), None);
    }
}
