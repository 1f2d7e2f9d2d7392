//! `up`, `status`, `down`: the whole system of lessons 09–12 in the background, watched by
//! lesson 15's Prometheus.
//!
//! `up` starts, in this order and each only once the one before it answers: Consul (the one
//! `CONSUL_HTTP_ADDR` names, else whatever agent answers on its port, else the embedded
//! agent), Redis (one that answers on its port, else `redis-server`), NATS (likewise, else
//! `nats-server`), then the lessons' processes of `plan.rs`'s table: lesson 12's audit and
//! two instances of lesson 09's captcha service as lesson 12 runs it, publishing every check
//! on NATS, and lesson 10's gateway, the web page in front of them. With no NATS the captcha
//! instances are lesson 09's own and no audit runs (`events.rs`). It builds the lessons'
//! executables with one cargo invocation, runs them directly, and waits until Consul calls
//! each captcha instance passing before it starts the gateway. Last, where `prometheus` is
//! installed, a Prometheus that scrapes the captcha instances' `/metrics` (`prometheus.rs`).
//!
//! What `up` started is written down in `.workbook/system/started.json`, with every
//! process's log beside it; `status` and `down` read it. `down` stops only what `up`
//! started: SIGTERM first (a lesson server then leaves Consul by itself), SIGKILL after a
//! while, then it deregisters any instance of ours that is still in Consul.
//!
//! A base port N (`--base-port N`, `WORKBOOK_BASE_PORT`, or this clone's `ports --base N`:
//! see `system/ports.rs`) runs another copy of the system on N..N+4 (Consul, Redis, the two
//! captcha instances, the gateway), N+6 (NATS) and N+8 (Prometheus), with its own folder
//! `.workbook/system-N/`: two learners on one machine each run their own, and the tests stay
//! off the ports a learner uses.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};

use crate::system::ports::Layout;
use crate::system::probe::{http_get, nats_answers};
use workbook_core::language::messages::{self, Cmd};
use workbook_core::ui;

mod consul_redis;
mod events;
mod health;
pub mod plan;
mod processes;
mod prometheus;
mod record;
mod status;

use consul_redis::{consul_up, redis_up};
use events::{Counts, audit_counts, events_up};
use health::{HEALTH_PATIENCE, deregister_leftovers, passing_in_consul};
use plan::{
    CAPTCHA_SERVICE, Events, PARTS_NEWEST_FIRST, Part, Ready, SERVICES_NEWEST_FIRST, System,
    gateway_exists,
};
use processes::{START_PATIENCE, build, start_lesson, stop, wait_until};
use prometheus::{Watch, prometheus_up};
use record::{Record, Started};
pub use status::status;

/// A line of `up`'s, `status`'s or `down`'s report: a mark, the part's name, the text.
fn say(mark: String, name: &str, text: &str) {
    println!("{mark} {name:<9} {text}");
}

/// A line for a part that is ready: the pass mark, its name, one of the runner's sentences.
fn passed(name: &str, sentence: Cmd, args: &[(&str, &dyn std::fmt::Display)]) {
    say(ui::pass_mark(), name, &messages::say(sentence, args));
}

/// `up`: starts what is not running yet, waits until each part answers or passes its
/// health check, and prints the page's address. An `up` that fails stops what it started
/// itself (what was running before stays): a half-started system would hold its ports,
/// and its Consul would keep answering as if all were well.
pub async fn up(root: &Path, layout: Layout, solution: bool) -> Result<()> {
    let system = System::new(root, layout);
    fs::create_dir_all(&system.dir)
        .with_context(|| format!("creating {}", system.dir.display()))?;
    let mut record = Record::load(&system).unwrap_or_default();
    record.started.retain(Started::is_alive);
    let running_before: Vec<String> = record.started.iter().map(|s| s.name.clone()).collect();

    let started = start(root, &system, &mut record, solution).await;
    if started.is_err() {
        stop_started_since(&system, &mut record, &running_before).await;
    }
    started
}

