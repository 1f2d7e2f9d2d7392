//! Registering a gRPC server in Consul, as every lesson from 06 on does.
//!
//! An instance tells the agent three things: what it is (the service's name), which one it
//! is (an ID unique to this instance), and how to reach it (address and port). With it goes
//! a check, the agent's way of finding out whether the instance still works: here a gRPC
//! health check, so the agent calls `grpc.health.v1.Health/Check` on the instance every few
//! seconds, and only instances whose check passes are handed out to clients.
//!
//! Lesson 06's worked example (its chapter shows this file); lessons 07 and 08 register
//! their servers with it too.

use std::net::SocketAddr;
use std::time::Duration;

use consulrs::api::check::common::{AgentServiceCheck, AgentServiceCheckBuilder};
use consulrs::api::service::requests::RegisterServiceRequest;
use consulrs::client::ConsulClient;

/// One instance of a service, as the agent will know it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// The service's name, shared by all its instances: what clients ask for.
    pub name: String,
    /// This instance's ID, unique on the agent: registering the same ID again replaces it.
    pub id: String,
    /// Where the server listens.
    pub addr: SocketAddr,
    /// Labels clients may filter on (`?tag=`).
    pub tags: Vec<String>,
}

// ANCHOR: instance
impl Instance {
    /// An instance of `name` listening on `addr`. The ID carries the host and the port, so
    /// two instances of one service on one machine never replace each other, and a restart
    /// of the same instance replaces its old entry instead of adding a second one.
    pub fn new(name: &str, addr: SocketAddr) -> Instance {
        let host = advertised_host(addr);
        Instance {
            name: name.to_string(),
            id: format!("{name}-{host}-{}", addr.port()),
            addr,
            tags: Vec::new(),
        }
    }

    /// The host name clients and the agent reach this instance at. Never an IP literal:
    /// Consul adds `TaggedAddresses` to a service registered with one, and consulrs 0.1.0
    /// then fails to read *any* service on that agent (see consul-ext's documentation).
    pub fn host(&self) -> String {
        advertised_host(self.addr)
    }

    /// A gRPC health check of `grpc_service` (`""` for the whole server) on this instance,
    /// every `interval`. An instance whose check stays critical for `reap_after` is removed
    /// by the agent: a real Consul waits at least one minute whatever this says, the
    /// development agent honours short times.
    ///
    /// Each probe may take at least five seconds, however short the interval (and at most
    /// ten, Consul's default): a probe opens a new connection each time, and a busy machine
    /// is slow, not dead. One probe that runs out of time turns the check critical and takes
    /// the instance out of discovery. An instance that is gone refuses the connection at
    /// once, so the floor costs nothing when it matters.
    pub fn grpc_check(
        &self,
        grpc_service: &str,
        interval: Duration,
        reap_after: Duration,
    ) -> AgentServiceCheck {
        AgentServiceCheckBuilder::default()
            .name(format!("gRPC health of {}", self.id))
            .grpc(format!(
                "{}:{}/{grpc_service}",
                self.host(),
                self.addr.port()
            ))
            .interval(go_duration(interval))
            .timeout(go_duration(
                interval.clamp(Duration::from_secs(5), Duration::from_secs(10)),
            ))
            .deregister_critical_service_after(go_duration(reap_after))
            .build()
            .expect("every field of the check is set")
    }

    /// Registers this instance with `check` on the agent behind `client`.
    pub async fn register(
        &self,
        client: &ConsulClient,
        check: AgentServiceCheck,
    ) -> Result<(), consulrs::error::ClientError> {
        let mut registration = RegisterServiceRequest::builder();
        registration
            .id(self.id.clone())
            .address(self.host())
            .port(u64::from(self.addr.port()))
            .tags(self.tags.clone())
            .check(check);
        consulrs::service::register(client, &self.name, Some(&mut registration)).await?;
        Ok(())
    }

    /// Removes this instance (and its checks) from the agent.
    pub async fn deregister(
        &self,
        client: &ConsulClient,
    ) -> Result<(), consulrs::error::ClientError> {
        consulrs::service::deregister(client, &self.id, None).await?;
        Ok(())
    }
}
// ANCHOR_END: instance

/// `localhost` for a loopback or unspecified address (what the lessons' servers bind),
/// else the address as text.
fn advertised_host(addr: SocketAddr) -> String {
    let ip = addr.ip();
    if ip.is_loopback() || ip.is_unspecified() {
        "localhost".to_string()
    } else {
        ip.to_string()
    }
}

/// Reads a duration as Consul writes one, for command-line options such as
/// `--check-interval 2s`: `500ms`, `2s`, `1m`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
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

/// A duration as Consul reads it: `"10s"`, `"1500ms"`.
pub fn go_duration(duration: Duration) -> String {
    if duration.subsec_millis() == 0 {
        format!("{}s", duration.as_secs())
    } else {
        format!("{}ms", duration.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_instances_on_one_machine_have_different_ids() {
        let a = Instance::new("greeter", "127.0.0.1:7001".parse().unwrap());
        let b = Instance::new("greeter", "127.0.0.1:7002".parse().unwrap());
        assert_ne!(a.id, b.id);
        assert_eq!(a.id, "greeter-localhost-7001");
        assert_eq!(a.host(), "localhost", "never an IP literal for loopback");
    }

    #[test]
    fn durations_read_as_consul_reads_them() {
        assert_eq!(go_duration(Duration::from_secs(10)), "10s");
        assert_eq!(go_duration(Duration::from_millis(1500)), "1500ms");
    }

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
