//! `status`: each host as an operator would check it by hand; and what `up` says of the lab
//! it deployed.
//!
//! Docker knows whether a host runs and which address it has, but not what runs inside it
//! nor what the nemesis did to its network: those are asked of the host itself, with the
//! tools a person would use there. `pgrep` finds the lab's programs, `ip route` the links cut
//! by a partition, `tc` a slow link.

use anyhow::bail;

use super::certs;
use super::deploy::{self, HELLO_PATH, LabRegistry};
use super::docker::{self, Docker, output};
use super::hosts::{self, HOST_NAMES, Host, PROMETHEUS_HOST, Subnet, named_by_address};
use super::{Lab, nemesis};

/// The width of the hosts' names in `status`, so that its columns line up: the longest's.
const NAME_WIDTH: usize = PROMETHEUS_HOST.len();

impl Lab {
    // ANCHOR: status
    /// One line per host: up or not, and what runs on it.
    pub fn status(&self) -> anyhow::Result<String> {
        let project = self.project()?;
        let docker = self.docker()?;
        let hosts = hosts::list(docker, project)?;
        if hosts.is_empty() {
            return Ok(format!("no lab is up (project {project})\n"));
        }
        let mut lines = String::new();
        for name in HOST_NAMES {
            let line = match hosts.iter().find(|host| host.name == name) {
                None => format!("{name:<NAME_WIDTH$} missing"),
                Some(host) if !host.running => format!("{name:<NAME_WIDTH$} stopped"),
                Some(host) => {
                    let address = host.address.as_deref().unwrap_or("no address");
                    let programs = programs(docker, host)?;
                    let programs = if programs.is_empty() {
                        "nothing runs".to_string()
                    } else {
                        programs.join(", ")
                    };
                    let faults = faults(docker, host, &hosts)?;
                    format!("{name:<NAME_WIDTH$} running  {address:<15} {programs:<16} {faults}")
                }
            };
            lines.push_str(line.trim_end());
            lines.push('\n');
        }
        if let Some(host) = hosts::prometheus(docker, project)? {
            lines.push_str(&self.prometheus_status(docker, &host)?);
        }
        if self.certs().is_some() {
            lines.push_str("over mutual TLS: each host's services and gateway show its own keys\n");
        }
        Ok(lines)
    }

    /// What `up` prints at the end: each host and what runs on it, and what to try.
    pub(super) fn summary(
        &self,
        subnet: &Subnet,
        registry: LabRegistry,
        tls: bool,
        prometheus: bool,
    ) -> String {
        let port = self.options.api_port;
        let gateways = self.published_gateways();
        let mut text = format!("lab {} is up:\n", self.options.project);
        for (index, name) in HOST_NAMES.into_iter().enumerate() {
            let address = subnet.address(name).unwrap_or_default();
            let registry = match registry {
                LabRegistry::Etcd => format!("etcd member {name}"),
                LabRegistry::Consul if name == HOST_NAMES[0] => "consul server".to_string(),
                LabRegistry::Consul => "consul client".to_string(),
            };
            let published = gateways.get(index).map_or(0, |gateway| gateway.port());
            text.push_str(&format!(
                "  {name}  {address:<15} {registry}, user service at {address}:{}, gateway at \
                 :{} (published on 127.0.0.1:{published})\n",
                deploy::USER_PORT,
                deploy::GATEWAY_PORT
            ));
        }
        if let Some(published) = self.published_prometheus().filter(|_| prometheus) {
            let address = subnet.address(PROMETHEUS_HOST).unwrap_or_default();
            text.push_str(&format!(
                "  {PROMETHEUS_HOST}  {address:<11} scrapes every gateway and every service \
                 host-a's lists, every second (its UI published on 127.0.0.1:{})\n",
                published.port()
            ));
        }
        if tls {
            text.push_str(&format!(
                "  the services and gateways call each other over mutual TLS, each host with \
                 its own keys in {}; the CA's key stays here, in {}\n",
                certs::ON_HOST,
                self.certs_dir().display()
            ));
        }
        text.push_str(&format!(
            "try: curl 'http://127.0.0.1:{port}{HELLO_PATH}'\n"
        ));
        text
    }

    /// Prometheus' host: whether Prometheus runs there, and where its UI is published.
    fn prometheus_status(&self, docker: &Docker, host: &Host) -> anyhow::Result<String> {
        let name = PROMETHEUS_HOST;
        if !host.running {
            return Ok(format!("{name:<NAME_WIDTH$} stopped\n"));
        }
        let address = host.address.as_deref().unwrap_or("no address");
        let runs = programs(docker, host)?.contains(&"prometheus");
        let published = self.published_prometheus().map(|addr| addr.port());
        Ok(match (runs, published) {
            (true, Some(port)) => format!(
                "{name:<NAME_WIDTH$} running  {address:<15} prometheus, its UI at http://127.0.0.1:{port}\n"
            ),
            _ => format!("{name:<NAME_WIDTH$} running  {address:<15} nothing runs\n"),
        })
    }
    // ANCHOR_END: status
}

/// Which of the lab's programs run on `host`: `etcd` or `consul`, `user`, `api`, and on
/// its own host `prometheus`.
pub(super) fn programs(docker: &Docker, host: &Host) -> anyhow::Result<Vec<&'static str>> {
    let mut pgrep = docker.docker();
    pgrep.args([
        "exec",
        &host.container,
        "pgrep",
        "-a",
        "-f",
        "etcd|l11-micro|devconsul|prometheus",
    ]);
    // pgrep's status is 1 when nothing matches: that is an answer, not a failure.
    let out = output(&mut pgrep)?;
    if !out.status.success() && out.status.code() != Some(1) {
        bail!("{}", docker::failure(&pgrep, &out))
    }
    let mut found = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        // `PID PROGRAM ARGUMENTS…`
        let words: Vec<&str> = line.split_whitespace().skip(1).collect();
        let program = words
            .first()
            .map(|word| word.rsplit('/').next().unwrap_or(word));
        let what = match program {
            Some("etcd") => "etcd",
            Some("devconsul") => "consul",
            Some("l11-micro") if words.contains(&"user-server") => "user",
            Some("l11-micro") if words.contains(&"api") => "api",
            Some("prometheus") => "prometheus",
            _ => continue,
        };
        if !found.contains(&what) {
            found.push(what);
        }
    }
    found.sort_by_key(|what| {
        ["etcd", "consul", "user", "api", "prometheus"]
            .iter()
            .position(|known| known == what)
    });
    Ok(found)
}

/// What the nemesis did to `host`: `cut off from host-c`, `slow 200ms`, or nothing.
fn faults(docker: &Docker, host: &Host, hosts: &[Host]) -> anyhow::Result<String> {
    let mut faults = Vec::new();
    let cut = nemesis::blackholes(docker, host)?;
    if !cut.is_empty() {
        let names: Vec<&str> = cut
            .iter()
            .map(|address| named_by_address(hosts, address).unwrap_or(address))
            .collect();
        faults.push(format!("cut off from {}", names.join(", ")));
    }
    if let Some(delay) = nemesis::delay(docker, host)? {
        faults.push(format!("slow {delay}"));
    }
    Ok(faults.join("; "))
}