/// After a failed `up`: stops, newest first, each process not in `running_before`, and
/// takes what the lesson servers left in Consul out of it before Consul itself stops.
async fn stop_started_since(system: &System, record: &mut Record, running_before: &[String]) {
    let ours: Vec<String> = record
        .started
        .iter()
        .map(|s| s.name.clone())
        .filter(|name| !running_before.contains(name))
        .collect();
    if ours.is_empty() {
        return;
    }
    println!();
    println!(
        "{} `up` failed: stopping what it started ({})",
        ui::yellow("!"),
        ours.join(", ")
    );
    for name in PARTS_NEWEST_FIRST {
        if ours.iter().any(|n| n == name) {
            stop(record, name, false);
        }
    }
    deregister_leftovers(system, record).await;
    for name in SERVICES_NEWEST_FIRST {
        if ours.iter().any(|n| n == name) {
            stop(record, name, false);
        }
    }
    record.started.retain(|s| !ours.contains(&s.name));
    let _ = if record.started.is_empty() {
        fs::remove_file(system.record_path()).map_err(anyhow::Error::from)
    } else {
        record.save(system)
    };
}

/// The body of `up`, writing down each process in `record` as it starts.
async fn start(root: &Path, system: &System, record: &mut Record, solution: bool) -> Result<()> {
    let consul_url = consul_up(root, system, record)?;
    let redis_url = redis_up(system, record)?;
    record.consul_url = consul_url.clone();
    record.redis_url = redis_url.clone();
    let events = events_up(root, system, record, solution)?;
    record.events = Some(events.clone());
    record.save(system)?;

    let with_gateway = gateway_exists(root);
    let stages = plan::stages(system, &consul_url, &events, with_gateway);
    let mut packages: Vec<&str> = Vec::new();
    for part in stages.iter().flatten() {
        if !packages.contains(&part.package) {
            packages.push(part.package);
        }
    }
    let executables = build(root, &packages, solution)?;
    let lesson_env = [("CONSUL_HTTP_ADDR", &consul_url), ("REDIS_URL", &redis_url)];

    for stage in &stages {
        // The parts of a stage start at once, then each is waited for.
        let mut waiting = Vec::new();
        for part in stage {
            if let Some(started) = record.running(&part.name) {
                say_already_running(system, part, started);
                continue;
            }
            let executable = &executables[part.package];
            let child = start_lesson(system, record, part, executable, &lesson_env)?;
            waiting.push((part, child));
        }
        for (part, mut child) in waiting {
            let log = system.log_path(&part.name);
            let patience = match part.ready {
                Ready::PassingInConsul => HEALTH_PATIENCE,
                Ready::PageAnswers | Ready::Subscribed => START_PATIENCE,
            };
            wait_until(&mut child, &part.name, &log, patience, || {
                is_ready(system, &consul_url, part)
            })
            .await?;
            say(ui::pass_mark(), &part.name, &ready_line(part, child.id()));
        }
    }
    if !with_gateway {
        let text = messages::say(Cmd::NoGatewayStartedRest, &[]);
        say(ui::yellow("!"), "gateway", &text);
    }
    let watch = prometheus_up(system, record, &stages)?;
    record.prometheus = Some(watch);
    record.save(system)?;

    println!();
    if with_gateway {
        let page = format!("http://{}/", system.layout.gateway());
        let url = ui::bold(&page);
        messages::tell(Cmd::ThePage, &[("url", &url)]);
    }
    if watch == Watch::Scraping {
        let prometheus = format!("http://{}/", system.layout.prometheus());
        let url = ui::bold(&prometheus);
        messages::tell(Cmd::ThePrometheus, &[("url", &url)]);
    }
    if matches!(events, Events::OnNats(_)) {
        let log = system.log_path("audit");
        let counts = audit_counts(&log).unwrap_or(Counts { right: 0, wrong: 0 });
        let log = format!("{}/audit.log", system.shown);
        let args: [(&str, &dyn std::fmt::Display); 2] = [("counts", &counts.say()), ("log", &log)];
        messages::tell(Cmd::TheAudit, &args);
    }
    let status = ui::cmd(&format!("status{}", system.flag()));
    let down = ui::cmd(&format!("down{}", system.flag()));
    let args: [(&str, &dyn std::fmt::Display); 3] =
        [("dir", &system.shown), ("status", &status), ("down", &down)];
    messages::tell(Cmd::UpLogsSeeStop, &args);
    // Off the standard ports, a learner's own `cargo run -p …` needs telling where they are.
    if system.layout.base().is_some() {
        messages::tell(Cmd::ServicesYourShell, &[]);
        match &events {
            Events::OnNats(nats_url) => println!(
                "    export CONSUL_HTTP_ADDR={consul_url} REDIS_URL={redis_url} NATS_URL={nats_url}"
            ),
            _ => println!("    export CONSUL_HTTP_ADDR={consul_url} REDIS_URL={redis_url}"),
        }
    }
    Ok(())
}

