//! The record of what `up` started in one copy of the system, where its Consul, Redis and
//! NATS are, and whether Prometheus watches it: `.workbook/system/started.json`, written as
//! each process starts, so that `status` and `down` find every one, even after an `up` that
//! failed half-way.

use std::fs;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use super::plan::{Events, System};
use super::prometheus::Watch;
use crate::system::services;
use workbook_core::language::messages::{self, Cmd};
use workbook_core::ui;

/// What `up` started, and where the system's Consul and Redis are.
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Record {
    /// The base URL of the Consul the lesson servers register in.
    pub(super) consul_url: String,
    pub(super) redis_url: String,
    /// Whether the captcha instances publish their checks (none in a record from before
    /// they did).
    #[serde(default)]
    pub(super) events: Option<Events>,
    /// Whether Prometheus watches the system (none in a record from before it could).
    #[serde(default)]
    pub(super) prometheus: Option<Watch>,
    pub(super) started: Vec<Started>,
}

/// A process `up` started.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Started {
    /// `consul`, `redis`, `nats`, `audit`, `captcha-1`, `captcha-2`, `gateway`, `prometheus`.
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
            messages::tell(Cmd::NothingStartedHere, &args);
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
