//! Waiting for what `up` started to work, and saying why when it does not.
//!
//! A program started in the background says nothing when it fails: `docker exec --detach`
//! returned long before. So `up` asks again and again whether the thing works (etcdctl's
//! health check, a call through the gateway) and, between two tries, whether the programs
//! still run (`pgrep`): one that ended will never answer, and the end of its log says why at
//! once, instead of after a minute of patience. When the patience runs out all the same,
//! the error quotes what was said last and the logs of whoever stayed silent.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use anyhow::bail;

use super::deploy::{self, HELLO_PATH, etcd_endpoints};
use super::docker::{self, Docker, output, tail};
use super::hosts::{HOST_NAMES, Host, Subnet};
use super::prometheus;
use crate::load::node_of;

/// How long `up` waits for the etcd cluster to be healthy, and then for the gateways to
/// answer from every host. Both take a few seconds; a loaded machine takes longer.
const PATIENCE: Duration = Duration::from_secs(60);
/// How often `up` asks again while it waits.
const POLL_EVERY: Duration = Duration::from_millis(300);

/// A program `up` started, as the waiting checks that it still runs.
struct Program {
    /// What an error calls it.
    what: &'static str,
    /// A pattern of its command line, for `pgrep -f`.
    pattern: &'static str,
    /// Where its output goes, on its host.
    log: &'static str,
}

const ETCD: Program = Program {
    what: "etcd",
    pattern: "^etcd ",
    log: deploy::ETCD_LOG,
};
const CONSUL: Program = Program {
    what: "the Consul agent",
    pattern: "^devconsul agent",
    log: deploy::CONSUL_LOG,
};
const USER_SERVICE: Program = Program {
    what: "the user service",
    pattern: "l11-micro .* user-server",
    log: deploy::USER_LOG,
};
const GATEWAY: Program = Program {
    what: "the gateway",
    pattern: "l11-micro .* api",
    log: deploy::GATEWAY_LOG,
};
const PROMETHEUS: Program = Program {
    what: "Prometheus",
    pattern: "/prometheus --config",
    log: prometheus::LOG,
};

/// Waits until etcdctl, on host-a, finds every member of the cluster healthy.
pub fn wait_for_etcd(docker: &Docker, hosts: &[Host]) -> anyhow::Result<()> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let mut health = docker.docker();
        health
            .args(["exec", &hosts[0].container, "etcdctl", "--endpoints"])
            .arg(etcd_endpoints(&HOST_NAMES))
            .args(["endpoint", "health", "--cluster"]);
        let out = output(&mut health)?;
        if out.status.success() {
            return Ok(());
        }
        still_running(docker, hosts.iter().map(|host| (host, &ETCD)))?;
        if Instant::now() > deadline {
            let mut why = format!(
                "the etcd cluster was not healthy within {PATIENCE:?}: {}",
                docker::failure(&health, &out)
            );
            for host in hosts {
                why.push_str(&end_of_log(docker, host, deploy::ETCD_LOG));
            }
            bail!("{why}")
        }
        std::thread::sleep(POLL_EVERY);
    }
}

/// Waits until host-a's Consul agent lists each of `hosts` as an alive member.
pub fn wait_for_consul(docker: &Docker, hosts: &[Host]) -> anyhow::Result<()> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let mut members = docker.docker();
        members.args(["exec", &hosts[0].container, "devconsul", "members"]);
        let out = output(&mut members)?;
        let listed = String::from_utf8_lossy(&out.stdout).into_owned();
        let alive = |host: &Host| {
            listed.lines().any(|line| {
                line.starts_with(&format!("{} ", host.name)) && line.contains(" alive ")
            })
        };
        if out.status.success() && hosts.iter().all(alive) {
            return Ok(());
        }
        still_running(docker, hosts.iter().map(|host| (host, &CONSUL)))?;
        if Instant::now() > deadline {
            let mut why = format!(
                "the Consul agents were not all members within {PATIENCE:?}: {}",
                docker::failure(&members, &out)
            );
            for host in hosts {
                why.push_str(&end_of_log(docker, host, deploy::CONSUL_LOG));
            }
            bail!("{why}")
        }
        std::thread::sleep(POLL_EVERY);
    }
}

