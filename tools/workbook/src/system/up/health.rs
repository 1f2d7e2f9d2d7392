//! What Consul says of the system: whether an instance passes its checks, each instance's
//! worst check for `status`, and deregistering what a killed server left behind.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use consul_ext::{CheckStatus, ServiceEntry};
use serde::Deserialize;

use super::plan::{CAPTCHA_SERVICE, Record, System};
use super::say;
use crate::common::ui;
use crate::system::probe::{env_addr, http_get};
use crate::system::services::Service;
use crate::system::unreachable;

/// How long a captcha instance may take until Consul's check of it passes.
pub(super) const HEALTH_PATIENCE: Duration = Duration::from_secs(30);

/// Whether Consul hands out the instance of `service` on `port` as healthy.
pub(super) async fn passing_in_consul(consul_url: &str, service: &str, port: u16) -> bool {
    consul_ext::healthy_instances(consul_url, service, None)
        .await
        .is_ok_and(|entries| entries.iter().any(|entry| entry.service.port == port))
}

/// Every instance of `service` Consul knows, passing or not, with its worst check.
pub(super) fn instances_in_consul(consul_url: &str, service: &str) -> Option<Vec<ServiceEntry>> {
    let addr = env_addr(consul_url)?;
    match http_get(addr, &format!("/v1/health/service/{service}"))? {
        (200, body) => serde_json::from_str(&body).ok(),
        _ => None,
    }
}

/// The health Consul gives the instance of `service` on `port`: its worst check.
pub(super) fn health_in_consul(
    consul_url: &str,
    service: &str,
    port: u16,
) -> Option<(String, CheckStatus)> {
    let entries = instances_in_consul(consul_url, service)?;
    let entry = entries
        .into_iter()
        .find(|entry| entry.service.port == port)?;
    let worst = entry
        .checks
        .iter()
        .map(|check| check.status)
        .max_by_key(|status| match status {
            CheckStatus::Passing => 0,
            CheckStatus::Warning => 1,
            CheckStatus::Critical => 2,
        })
        .unwrap_or(CheckStatus::Passing);
    Some((entry.service.id, worst))
}

pub(super) fn status_word(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Passing => "passing",
        CheckStatus::Warning => "warning",
        CheckStatus::Critical => "critical",
    }
}

/// What `status` says of a process `up` started: `pid N`, or that it is gone.
pub(super) fn process_note(record: &Record, name: &str) -> (bool, String) {
    match record.started.iter().find(|started| started.name == name) {
        Some(started) if started.is_alive() => (true, format!("pid {} alive", started.pid)),
        Some(started) => (false, format!("pid {} NOT running", started.pid)),
        None => (true, "not started by `up`".to_string()),
    }
}

/// Deregisters the captcha instances on this system's ports that are still registered
/// with the agent (a server killed before it could leave). The gateway registers nothing.
pub(super) fn deregister_leftovers(system: &System, record: &Record) {
    let Some(addr) = env_addr(&record.consul_url) else {
        return;
    };
    let Some((200, body)) = http_get(addr, "/v1/agent/services") else {
        return;
    };
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct AgentService {
        #[serde(rename = "ID")]
        id: String,
        service: String,
        port: u16,
    }
    let Ok(services) = serde_json::from_str::<HashMap<String, AgentService>>(&body) else {
        return;
    };
    for service in services.values() {
        if service.service != CAPTCHA_SERVICE || !system.ports.captchas.contains(&service.port) {
            continue;
        }
        let path = format!("/v1/agent/service/deregister/{}", service.id);
        let answer = http_put(addr, &path);
        let done = answer == Some(200);
        let text = match answer {
            Some(200) => format!("deregistered {} (it had not left Consul)", service.id),
            Some(404) => unreachable::not_registered(&service.id, &addr.to_string()),
            Some(status) => format!(
                "could not deregister {}: the agent answered {status}",
                service.id
            ),
            None => unreachable::no_answer(Service::Consul, &addr.to_string()),
        };
        let mark = if done {
            ui::pass_mark()
        } else {
            ui::fail_mark()
        };
        say(mark, &service.service, &text);
    }
}

/// A bodiless HTTP/1.0 PUT; the answer's status.
pub(super) fn http_put(addr: SocketAddr, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(300)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        stream,
        "PUT {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut status_line = String::new();
    BufReader::new(stream).read_line(&mut status_line).ok()?;
    status_line.split_whitespace().nth(1)?.parse().ok()
}
