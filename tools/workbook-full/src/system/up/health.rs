//! What Consul says of the system, asked through consul-ext: whether an instance passes its
//! checks, each instance's worst check for `status`, and deregistering what a killed server
//! left behind.

use std::time::Duration;

use consul_ext::CheckStatus;

use super::plan::{CAPTCHA_SERVICE, System};
use super::record::Record;
use super::say;
use crate::system::services::Service;
use crate::system::unreachable;
use workbook_core::language::messages::{self, Cmd};
use workbook_core::ui;

/// How long a captcha instance may take until Consul's check of it passes.
pub(super) const HEALTH_PATIENCE: Duration = Duration::from_secs(30);

/// Whether Consul hands out the instance of `service` on `port` as healthy.
pub(super) async fn passing_in_consul(consul_url: &str, service: &str, port: u16) -> bool {
    consul_ext::healthy_instances(consul_url, service, None)
        .await
        .is_ok_and(|entries| entries.iter().any(|entry| entry.service.port == port))
}

/// The health Consul gives the instance of `service` on `port`: its worst check.
pub(super) async fn health_in_consul(
    consul_url: &str,
    service: &str,
    port: u16,
) -> Option<(String, CheckStatus)> {
    let entries = consul_ext::all_instances(consul_url, service).await.ok()?;
    let entry = entries
        .into_iter()
        .find(|entry| entry.service.port == port)?;
    Some((entry.service.id.clone(), entry.worst_check()))
}

pub(super) fn status_word(status: CheckStatus) -> String {
    let word = match status {
        CheckStatus::Passing => Cmd::Passing,
        CheckStatus::Warning => Cmd::Warning,
        CheckStatus::Critical => Cmd::Critical,
    };
    messages::say(word, &[])
}

/// What `status` says of a process `up` started: `pid N`, or that it is gone.
pub(super) fn process_note(record: &Record, name: &str) -> (bool, String) {
    match record.started.iter().find(|started| started.name == name) {
        Some(started) if started.is_alive() => {
            (true, messages::say(Cmd::PidAlive, &[("pid", &started.pid)]))
        }
        Some(started) => (
            false,
            messages::say(Cmd::PidNotRunning, &[("pid", &started.pid)]),
        ),
        None => (true, messages::say(Cmd::NotStartedByUp, &[])),
    }
}

/// Deregisters the captcha instances on this system's ports that are still registered
/// with the agent (a server killed before it could leave). The gateway registers nothing.
pub(super) async fn deregister_leftovers(system: &System, record: &Record) {
    let agent = record.consul_url.as_str();
    let Ok(services) = consul_ext::agent_services(agent).await else {
        return;
    };
    let shown = agent.trim_start_matches("http://");
    let captcha_ports = system.layout.captchas().map(|addr| addr.port());
    for service in services.values() {
        if service.service != CAPTCHA_SERVICE || !captcha_ports.contains(&service.port) {
            continue;
        }
        let answer = consul_ext::deregister(agent, &service.id).await;
        let text = match &answer {
            Ok(()) => messages::say(Cmd::Deregistered, &[("id", &service.id)]),
            Err(consul_ext::Error::Status { status: 404, .. }) => {
                unreachable::not_registered(&service.id, shown)
            }
            Err(consul_ext::Error::Status { status, .. }) => messages::say(
                Cmd::CouldNotDeregister,
                &[("id", &service.id), ("status", status)],
            ),
            Err(_) => unreachable::no_answer(Service::Consul, shown),
        };
        let mark = if answer.is_ok() {
            ui::pass_mark()
        } else {
            ui::fail_mark()
        };
        say(mark, &service.service, &text);
    }
}
