//! `up`, `status`, `down`: the whole system of lessons 09–10 in the background.
//!
//! `up` starts, in this order and each only once the one before it answers: Consul (the one
//! `CONSUL_HTTP_ADDR` names, else whatever agent answers on its port, else the embedded
//! agent), Redis (one that answers on its port, else `redis-server`), two instances of
//! lesson 09's captcha service, and lesson 10's gateway, the web page in front of them. It
//! builds the lessons' executables with one cargo invocation, runs them directly, and waits
//! until Consul calls each captcha instance passing before it starts the gateway.
//!
//! What `up` started is written down in `.workbook/system/started.json`, with every
//! process's log beside it; `status` and `down` read it. `down` stops only what `up`
//! started: SIGTERM first (a lesson server then leaves Consul by itself), SIGKILL after a
//! while, then it deregisters any instance of ours that is still in Consul.
//!
//! A base port N (`--base-port N`, `WORKBOOK_BASE_PORT`, or this clone's `ports --base N`:
//! see `system/ports.rs`) runs another copy of the system on N..N+4 (Consul, Redis, the two
//! captcha instances, the gateway), with its own folder `.workbook/system-N/`: two learners
//! on one machine each run their own, and the tests stay off the ports a learner uses.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result};
use consul_ext::CheckStatus;

use crate::system::ports::Layout;
use crate::system::probe::{consul_leader, env_addr, http_get, redis_pings};
use crate::system::services::Service;
use crate::system::unreachable;
use workbook_core::language::messages::{self, Cmd};
use workbook_core::ui;

mod health;
pub mod plan;
mod processes;

use health::{
    HEALTH_PATIENCE, deregister_leftovers, health_in_consul, passing_in_consul, process_note,
    status_word,
};
use plan::{
    CAPTCHA_PACKAGE, CAPTCHA_SERVICE, GATEWAY_PACKAGE, Record, Started, System, gateway_exists,
    loopback,
};
use processes::{START_PATIENCE, build, consul_up, redis_up, start_lesson, stop, wait_until};

