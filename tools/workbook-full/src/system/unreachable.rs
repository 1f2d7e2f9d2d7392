//! One wording for "a service the course needs does not answer", each with the command
//! that starts it, so that `services`, `up`, `status`, `down` and `doctor` all say it the
//! same way. The sentences the lessons say too come from `shared::unreachable`.
//!
//! `services up` starts Consul, Redis and NATS for the lessons and their tests; `up` starts
//! the whole system of lessons 09–10, Consul and Redis included. (etcd is lesson 11's own:
//! the runner never talks to it, and `shared::unreachable` words it for the lesson. NATS is
//! lesson 12's, whose own words are its own: the runner's messages word it.)

use shared::unreachable::{Needed, no_answer_showing, nothing};

use crate::system::services::Service;
use workbook_core::language::messages::{Cmd, say};
use workbook_core::language::{self, Lang};
use workbook_core::ui;

pub use shared::unreachable::not_registered;

/// What the lessons' own sentences call the service, if they speak of it.
fn needed(service: Service) -> Option<Needed> {
    match service {
        Service::Consul => Some(Needed::Consul),
        Service::Redis => Some(Needed::Redis),
        Service::Nats => None,
    }
}

/// `no Consul agent answers at ADDR: start one with …`, naming the command that does.
pub fn no_answer(service: Service, addr: &str) -> String {
    if language::current() == Lang::En
        && let Some(needed) = needed(service)
    {
        return no_answer_showing(needed, addr, ui::cmd);
    }
    let line = match service {
        Service::Consul => Cmd::NoConsulAnswers,
        Service::Redis => Cmd::NoRedisAnswers,
        Service::Nats => Cmd::NoNatsAnswers,
    };
    let (services, up) = (ui::cmd("services up"), ui::cmd("up"));
    say(
        line,
        &[("addr", &addr), ("services", &services), ("up", &up)],
    )
}

/// The same for the Consul that `CONSUL_HTTP_ADDR` names: the runner does not start that
/// one itself, so the fix is starting it, or unsetting the variable.
pub fn no_consul_at_env(value: &str) -> String {
    if language::current() != Lang::En {
        let services = ui::cmd("services up");
        return say(
            Cmd::NoConsulAtEnv,
            &[("value", &value), ("services", &services)],
        );
    }
    format!(
        "{} answers at {value} (CONSUL_HTTP_ADDR): start it, or unset CONSUL_HTTP_ADDR and \
         {} starts the embedded agent",
        nothing(Needed::Consul),
        ui::cmd("services up")
    )
}

/// What a part of `up`'s system that does not answer says: `up` starts it again (with the
/// same `--base-port`, if one was given).
pub fn no_answer_in_system(service: Service, addr: &str, base_port: Option<u16>) -> String {
    let up = match base_port {
        Some(port) => format!("up --base-port {port}"),
        None => "up".to_string(),
    };
    match needed(service) {
        Some(needed) if language::current() == Lang::En => format!(
            "{} answers at {addr}: {} starts it again",
            nothing(needed),
            ui::cmd(&up)
        ),
        _ => {
            let up = ui::cmd(&up);
            say(Cmd::NothingAnswersInSystem, &[("addr", &addr), ("up", &up)])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_wording_names_what_is_missing_where_and_the_command_that_starts_it() {
        let consul = no_answer(Service::Consul, "127.0.0.1:8500");
        assert!(
            consul.starts_with("no Consul agent answers at 127.0.0.1:8500: start one with ")
                && consul.contains("services up"),
            "{consul}"
        );
        let redis = no_answer(Service::Redis, "127.0.0.1:6379");
        assert!(
            redis.starts_with("no Redis answers at 127.0.0.1:6379")
                && redis.contains("services up"),
            "{redis}"
        );
        let nats = no_answer(Service::Nats, "127.0.0.1:4222");
        assert!(
            nats.starts_with("no NATS server answers at 127.0.0.1:4222")
                && nats.contains("services up")
                && nats.contains("NATS_URL"),
            "{nats}"
        );
        let system = no_answer_in_system(Service::Redis, "127.0.0.1:16379", Some(16500));
        assert!(system.contains("up --base-port 16500"), "{system}");
        let env = no_consul_at_env("http://10.0.0.1:8500");
        assert!(env.contains("(CONSUL_HTTP_ADDR)"), "{env}");
        assert!(!not_registered("a-1", "127.0.0.1:8500").contains("running"));
    }
}
