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
        Needed::Etcd => format!("{nothing} answers at {addr}: {}", start_etcd(addr)),
    }
}

/// How to start the etcd that `endpoints` (`host:port`, comma-separated) name: one member
/// is enough for a lesson, and `etcd` alone listens on etcd's usual 127.0.0.1:2379.
fn start_etcd(endpoints: &str) -> String {
    let three = "chapter 11's \"Run it\" starts a cluster of three";
    match endpoints.split(',').map(str::trim).collect::<Vec<_>>()[..] {
        ["127.0.0.1:2379" | "localhost:2379"] => {
            format!("start one with `etcd --data-dir /tmp/etcd` ({three})")
        }
        [one] => format!(
            "start one with `etcd --data-dir /tmp/etcd --listen-client-urls http://{one} \
             --advertise-client-urls http://{one}` ({three})"
        ),
        _ => format!("start the cluster ({three})"),
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

/// `error`, from a request to `needed` at `addr`, as a learner should read it: when nothing
/// listens there, the one line that says so and how to start it (the refused connection's
/// chain of causes adds nothing to that); else `error` as it is.
pub fn plainly(needed: Needed, addr: &str, error: anyhow::Error) -> anyhow::Error {
    if nothing_listens(error.as_ref()) {
        anyhow::anyhow!(no_answer(needed, addr))
    } else {
        error
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

/// The error of a failed `what` of instance `id` with the agent at `agent`, worded by
/// [`agent_call_failed`]. With nothing listening that line is all there is to say; else
/// what the agent's client said follows it, as its cause.
pub fn agent_call_error<E>(what: &str, id: &str, agent: &str, error: E) -> anyhow::Error
where
    E: Error + Send + Sync + 'static,
{
    let said = agent_call_failed(what, id, agent, &error);
    if nothing_listens(&error) {
        anyhow::anyhow!(said)
    } else {
        anyhow::Error::new(error).context(said)
    }
}

/// Whether the connection was refused: an `io::Error` somewhere in the chain says so.
pub fn nothing_listens(error: &(dyn Error + 'static)) -> bool {
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

/// The HTTP status the agent answered with, when that is what failed (only the Consul
/// client's errors carry one: without the `consul` feature there is none).
#[cfg(feature = "consul")]
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

#[cfg(not(feature = "consul"))]
fn status(_error: &(dyn Error + 'static)) -> Option<u16> {
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
    fn etcd_down_names_the_command_that_starts_it_where_it_was_looked_for() {
        let usual = no_answer(Needed::Etcd, "127.0.0.1:2379");
        assert!(
            usual.starts_with(
                "no etcd answers at 127.0.0.1:2379: start one with `etcd --data-dir /tmp/etcd` ("
            ),
            "{usual}"
        );
        let elsewhere = no_answer(Needed::Etcd, "127.0.0.1:3379");
        assert!(
            elsewhere.contains("--listen-client-urls http://127.0.0.1:3379 "),
            "{elsewhere}"
        );
    }

    #[test]
    fn a_refused_connection_is_one_line_and_anything_else_keeps_its_cause() {
        let refused = || std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        let error = agent_call_error("register", "greeter-1", "http://127.0.0.1:1", refused());
        assert!(error.source().is_none(), "{error:?}");
        let plain = plainly(Needed::Redis, "redis://127.0.0.1:1", refused().into());
        assert!(
            plain
                .to_string()
                .starts_with("no Redis answers at redis://127.0.0.1:1: ")
        );

        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        let error = agent_call_error("register", "greeter-1", "http://127.0.0.1:1", reset);
        assert!(error.source().is_some(), "{error:?}");
        let kept = plainly(Needed::Redis, "redis://127.0.0.1:1", error);
        assert!(
            kept.to_string()
                .starts_with("cannot register greeter-1 with ")
        );
    }

    #[cfg(feature = "consul")]
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
