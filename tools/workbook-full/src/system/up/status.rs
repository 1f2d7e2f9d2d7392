//! `status`: each part of the system, its health from Consul, whether each process `up`
//! started is alive, what the audit has counted, and how many of Prometheus' targets are up.

use std::path::Path;

use anyhow::Result;
use consul_ext::CheckStatus;

use super::events::{audit_counts, why_no_audit};
use super::health::{health_in_consul, process_note, status_word};
use super::plan::{CAPTCHA_SERVICE, Events, PROMETHEUS, System, gateway_exists};
use super::prometheus::{self, Watch};
use super::record::Record;
use super::say;
use crate::system::ports::Layout;
use crate::system::probe::{consul_leader, env_addr, http_get, nats_answers, redis_pings};
use crate::system::services::Service;
use crate::system::unreachable;
use workbook_core::language::messages::{self, Cmd};
use workbook_core::ui;

/// `status`. `Ok(false)` when some part is not up.
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

    if let Some(Events::OnNats(nats_url)) = &record.events {
        let nats_answers = nats_answers(system.layout.nats());
        let (alive, note) = process_note(&record, "nats");
        let what = answers_or_fix(nats_answers, Service::Nats, nats_url, base_port);
        show(nats_answers && alive, "nats", format!("{what}  ({note})"));
    }

    for (index, addr) in system.layout.captchas().into_iter().enumerate() {
        let name = format!("captcha-{}", index + 1);
        let (alive, note) = process_note(&record, &name);
        let (passing, health) =
            match health_in_consul(&record.consul_url, CAPTCHA_SERVICE, addr.port()).await {
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
            format!("{addr}  {health}  ({note})"),
        );
    }

    let addr = system.layout.gateway();
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

    match &record.events {
        Some(Events::OnNats(nats_url)) => {
            let (alive, note) = process_note(&record, "audit");
            let log = system.log_path("audit");
            let counts = match audit_counts(&log) {
                Some(counts) => counts.say(),
                None => {
                    let log = format!("{}/audit.log", system.shown);
                    messages::say(Cmd::AuditNotSubscribed, &[("log", &log)])
                }
            };
            show(alive, "audit", format!("{nats_url}  {counts}  ({note})"));
        }
        Some(events) => say(ui::yellow("!"), "audit", &why_no_audit(events)),
        None => {}
    }

    match record.prometheus {
        Some(Watch::Scraping) => {
            let (alive, note) = process_note(&record, PROMETHEUS);
            let addr = system.layout.prometheus();
            let (ready, what) = prometheus::health(addr);
            show(
                ready && alive,
                PROMETHEUS,
                format!("http://{addr}/  {what}  ({note})"),
            );
        }
        Some(watch) => say(ui::yellow("!"), PROMETHEUS, &prometheus::why_not(watch)),
        None => {}
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