/// A line of `up`'s, `status`'s or `down`'s report: a mark, the part's name, the text.
fn say(mark: String, name: &str, text: &str) {
    println!("{mark} {name:<9} {text}");
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
    for name in ["gateway", "captcha-2", "captcha-1"] {
        if ours.iter().any(|n| n == name) {
            stop(record, name);
        }
    }
    deregister_leftovers(system, record).await;
    for name in ["redis", "consul"] {
        if ours.iter().any(|n| n == name) {
            stop(record, name);
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
    record.save(system)?;

    let with_gateway = gateway_exists(root);
    let mut packages = vec![CAPTCHA_PACKAGE];
    if with_gateway {
        packages.push(GATEWAY_PACKAGE);
    }
    let executables = build(root, &packages, solution)?;
    let lesson_env = [("CONSUL_HTTP_ADDR", &consul_url), ("REDIS_URL", &redis_url)];

    // Both captcha instances start at once, then each is waited for.
    let mut waiting = Vec::new();
    for (index, port) in system.ports.captchas.into_iter().enumerate() {
        let name = format!("captcha-{}", index + 1);
        let addr = loopback(port);
        if let Some(started) = record.running(&name) {
            say(
                ui::pass_mark(),
                &name,
                &messages::say(
                    Cmd::AlreadyRunningOn,
                    &[("addr", &addr), ("pid", &started.pid)],
                ),
            );
            continue;
        }
        let child = start_lesson(
            system,
            record,
            &name,
            &executables[CAPTCHA_PACKAGE],
            addr,
            &lesson_env,
        )?;
        waiting.push((name, addr, child));
    }
    for (name, addr, mut child) in waiting {
        let log = system.log_path(&name);
        wait_until(&mut child, &name, &log, HEALTH_PATIENCE, || {
            passing_in_consul(&consul_url, CAPTCHA_SERVICE, addr.port())
        })
        .await?;
        say(
            ui::pass_mark(),
            &name,
            &messages::say(
                Cmd::PassingInConsul,
                &[
                    ("addr", &addr),
                    ("service", &CAPTCHA_SERVICE),
                    ("pid", &child.id()),
                ],
            ),
        );
    }

    let addr = loopback(system.ports.gateway);
    let page = format!("http://{addr}/");
    if !with_gateway {
        let text = messages::say(Cmd::NoGatewayStartedRest, &[]);
        say(ui::yellow("!"), "gateway", &text);
    } else if let Some(started) = record.running("gateway") {
        say(
            ui::pass_mark(),
            "gateway",
            &messages::say(
                Cmd::AlreadyRunningOn,
                &[("addr", &page), ("pid", &started.pid)],
            ),
        );
    } else {
        let mut child = start_lesson(
            system,
            record,
            "gateway",
            &executables[GATEWAY_PACKAGE],
            addr,
            &lesson_env,
        )?;
        let log = system.log_path("gateway");
        wait_until(&mut child, "gateway", &log, START_PATIENCE, || async move {
            http_get(addr, "/").is_some()
        })
        .await?;
        say(
            ui::pass_mark(),
            "gateway",
            &messages::say(Cmd::PageAnswers, &[("url", &page), ("pid", &child.id())]),
        );
    }

    println!();
    if with_gateway {
        let url = ui::bold(&page);
        println!("{}", messages::say(Cmd::ThePage, &[("url", &url)]));
    }
    let status = ui::cmd(&format!("status{}", system.flag()));
    let down = ui::cmd(&format!("down{}", system.flag()));
    let args: [(&str, &dyn std::fmt::Display); 3] =
        [("dir", &system.shown), ("status", &status), ("down", &down)];
    println!("{}", messages::say(Cmd::UpLogsSeeStop, &args));
    // Off the standard ports, a learner's own `cargo run -p …` needs telling where they are.
    if !system.standard {
        println!("{}", messages::say(Cmd::ServicesYourShell, &[]));
        println!("    export CONSUL_HTTP_ADDR={consul_url} REDIS_URL={redis_url}");
    }
    Ok(())
}

/// `status`: each part, its health from Consul, and whether each process `up` started is
/// alive. `Ok(false)` when some part is not up.
pub async fn status(root: &Path, layout: Layout) -> Result<bool> {
    let system = System::new(root, layout);
    let base_port = layout.base();
    let Some(record) = Record::load_or_say_none(&system) else {
        return Ok(false);
    };
    let mut all_up = true;
    let mut show = |up: bool, name: &str, text: String| {
        all_up &= up;
        let mark = if up { ui::pass_mark() } else { ui::fail_mark() };
        say(mark, name, &text);
    };

    let consul_answers = env_addr(&record.consul_url)
        .and_then(consul_leader)
        .is_some();
    let (alive, note) = process_note(&record, "consul");
    let what = answers_or_fix(
        consul_answers,
        Service::Consul,
        &record.consul_url,
        base_port,
    );
    show(
        consul_answers && alive,
        "consul",
        format!("{what}  ({note})"),
    );

    let redis_answers = record
        .redis_url
        .strip_prefix("redis://")
        .and_then(|addr| addr.parse().ok())
        .is_some_and(redis_pings);
    let (alive, note) = process_note(&record, "redis");
    let what = answers_or_fix(redis_answers, Service::Redis, &record.redis_url, base_port);
    show(redis_answers && alive, "redis", format!("{what}  ({note})"));

    for (index, port) in system.ports.captchas.into_iter().enumerate() {
        let name = format!("captcha-{}", index + 1);
        let (alive, note) = process_note(&record, &name);
        let (passing, health) =
            match health_in_consul(&record.consul_url, CAPTCHA_SERVICE, port).await {
                Some((id, status)) => (
                    status == CheckStatus::Passing,
                    messages::say(
                        Cmd::InConsulAs,
                        &[("status", &status_word(status)), ("id", &id)],
                    ),
                ),
                None => (false, messages::say(Cmd::NotRegistered, &[])),
            };
        show(
            passing && alive,
            &name,
            format!("{}  {health}  ({note})", loopback(port)),
        );
    }

    let addr = loopback(system.ports.gateway);
    if record
        .started
        .iter()
        .any(|started| started.name == "gateway")
    {
        let (alive, note) = process_note(&record, "gateway");
        let answers = http_get(addr, "/").is_some();
        let what = if answers {
            messages::say(Cmd::AnswersWord, &[])
        } else {
            messages::say(Cmd::DoesNotAnswer, &[])
        };
        show(
            answers && alive,
            "gateway",
            format!("http://{addr}/  {what}  ({note})"),
        );
    } else if gateway_exists(root) {
        let url = format!("http://{addr}/");
        show(
            false,
            "gateway",
            messages::say(Cmd::NotStarted, &[("url", &url)]),
        );
    } else {
        let text = messages::say(Cmd::NoGatewayYet, &[]);
        say(ui::yellow("!"), "gateway", &text);
    }
    Ok(all_up)
}

/// `URL  answers`, or what does not answer there and the command that starts it again.
fn answers_or_fix(answers: bool, service: Service, url: &str, base_port: Option<u16>) -> String {
    if answers {
        messages::say(Cmd::Answers, &[("url", &url)])
    } else {
        unreachable::no_answer_in_system(service, url, base_port)
    }
}

/// `down`: stops what `up` started, the lesson servers first (SIGTERM, SIGKILL after
/// [`STOP_PATIENCE`]), deregisters what they left in Consul, then Redis and Consul.
pub async fn down(root: &Path, layout: Layout) -> Result<()> {
    let system = System::new(root, layout);
    let Some(record) = Record::load_or_say_none(&system) else {
        return Ok(());
    };
    for name in ["gateway", "captcha-2", "captcha-1"] {
        stop(&record, name);
    }
    deregister_leftovers(&system, &record).await;
    for name in ["redis", "consul"] {
        stop(&record, name);
    }
    fs::remove_file(system.record_path()).context("removing the record of `up`")?;
    println!(
        "{}",
        messages::say(Cmd::LogsStay, &[("dir", &system.shown)])
    );
    Ok(())
}
