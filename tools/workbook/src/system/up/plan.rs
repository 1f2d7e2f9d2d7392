//! What runs where: the ports of one copy of the system, its folder under `.workbook/`, and
//! the record of what `up` started there, which `status`, `down` and `doctor` read.

use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::learner::state::STATE_DIR;
use crate::system::ports::Layout;
use crate::system::services;
use workbook_core::language::messages::{self, Cmd};
use workbook_core::ui;

/// Lesson 09's package: the captcha service.
pub const CAPTCHA_PACKAGE: &str = "l09-captcha";

/// Lesson 10's package: the gateway, the page in front of the captcha service.
pub const GATEWAY_PACKAGE: &str = "l10-gateway";

/// The name the captcha instances register under, and the gateway looks for.
pub(super) const CAPTCHA_SERVICE: &str = "captcha";

/// The loopback ports of the system's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ports {
    pub consul: u16,
    pub redis: u16,
    pub captchas: [u16; 2],
    pub gateway: u16,
}

impl Ports {
    /// The course's own ports: Consul's and Redis's usual ones, lesson 09 on 7009 and its
    /// second instance on 7109, lesson 10 on 7010.
    pub const STANDARD: Ports = Ports {
        consul: 8500,
        redis: 6379,
        captchas: [7009, 7109],
        gateway: 7010,
    };
}

pub(super) fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// One copy of the system: its ports and the folder of its logs and record.
pub struct System {
    pub ports: Ports,
    pub dir: PathBuf,
    /// The folder as the learner knows it: `.workbook/system`.
    pub(super) shown: String,
    /// Whether this copy is on the standard ports (its commands need no `--base-port`).
    pub(super) standard: bool,
}

impl System {
    /// The copy of the system in `layout`: on its ports, in `.workbook/system/` for the
    /// standard ones, else in `.workbook/system-BASE/`.
    pub fn new(root: &Path, layout: Layout) -> System {
        let (folder, standard) = match layout.base() {
            None => ("system".to_string(), true),
            Some(base) => (format!("system-{base}"), false),
        };
        System {
            ports: layout.system(),
            dir: root.join(STATE_DIR).join(&folder),
            shown: format!("{STATE_DIR}/{folder}"),
            standard,
        }
    }

    pub(super) fn record_path(&self) -> PathBuf {
        self.dir.join("started.json")
    }

    pub(super) fn log_path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.log"))
    }

    /// The flag that names this copy in a command, for messages: `` or ` --base-port N`.
    pub(super) fn flag(&self) -> String {
        if self.standard {
            String::new()
        } else {
            format!(" --base-port {}", self.ports.consul)
        }
    }
}

/// What `up` started and where the system's Consul and Redis are.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Record {
    /// The base URL of the Consul the lesson servers register in.
    pub(super) consul_url: String,
    pub(super) redis_url: String,
    pub(super) started: Vec<Started>,
}

/// A process `up` started.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Started {
    /// `consul`, `redis`, `captcha-1`, `captcha-2`, `gateway`.
    pub(super) name: String,
    pub(super) pid: u32,
    /// What its command line contains, to tell it from a stranger that got its pid later.
    pub(super) marker: String,
}

impl Started {
    pub(super) fn is_alive(&self) -> bool {
        services::is_alive(self.pid, &self.marker)
    }
}

impl Record {
    pub(super) fn load(system: &System) -> Option<Record> {
        let text = fs::read_to_string(system.record_path()).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// The record, or `None` after saying that `up` started nothing here.
    pub(super) fn load_or_say_none(system: &System) -> Option<Record> {
        let record = Record::load(system);
        if record.is_none() {
            let up = ui::cmd(&format!("up{}", system.flag()));
            let args: [(&str, &dyn std::fmt::Display); 3] = [
                ("mark", &ui::todo_mark()),
                ("up", &up),
                ("dir", &system.shown),
            ];
            println!("{}", messages::say(Cmd::NothingStartedHere, &args));
        }
        record
    }

    pub(super) fn save(&self, system: &System) -> Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        fs::write(system.record_path(), text).context("writing .workbook's record of `up`")
    }

    pub(super) fn running(&self, name: &str) -> Option<&Started> {
        self.started
            .iter()
            .find(|started| started.name == name && started.is_alive())
    }

    /// Writes down a process as soon as it runs, so that `down` finds it even if `up`
    /// fails later.
    pub(super) fn add(&mut self, system: &System, started: Started) -> Result<()> {
        self.started.retain(|known| known.name != started.name);
        self.started.push(started);
        self.save(system)
    }
}

/// Whether lesson 10 is in the workspace yet.
pub fn gateway_exists(root: &Path) -> bool {
    root.join("lessons/10-gateway/Cargo.toml").is_file()
}

/// For `doctor`: the process of this copy's system that `up` started on `port`, if it
/// runs.
pub fn started_on(root: &Path, layout: Layout, port: u16) -> Option<String> {
    let system = System::new(root, layout);
    let ports = system.ports;
    let name = match port {
        _ if port == ports.captchas[0] => "captcha-1",
        _ if port == ports.captchas[1] => "captcha-2",
        _ if port == ports.gateway => "gateway",
        _ => return None,
    };
    let record = Record::load(&system)?;
    let started = record.running(name)?;
    Some(format!("{name}, started by `up` (pid {})", started.pid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn a_base_port_gives_five_ports_in_a_row() {
        let ports = Layout::from_base(20000).unwrap().system();
        assert_eq!(
            ports,
            Ports {
                consul: 20000,
                redis: 20001,
                captchas: [20002, 20003],
                gateway: 20004,
            }
        );
    }

    #[test]
    pub(super) fn each_copy_has_its_own_folder() {
        let root = Path::new("/course");
        let standard = System::new(root, Layout::STANDARD);
        assert_eq!(standard.dir, Path::new("/course/.workbook/system"));
        assert_eq!(standard.ports, Ports::STANDARD);
        let other = System::new(root, Layout::from_base(20000).unwrap());
        assert_eq!(other.dir, Path::new("/course/.workbook/system-20000"));
        assert_eq!(other.flag(), " --base-port 20000");
    }
}
