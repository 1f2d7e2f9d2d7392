//! One wording for "the service this program needs is not there", with the command that
//! starts it: the same words the course runner uses (`workbook services status`, `up`,
//! `status`), so a learner reads one sentence wherever it happens.
//!
//! And what a failed call to the agent means, said plainly: nothing listening is "no
//! Consul agent answers", a deregistration the agent answers 404 to is an instance that
//! was not registered there (not an agent that is down).

use std::error::Error;

/// What a lesson's program needs and did not find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needed {
    Consul,
    Redis,
    Etcd,
}

/// `no Consul agent answers at ADDR: start one with …`, the runner's commands written as
/// code (`` `cargo run -p workbook -- services up` ``).
pub fn no_answer(needed: Needed, addr: &str) -> String {
    no_answer_showing(needed, addr, |args| {
        format!("`cargo run -p workbook -- {args}`")
    })
}

/// The same, with each of the runner's commands written by `command` (the runner shows
/// its own in colour).
pub fn no_answer_showing(needed: Needed, addr: &str, command: impl Fn(&str) -> String) -> String {
    let services_up = format!(
        "{} (or {} for all of lessons 09–10)",
        command("services up"),
        command("up")
    );
    let nothing = nothing(needed);
    match needed {
        Needed::Consul => format!(
            "{nothing} answers at {addr}: start one with {services_up}, or point \
             CONSUL_HTTP_ADDR at yours"
        ),
        Needed::Redis => format!(
            "{nothing} answers at {addr}: start one with {services_up}, or point REDIS_URL at \
             yours"
        ),
        Needed::Etcd => format!(
            "{nothing} answers at {addr}: start a cluster as chapter 11's \"Run it\" shows \
             (`etcd --name n1 --data-dir n1 …`)"
        ),
    }
}

/// What is missing, as the sentences say it: `no Consul agent`, `no Redis`, `no etcd`.
pub fn nothing(needed: Needed) -> &'static str {
    match needed {
        Needed::Consul => "no Consul agent",
        Needed::Redis => "no Redis",
        Needed::Etcd => "no etcd",
    }
}

/// A deregistration the agent answered 404 to: the instance was not registered there.
pub fn not_registered(id: &str, agent: &str) -> String {
    format!("{id} was not registered with the Consul agent at {agent}: nothing to deregister")
}

/// What a failed `what` (`register`, `deregister`) of instance `id` (or of "the
/// instance", if empty) with the agent at `agent` means.
pub fn agent_call_failed(
    what: &str,
    id: &str,
    agent: &str,
    error: &(dyn Error + 'static),
) -> String {
    let who = if id.is_empty() { "the instance" } else { id };
    if nothing_listens(error) {
        return format!("cannot {what} {who}: {}", no_answer(Needed::Consul, agent));
    }
    if what == "deregister" && status(error) == Some(404) {
        return not_registered(who, agent);
    }
    format!("cannot {what} {who} with the Consul agent at {agent}")
}

/// Whether the connection was refused: an `io::Error` somewhere in the chain says so.
fn nothing_listens(error: &(dyn Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(error) = next {
        if let Some(io) = error.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionRefused
        {
            return true;
        }
        next = error.source();
    }
    false
}

/// The HTTP status the agent answered with, when that is what failed.
fn status(error: &(dyn Error + 'static)) -> Option<u16> {
    let mut next = Some(error);
    while let Some(error) = next {
        if let Some(consulrs::error::ClientError::APIError { code, .. }) = error.downcast_ref() {
            return Some(*code);
        }
        next = error.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_connection_is_no_agent_and_names_the_command_that_starts_one() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let said = agent_call_failed("register", "greeter-1", "http://127.0.0.1:1", &refused);
        assert!(
            said.starts_with(
                "cannot register greeter-1: no Consul agent answers at http://127.0.0.1:1: start one with "
            )
                && said.contains("cargo run -p workbook -- services up"),
            "{said}"
        );
    }

    #[test]
    fn a_deregistration_answered_404_was_not_registered_there() {
        let not_found = consulrs::error::ClientError::APIError {
            code: 404,
            message: Some("Unknown service ID".into()),
        };
        let said = agent_call_failed("deregister", "greeter-1", "http://a:8500", &not_found);
        assert_eq!(
            said,
            "greeter-1 was not registered with the Consul agent at http://a:8500: nothing to deregister"
        );
        let said = agent_call_failed("register", "greeter-1", "http://a:8500", &not_found);
        assert_eq!(
            said,
            "cannot register greeter-1 with the Consul agent at http://a:8500"
        );
    }
}
