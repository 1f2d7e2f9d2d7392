//! `restart HOST`: a host stopped and started again, and what was deployed on it back, as a
//! server is rebooted in a rolling deploy.
//!
//! A program started with `docker exec` is no child of the host's init, so a host started
//! again after `docker compose stop` would run nothing. So `up` writes each program it
//! starts down on its host ([`record`]), and the host's init (`lab/host-init`) starts them
//! again when the host starts. `restart` is then what an operator does to each server in
//! turn: stop it (its init sends SIGTERM: the user service says NOT_SERVING, leaves the
//! registry and finishes its calls in flight; its gateway stops taking connections and
//! finishes the calls it has; etcd's member hands over), start it, and wait until the
//! host's own gateway answers from the host's own service again before going on to the
//! next one: both are back, and the registry has the service again.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::Lab;
use super::deploy;
use super::docker::{Docker, describe, run};
use super::hosts::{self, Host, Subnet};
use super::wait::{http_get, wait_for_every_host};
use crate::load::node_of;

/// Where a host keeps what was deployed on it, for its init.
pub const PROGRAMS: &str = "/etc/lab/programs";

/// The file a program is written down in: the registry first, then the services, then
/// the gateway, in the order the host's init starts them (the order of their names).
fn file_of(log: &str) -> String {
    let name = log
        .rsplit('/')
        .next()
        .and_then(|file| file.strip_suffix(".log"))
        .unwrap_or("program");
    let order = match log {
        deploy::ETCD_LOG | deploy::CONSUL_LOG => 1,
        deploy::USER_LOG => 2,
        deploy::GATEWAY_LOG => 3,
        _ => 4,
    };
    format!("{PROGRAMS}/{order}-{name}")
}

/// Writes `command`, whose output goes to `log`, down on `host`, for its init: the log on
/// the first line, then the command's words, one a line (as a shell's arguments, never
/// pasted into a script).
pub fn record(docker: &Docker, host: &Host, command: &[String], log: &str) -> anyhow::Result<()> {
    let mut write = docker.docker();
    write
        .args(["exec", &host.container, "sh", "-c"])
        .arg(format!(
            "mkdir -p {PROGRAMS} && file=$1 && shift && printf '%s\\n' \"$@\" >\"$file\""
        ))
        .args(["sh", &file_of(log), log])
        .args(command);
    run(&mut write).map(drop)
}

/// Waits until the init of `host`, just started, has started what was deployed on it: it
/// starts its `sleep` after them, so a `sleep` on the host says they are started (and
/// whether they keep running is then for the gateway's answers to say).
fn until_its_init_started_its_programs(docker: &Docker, host: &Host) -> anyhow::Result<()> {
    let deadline = Instant::now() + INIT_PATIENCE;
    loop {
        let mut sleeping = docker.docker();
        sleeping.args(["exec", &host.container, "pgrep", "-x", "sleep"]);
        if super::docker::succeeds(&mut sleeping) {
            return Ok(());
        }
        if Instant::now() > deadline {
            anyhow::bail!(
                "{}'s init did not start within {INIT_PATIENCE:?} of the host's start",
                host.name
            )
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether the gateway at `gateway` answers from host `name`'s service within
/// [`ANSWER_PATIENCE`].
fn answers_from(gateway: SocketAddr, subnet: &Subnet, name: &str) -> bool {
    let deadline = Instant::now() + ANSWER_PATIENCE;
    while Instant::now() < deadline {
        if let Ok((200, body)) = http_get(gateway, deploy::HELLO_PATH) {
            let host = node_of(&body).and_then(|node| subnet.host_of_node(&node));
            if host == Some(name) {
                return true;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// How long `restart` asks the host's gateway alone before it looks at the hosts too: a service
/// registers within a second or two of its host's start.
const ANSWER_PATIENCE: Duration = Duration::from_secs(20);

/// How long a host's init may take to start what was deployed on it: a shell reading a few
/// files.
const INIT_PATIENCE: Duration = Duration::from_secs(10);

impl Lab {
    // ANCHOR: restart
    /// Stops host `name` (its programs drain), starts it again (its init starts what was
    /// deployed on it), and waits until its gateway answers from its service again. What to
    /// print.
    pub fn restart(&self, name: &str) -> anyhow::Result<String> {
        let name = hosts::known(name)?;
        let (docker, _) = self.running_lab()?;
        let subnet = Subnet::from_env()?;
        let started = Instant::now();
        for step in ["stop", "start"] {
            let mut compose = self.compose(Some(&subnet))?;
            compose.args([step, name]);
            println!("{step}: {}", describe(&compose));
            run(&mut compose)?;
        }
        let (_, lab) = self.running_lab()?;
        if let Some(host) = lab.iter().find(|host| host.name == name) {
            until_its_init_started_its_programs(docker, host)?;
        }
        // Asked often, from here alone: a rolling deploy waits on this between two hosts.
        // What `up` waits with asks the hosts too, and says why one does not answer.
        let answered = self
            .published_gateway(name)
            .is_some_and(|gateway| answers_from(gateway, &subnet, name));
        if !answered {
            wait_for_every_host(docker, &lab, &self.published_gateways(), &subnet)?;
        }
        Ok(format!(
            "{name} restarted, and its gateway answers from it again after {:.1} s",
            started.elapsed().as_secs_f64()
        ))
    }
    // ANCHOR_END: restart
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_starts_first_and_the_gateway_last() {
        let files: Vec<String> = [deploy::GATEWAY_LOG, deploy::USER_LOG, deploy::ETCD_LOG]
            .map(file_of)
            .into();
        assert_eq!(
            files,
            [
                "/etc/lab/programs/3-api",
                "/etc/lab/programs/2-user",
                "/etc/lab/programs/1-etcd"
            ]
        );
        let mut sorted = files.clone();
        sorted.sort();
        assert_eq!(sorted[0], "/etc/lab/programs/1-etcd");
    }
}
