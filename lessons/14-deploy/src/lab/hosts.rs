//! The lab's three hosts: their names, their addresses, and what Docker says of them.
//!
//! `lab/compose.yaml` makes them; this is the same knowledge on the Rust side. A host is
//! known by its service name in the Compose file (`host-a`), which is also its host name
//! and the name the others find it by through Docker's DNS. Its address on the lab's
//! network is fixed (`10.14.0.11`), so a service can be told where to listen, and the
//! nemesis, which cuts links by address, asks Docker for the addresses the hosts really have.

use std::net::Ipv4Addr;

use anyhow::bail;

use super::deploy::USER_PORT;
use super::docker::{Docker, run};

/// The hosts, in order.
pub const HOST_NAMES: [&str; 3] = ["host-a", "host-b", "host-c"];

/// The host Prometheus runs on, beside them: no service runs there, and the nemesis leaves
/// it alone.
pub const PROMETHEUS_HOST: &str = "prometheus";

/// The environment variable that moves the lab's network, for a machine where
/// `10.14.0.0/24` is taken (or a test that runs beside a learner's lab).
pub const SUBNET_VARIABLE: &str = "L14_SUBNET_PREFIX";

/// The lab's network, a /24 given by its first three numbers: `10.14.0`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subnet {
    prefix: String,
}

impl Subnet {
    /// The first three numbers, `10.14.0`, checked.
    pub fn new(prefix: &str) -> anyhow::Result<Subnet> {
        let prefix = prefix.trim();
        if format!("{prefix}.0").parse::<Ipv4Addr>().is_err() || prefix.split('.').count() != 3 {
            bail!(
                "{SUBNET_VARIABLE}={prefix:?} is not the first three numbers of an IPv4 \
                 network: give one like 10.14.0"
            )
        }
        Ok(Subnet {
            prefix: prefix.to_string(),
        })
    }

    /// From `L14_SUBNET_PREFIX`, else `10.14.0`, the Compose file's default.
    pub fn from_env() -> anyhow::Result<Subnet> {
        Subnet::new(&std::env::var(SUBNET_VARIABLE).unwrap_or_else(|_| "10.14.0".to_string()))
    }

    /// What Compose is given for `${L14_SUBNET_PREFIX}`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The address `lab/compose.yaml` gives host `name`: host-a is `.11`, host-b `.12`…,
    /// and Prometheus' host `.10`.
    pub fn address(&self, name: &str) -> Option<String> {
        if name == PROMETHEUS_HOST {
            return Some(format!("{}.10", self.prefix));
        }
        let index = HOST_NAMES.iter().position(|host| *host == name)?;
        Some(format!("{}.{}", self.prefix, 11 + index))
    }

    /// The host whose user service is the node `node`. Micro names a node after its
    /// service, address and port, so the user service `up` starts on host-b, at
    /// `10.14.0.12:7021`, is `user-10.14.0.12-7021`.
    pub fn host_of_node(&self, node: &str) -> Option<&'static str> {
        HOST_NAMES.into_iter().find(|name| {
            self.address(name)
                .is_some_and(|address| node == format!("user-{address}-{USER_PORT}"))
        })
    }
}

/// `name` if it is one of the lab's hosts, else an error naming them.
pub fn known(name: &str) -> anyhow::Result<&'static str> {
    match HOST_NAMES.iter().find(|host| **host == name) {
        Some(host) => Ok(host),
        None => bail!(
            "no host named {name:?}: the lab's hosts are {}",
            HOST_NAMES.join(", ")
        ),
    }
}

/// One host as Docker sees it.
#[derive(Debug, Clone)]
pub struct Host {
    /// Its name in the lab: `host-a`.
    pub name: String,
    /// Its container's id, for `docker exec`.
    pub container: String,
    pub running: bool,
    /// Its address on the lab's network, while it runs.
    pub address: Option<String>,
}

