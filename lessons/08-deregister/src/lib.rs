//! Lesson 08: leaving Consul cleanly.
//!
//! Lesson 06 put a server into the catalog; this lesson takes it out again, in the right
//! order, whatever way the server ends. On SIGINT or SIGTERM it turns its health
//! NOT_SERVING, deregisters, lets the calls in flight finish within a grace period, and exits
//! 0. When it cannot say goodbye (`kill -9`), its check turns critical and the agent reaps it
//! after `DeregisterCriticalServiceAfter`.
//!
//! The worked example is [`shared::registered`] (serving while registered, leaving in order:
//! lesson 09's captcha service leaves the same way) and [`server`] (the Greeter served
//! through it, with the checks and flags of this lesson). [`ttl`] is the other kind of
//! check: the server itself says "still alive", on a timer. The exercises in [`exercises`]
//! write the stop sequence, a deregistration that survives failures, a heartbeat that stops
//! when the work stops, and a registration that comes back when the agent forgets it.

pub mod client;
pub mod server;
pub mod ttl;

pub use shared::registered;

/// Where the server listens unless told otherwise (`--addr`).
pub const DEFAULT_ADDR: &str = "127.0.0.1:7008";

/// The service name the server registers unless told otherwise (`--name`).
pub const DEFAULT_NAME: &str = "greeter";

/// Reads a duration as Consul writes one: `500ms`, `2s`, `1m`.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    use std::time::Duration;
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("{text:?} has no unit: write 500ms, 2s or 1m"))?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} does not start with a number"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(number)),
        "s" => Ok(Duration::from_secs(number)),
        "m" => Ok(Duration::from_secs(number * 60)),
        _ => Err(format!("{text:?}: the unit must be ms, s or m")),
    }
}

/// The learner's files, or with `--features solution` the reference answers in
/// `solutions/`. The tests use `l08_deregister::exercises::…` and cannot tell which.
#[cfg_attr(
    not(feature = "solution"),
    allow(unused_variables, unused_imports, unused_mut, dead_code)
)]
pub mod exercises {
    #[cfg_attr(feature = "solution", path = "../../solutions/always.rs")]
    pub mod always;
    #[cfg_attr(feature = "solution", path = "../../solutions/heartbeat.rs")]
    pub mod heartbeat;
    #[cfg_attr(feature = "solution", path = "../../solutions/keep_registered.rs")]
    pub mod keep_registered;
    #[cfg_attr(feature = "solution", path = "../../solutions/leave.rs")]
    pub mod leave;
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations_read_as_consul_writes_them() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1m"), Ok(Duration::from_secs(60)));
        assert!(parse_duration("2").is_err());
        assert!(parse_duration("s").is_err());
        assert!(parse_duration("2h").is_err());
    }
}