/// Calls each host's gateway, published at `gateways` (in the order of `hosts`), until every
/// gateway has answered and each host's user service has answered once. The answer names the
/// node (`Hello lab from user-10.14.0.12-7021`), and the lab's plan of addresses, `subnet`,
/// says which host that is.
pub fn wait_for_every_host(
    docker: &Docker,
    hosts: &[Host],
    gateways: &[SocketAddr],
    subnet: &Subnet,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + PATIENCE;
    let mut seen = BTreeSet::new();
    let mut gateways_answered = BTreeSet::new();
    let mut last: Vec<String> = vec![String::from("nothing yet"); gateways.len()];
    loop {
        for (index, gateway) in gateways.iter().enumerate() {
            match http_get(*gateway, HELLO_PATH) {
                Ok((200, body)) => {
                    match node_of(&body).and_then(|node| subnet.host_of_node(&node)) {
                        Some(name) => {
                            seen.insert(name);
                            gateways_answered.insert(index);
                        }
                        None => last[index] = format!("200 {}", body.trim()),
                    }
                }
                Ok((status, body)) => last[index] = format!("{status} {}", body.trim()),
                Err(error) => last[index] = error.to_string(),
            }
        }
        if seen.len() == hosts.len() && gateways_answered.len() == gateways.len() {
            return Ok(());
        }
        let programs = hosts
            .iter()
            .flat_map(|host| [(host, &GATEWAY), (host, &USER_SERVICE)]);
        still_running(docker, programs)?;
        if Instant::now() > deadline {
            let mut why = format!("within {PATIENCE:?}:");
            for (index, (host, gateway)) in hosts.iter().zip(gateways).enumerate() {
                if !gateways_answered.contains(&index) {
                    why.push_str(&format!(
                        "\n{}'s gateway (http://{gateway}{HELLO_PATH}) did not answer; what it \
                         said last: {}",
                        host.name, last[index]
                    ));
                    why.push_str(&end_of_log(docker, host, deploy::GATEWAY_LOG));
                }
            }
            for host in hosts
                .iter()
                .filter(|host| !seen.contains(host.name.as_str()))
            {
                why.push_str(&format!(
                    "\nno gateway answered from {}'s service",
                    host.name
                ));
                why.push_str(&end_of_log(docker, host, deploy::USER_LOG));
            }
            bail!("{why}")
        }
        std::thread::sleep(POLL_EVERY);
    }
}

/// Waits until Prometheus, on `host` and published at `published`, says it is ready
/// (`/-/ready`): its store is open and it scrapes.
pub fn wait_for_prometheus(
    docker: &Docker,
    host: &Host,
    published: SocketAddr,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let last = match http_get(published, "/-/ready") {
            Ok((200, _)) => return Ok(()),
            Ok((status, body)) => format!("{status} {}", body.trim()),
            Err(error) => error.to_string(),
        };
        still_running(docker, [(host, &PROMETHEUS)])?;
        if Instant::now() > deadline {
            bail!(
                "Prometheus (http://{published}/-/ready) was not ready within {PATIENCE:?}; what \
                 it said last: {last}{}",
                end_of_log(docker, host, prometheus::LOG)
            )
        }
        std::thread::sleep(POLL_EVERY);
    }
}

/// An error for the first of `programs` that no longer runs on its host, quoting its log.
fn still_running<'a>(
    docker: &Docker,
    programs: impl IntoIterator<Item = (&'a Host, &'a Program)>,
) -> anyhow::Result<()> {
    for (host, program) in programs {
        let mut pgrep = docker.docker();
        pgrep.args(["exec", &host.container, "pgrep", "-f", program.pattern]);
        if !docker::succeeds(&mut pgrep) {
            bail!(
                "{} on {} ended; the end of its {}:\n{}",
                program.what,
                host.name,
                program.log,
                log_tail(docker, host, program.log)
            )
        }
    }
    Ok(())
}

/// "the end of host-b's /var/log/user.log:" and its last lines, for an error.
fn end_of_log(docker: &Docker, host: &Host, log: &str) -> String {
    format!(
        "\nthe end of {}'s {log}:\n{}",
        host.name,
        log_tail(docker, host, log)
    )
}

/// The last lines of `log` on `host`, indented, for an error.
fn log_tail(docker: &Docker, host: &Host, log: &str) -> String {
    let mut command = docker.docker();
    command.args(["exec", &host.container, "tail", "-n", "8", log]);
    match output(&mut command) {
        Ok(out) => tail(&String::from_utf8_lossy(&out.stdout), 8),
        Err(error) => format!("    (cannot read it: {error})"),
    }
}

/// `GET path` with HTTP/1.0 on `addr`: the status and the body. The load's HTTP client,
/// reqwest, is async and `up` is plain blocking code; for one small request, a few lines
/// over a TCP stream are simpler than a runtime to run the client in.
pub(super) fn http_get(addr: SocketAddr, path: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(1))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut bytes = Vec::new();
    stream.take(1024 * 1024).read_to_end(&mut bytes)?;
    let response = String::from_utf8_lossy(&bytes);
    let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, "not an HTTP response");
    let (head, body) = response.split_once("\r\n\r\n").ok_or_else(bad)?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(bad)?;
    Ok((status, body.to_string()))
}
