//! Lesson 15's part of the system: a Prometheus that scrapes the `/metrics` of every part
//! that serves them, every [`SCRAPE_SECONDS`] seconds, and answers PromQL on its page.
//!
//! The system runs without it, too: with no `prometheus` installed, or with no part that
//! serves `/metrics` (lesson 09's own captcha service has none; lesson 12's, on lesson 11's
//! framework, has), and `up` says in one line why, as it does of the audit.
//!
//! Its targets are written into its configuration (`static_configs`) from `plan.rs`'s table.
//! They need no discovery: each part runs on a fixed port of the system's layout, and `up`
//! starts it there again whenever it is gone. A part that stops stays a target, and shows
//! as `up == 0` until it is back, which is what an operator should see. (Discovery would
//! say less here: Debian's Prometheus has no `consul_sd_configs`, lesson 10's gateway serves
//! no HTTP discovery list as `micro api` does, and a file that `up` rewrote would hold the
//! same two addresses.)

use std::fs;
use std::net::SocketAddr;
use std::process::Command;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::plan::{PROMETHEUS, Part, System};
use super::processes::{START_PATIENCE, block_until, start};
use super::record::Record;
use super::{passed, say};
use crate::system::install;
use crate::system::probe::{http_get, port_taken};
use workbook_core::language::messages::{self, Cmd};
use workbook_core::ui;

/// How often Prometheus scrapes each part: often, so that a call made on the page shows
/// on its graph within seconds.
pub(super) const SCRAPE_SECONDS: u32 = 2;

/// How long Prometheus keeps what it scraped: a day of a learner's system is plenty, and
/// its folder does not grow without end.
const RETENTION: &str = "1d";

/// Whether Prometheus watches the system, and if not, why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) enum Watch {
    /// `up` started it, or an earlier `up` did and it still runs.
    Scraping,
    /// No `prometheus` is installed,
    NotInstalled,
    /// or no part of the system serves `/metrics`.
    NothingToScrape,
}

/// Starts Prometheus once the parts in `stages` are ready, unless an earlier `up`'s still
/// runs. Says why not where it cannot.
pub(super) fn prometheus_up(
    system: &System,
    record: &mut Record,
    stages: &[Vec<Part>],
) -> Result<Watch> {
    let addr = system.layout.prometheus();
    let url = format!("http://{addr}/");
    if let Some(started) = record.running(PROMETHEUS) {
        let args: [(&str, &dyn std::fmt::Display); 2] = [("addr", &url), ("pid", &started.pid)];
        passed(PROMETHEUS, Cmd::AlreadyRunningOn, &args);
        return Ok(Watch::Scraping);
    }
    // A `PROMETHEUS` that names no file is no Prometheus either.
    let Some(program) = programs::find_prometheus().filter(|path| path.is_file()) else {
        say(ui::yellow("!"), PROMETHEUS, &why_not(Watch::NotInstalled));
        return Ok(Watch::NotInstalled);
    };
    let targets: Vec<&Part> = stages
        .iter()
        .flatten()
        .filter(|part| part.scraped_as.is_some())
        .collect();
    if targets.is_empty() {
        say(
            ui::yellow("!"),
            PROMETHEUS,
            &why_not(Watch::NothingToScrape),
        );
        return Ok(Watch::NothingToScrape);
    }
    if port_taken(addr) {
        bail!(messages::say(
            Cmd::LessonPortTaken,
            &[("port", &addr.port())]
        ));
    }
    let config = system.dir.join("prometheus.yml");
    fs::write(&config, configuration(&targets))
        .with_context(|| format!("writing {}", config.display()))?;
    let store = system.dir.join("prometheus");
    let mut command = Command::new(program);
    command
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--storage.tsdb.path={}", store.display()))
        .arg(format!("--storage.tsdb.retention.time={RETENTION}"))
        .arg(format!("--web.listen-address={addr}"));
    let mut child = start(system, record, PROMETHEUS, command, PROMETHEUS)?;
    let log = system.log_path(PROMETHEUS);
    block_until(&mut child, PROMETHEUS, &log, START_PATIENCE, || {
        is_ready(addr)
    })?;
    let names: Vec<&str> = targets.iter().map(|part| part.name.as_str()).collect();
    let args: [(&str, &dyn std::fmt::Display); 4] = [
        ("url", &url),
        ("parts", &names.join(", ")),
        ("seconds", &SCRAPE_SECONDS),
        ("pid", &child.id()),
    ];
    passed(PROMETHEUS, Cmd::PrometheusScraping, &args);
    Ok(Watch::Scraping)
}