/// The hosts of Compose project `project` that exist (running or stopped), in order;
/// none when the lab is not up. Prometheus' host is not one of them: [`prometheus`].
pub fn list(docker: &Docker, project: &str) -> anyhow::Result<Vec<Host>> {
    let mut hosts = containers(docker, project)?;
    hosts.retain(|host| HOST_NAMES.contains(&host.name.as_str()));
    Ok(hosts)
}

/// The host Prometheus runs on, if the lab has one.
pub fn prometheus(docker: &Docker, project: &str) -> anyhow::Result<Option<Host>> {
    let hosts = containers(docker, project)?;
    Ok(hosts.into_iter().find(|host| host.name == PROMETHEUS_HOST))
}

/// Every container of Compose project `project`, as a host named by its service.
pub fn containers(docker: &Docker, project: &str) -> anyhow::Result<Vec<Host>> {
    let mut ps = docker.docker();
    ps.args(["ps", "--all", "--quiet", "--no-trunc", "--filter"])
        .arg(format!("label=com.docker.compose.project={project}"));
    let containers: Vec<String> = run(&mut ps)?
        .split_whitespace()
        .map(str::to_string)
        .collect();
    if containers.is_empty() {
        return Ok(Vec::new());
    }
    // One line per container: its service, whether it runs, its address on each network.
    let mut inspect = docker.docker();
    inspect
        .args(["inspect", "--format"])
        .arg(
            "{{.Id}} {{index .Config.Labels \"com.docker.compose.service\"}} {{.State.Running}} \
             {{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}",
        )
        .args(&containers);
    let mut hosts = Vec::new();
    for line in run(&mut inspect)?.lines() {
        let mut words = line.split_whitespace();
        let (Some(container), Some(name), Some(running)) =
            (words.next(), words.next(), words.next())
        else {
            continue;
        };
        hosts.push(Host {
            name: name.to_string(),
            container: container.to_string(),
            running: running == "true",
            address: words.next().map(str::to_string),
        });
    }
    hosts.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(hosts)
}

/// Which host has `address`, among `hosts`.
pub fn named_by_address<'a>(hosts: &'a [Host], address: &str) -> Option<&'a str> {
    hosts
        .iter()
        .find(|host| host.address.as_deref() == Some(address))
        .map(|host| host.name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_host_has_the_address_the_compose_file_gives_it() {
        let subnet = Subnet::new("10.14.0").unwrap();
        assert_eq!(subnet.address("host-a").as_deref(), Some("10.14.0.11"));
        assert_eq!(subnet.address("host-c").as_deref(), Some("10.14.0.13"));
        assert_eq!(subnet.address("host-d"), None);
        assert_eq!(subnet.address("prometheus").as_deref(), Some("10.14.0.10"));
    }

    #[test]
    fn a_node_is_named_by_the_host_whose_user_service_it_is() {
        let subnet = Subnet::new("10.14.0").unwrap();
        assert_eq!(subnet.host_of_node("user-10.14.0.12-7021"), Some("host-b"));
        // Another service, another port, another network: not one the lab started.
        assert_eq!(subnet.host_of_node("api-10.14.0.11-8080"), None);
        assert_eq!(subnet.host_of_node("user-10.14.0.12-7022"), None);
        assert_eq!(subnet.host_of_node("user-10.99.0.12-7021"), None);
        assert_eq!(subnet.host_of_node("user-10.14.0.1-7021"), None);
    }

    #[test]
    fn a_subnet_is_three_numbers() {
        assert!(Subnet::new("10.14").is_err());
        assert!(Subnet::new("10.14.0.0").is_err());
        assert!(Subnet::new("10.300.0").is_err());
        assert!(Subnet::new("ten").is_err());
    }

    #[test]
    fn an_unknown_host_is_told_the_hosts_there_are() {
        let error = known("host-d").unwrap_err().to_string();
        assert!(error.contains("host-a, host-b, host-c"), "{error}");
    }
}