/// What `up` says of a part an earlier `up` started. One started from another lesson
/// (lesson 09's captcha service, before NATS was there) stays as it is until `down`.
fn say_already_running(system: &System, part: &Part, started: &Started) {
    if started.marker == part.package {
        let args: [(&str, &dyn std::fmt::Display); 2] =
            [("addr", &part.place), ("pid", &started.pid)];
        let text = messages::say(Cmd::AlreadyRunningOn, &args);
        return say(ui::pass_mark(), &part.name, &text);
    }
    let down = ui::cmd(&format!("down{}", system.flag()));
    let up = ui::cmd(&format!("up{}", system.flag()));
    let args: [(&str, &dyn std::fmt::Display); 6] = [
        ("addr", &part.place),
        ("pid", &started.pid),
        ("running", &started.marker),
        ("down", &down),
        ("up", &up),
        ("package", &part.package),
    ];
    let text = messages::say(Cmd::AlreadyRunningAs, &args);
    say(ui::yellow("!"), &part.name, &text);
}

/// The id `up` asks the gateway an image for, to know that it serves them: a code
/// for it lands in Redis and expires there like any other.
const READINESS_UUID: &str = "00000000-0000-4000-8000-00000000000a";

/// Whether a part `up` started is ready, as its table row says to tell.
async fn is_ready(system: &System, consul_url: &str, part: &Part) -> bool {
    match (part.ready, part.addr) {
        (Ready::PassingInConsul, Some(addr)) => {
            passing_in_consul(consul_url, CAPTCHA_SERVICE, addr.port()).await
        }
        // The page answers before the gateway has found a captcha instance; an image it
        // can fetch proves the whole path (gateway → Consul → captcha → Redis) is there.
        (Ready::PageAnswers, Some(addr)) => {
            let image = format!("/api/v1.0/imagecode/{READINESS_UUID}");
            http_get(addr, "/").is_some() && http_get(addr, &image).is_some_and(|(s, _)| s == 200)
        }
        (Ready::Subscribed, _) => audit_counts(&system.log_path(&part.name)).is_some(),
        (_, None) => false,
    }
}

/// What `up` says of a part once it is ready.
fn ready_line(part: &Part, pid: u32) -> String {
    match part.ready {
        Ready::PassingInConsul => {
            let args: [(&str, &dyn std::fmt::Display); 3] = [
                ("addr", &part.place),
                ("service", &CAPTCHA_SERVICE),
                ("pid", &pid),
            ];
            messages::say(Cmd::PassingInConsul, &args)
        }
        Ready::PageAnswers => {
            messages::say(Cmd::PageAnswers, &[("url", &part.place), ("pid", &pid)])
        }
        Ready::Subscribed => {
            messages::say(Cmd::AuditSubscribed, &[("url", &part.place), ("pid", &pid)])
        }
    }
}

/// `down`: stops what `up` started, Prometheus and the lesson servers first (SIGTERM,
/// SIGKILL after `STOP_PATIENCE`), deregisters what they left in Consul, then NATS, Redis
/// and Consul.
pub async fn down(root: &Path, layout: Layout) -> Result<()> {
    let system = System::new(root, layout);
    let Some(record) = Record::load_or_say_none(&system) else {
        return Ok(());
    };
    for name in PARTS_NEWEST_FIRST {
        stop(&record, name, false);
    }
    deregister_leftovers(&system, &record).await;
    for name in SERVICES_NEWEST_FIRST {
        // Consul and Redis are always there; a NATS `up` did not start may be none at all
        // (without nats-server, `up` runs lesson 09's service and no audit).
        let there = name != "nats" || nats_answers(system.layout.nats());
        stop(&record, name, there);
    }
    fs::remove_file(system.record_path()).context("removing the record of `up`")?;
    messages::tell(Cmd::LogsStay, &[("dir", &system.shown)]);
    Ok(())
}