/// Why Prometheus does not watch the system.
pub(super) fn why_not(watch: Watch) -> String {
    match watch {
        Watch::Scraping => String::new(),
        Watch::NotInstalled => {
            let command = install::install_command(&[("prometheus", "prometheus")]);
            messages::say(Cmd::NoPrometheus, &[("command", &command)])
        }
        Watch::NothingToScrape => messages::say(Cmd::PrometheusNothingToScrape, &[]),
    }
}

/// `prometheus.yml`: one job for each service among `targets`, each part a target of its
/// own, labelled with its service (the label `micro api`'s discovery gives, so that chapter
/// 15's queries `by (service)` read these too) and its name in `up`'s record.
fn configuration(targets: &[&Part]) -> String {
    let every = SCRAPE_SECONDS;
    let mut yml = format!(
        "# Written by `workbook up` when it starts this Prometheus: the parts of the system\n\
         # that serve /metrics, on the system's ports.\n\
         global:\n  scrape_interval: {every}s\n  scrape_timeout: {every}s\n\
         scrape_configs:\n"
    );
    let mut services: Vec<&str> = Vec::new();
    for service in targets.iter().filter_map(|part| part.scraped_as) {
        if !services.contains(&service) {
            services.push(service);
        }
    }
    for service in services {
        yml += &format!("  - job_name: {service}\n    static_configs:\n");
        for part in targets
            .iter()
            .filter(|part| part.scraped_as == Some(service))
        {
            let Some(addr) = part.addr else { continue };
            yml += &format!(
                "      - targets: ['{addr}']\n        labels: {{service: {service}, part: {}}}\n",
                part.name
            );
        }
    }
    yml
}

/// Whether Prometheus on `addr` has loaded its store and serves queries.
fn is_ready(addr: SocketAddr) -> bool {
    http_get(addr, "/-/ready").is_some_and(|(status, _)| status == 200)
}

/// What `status` says of the Prometheus on `addr`: whether it is ready, and how many of its
/// targets answered their last scrape (`/api/v1/targets`).
pub(super) fn health(addr: SocketAddr) -> (bool, String) {
    if !is_ready(addr) {
        return (false, messages::say(Cmd::DoesNotAnswer, &[]));
    }
    let targets = http_get(addr, "/api/v1/targets?state=active")
        .and_then(|(_, body)| serde_json::from_str::<serde_json::Value>(&body).ok())
        .and_then(|answer| answer["data"]["activeTargets"].as_array().cloned())
        .unwrap_or_default();
    let up = targets
        .iter()
        .filter(|target| target["health"] == "up")
        .count();
    let args: [(&str, &dyn std::fmt::Display); 2] = [("up", &up), ("all", &targets.len())];
    (true, messages::say(Cmd::PrometheusTargetsUp, &args))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::system::ports::Layout;
    use crate::system::up::plan::{Events, stages};

    #[test]
    fn prometheus_scrapes_each_captcha_instance_of_lesson_12_as_the_captcha_service() {
        let system = System::new(Path::new("/course"), Layout::from_base(20000).unwrap());
        let nats = Events::OnNats("nats://127.0.0.1:20006".into());
        let stages = stages(&system, "http://127.0.0.1:20000", &nats, true);
        let targets: Vec<&Part> = stages
            .iter()
            .flatten()
            .filter(|part| part.scraped_as.is_some())
            .collect();
        let yml = configuration(&targets);
        assert!(yml.contains("  scrape_interval: 2s\n"), "{yml}");
        assert!(
            yml.contains(
                "  - job_name: captcha\n    static_configs:\n\
                 \x20     - targets: ['127.0.0.1:20002']\n\
                 \x20       labels: {service: captcha, part: captcha-1}\n\
                 \x20     - targets: ['127.0.0.1:20003']\n\
                 \x20       labels: {service: captcha, part: captcha-2}\n"
            ),
            "{yml}"
        );
        assert_eq!(yml.matches("job_name").count(), 1, "{yml}");
    }
}
