//! `run IMAGE --on HOST`: a service's image, such as the one built from the Dockerfile
//! `l11-micro new` writes, run on one of the lab's hosts and registered in the lab's
//! registry, where the gateway finds it by name.
//!
//! A host of the lab is a container, and Docker runs no container inside another. What an
//! operator does on a server that has Docker — `docker run` the image there — is done here
//! by joining the host's network: the service's container shares host-b's network
//! namespace (`--network container:…`), so it has host-b's address and host-b's loopback,
//! and what it binds and advertises is host-b's, as if it had been started on host-b. Its
//! registry is the one the lab runs, given as go-micro's services take it, in the
//! environment: etcd's three members, or on the Consul lab the agent of its own host, at
//! `127.0.0.1:8500`, the registry's default; with a patience (`MICRO_REGISTRY_WAIT`), as a
//! deployed service needs: etcd may be electing a leader when it starts.
//!
//! On a lab over mutual TLS (`up --tls`) the gateways call no plaintext node, so the service
//! is given a certificate of its own: for the name it registers (`--tls-as`), and the host's
//! address, mounted read-only where the lab's programs keep theirs, and named to it in the
//! environment (`MICRO_TLS_CERTS`, `MICRO_TLS_AS`), as the registry is.
//!
//! The container is labelled with the lab's project ([`SERVICE_LABEL`]), so `down` takes it
//! away before the hosts whose network it uses.

use std::time::{Duration, Instant};

use anyhow::bail;

use super::Lab;
use super::certs::ON_HOST;
use super::deploy::registry_address;
use super::docker::{Docker, describe, output, run, succeeds, tail};
use super::hosts::{self, HOST_NAMES, Subnet};
use super::status::programs;

/// The label that says which lab a service's container belongs to; its value is the
/// project.
pub const SERVICE_LABEL: &str = "l14.project";

/// How long `run` waits for the service to say it registered.
const PATIENCE: Duration = Duration::from_secs(30);
/// How long the service itself tries to register (`MICRO_REGISTRY_WAIT`): within `run`'s
/// patience, so that a registry that never answers ends the service with its own error.
const REGISTRY_WAIT: Duration = Duration::from_secs(20);
/// How often it looks at the service's log meanwhile.
const POLL_EVERY: Duration = Duration::from_millis(200);

impl Lab {
    /// Runs `image` on host `on`, registered in the lab's registry; `args` replace the
    /// image's own (its `CMD`); on a lab over TLS, with a certificate for `tls_as`, the
    /// service's name. What it did, and the service's word that it registered.
    pub fn run_service(
        &self,
        image: &str,
        on: &str,
        tls_as: Option<&str>,
        args: &[String],
    ) -> anyhow::Result<String> {
        let project = self.project()?;
        let (docker, lab) = self.running_lab()?;
        let name = hosts::known(on)?;
        let Some(host) = lab.iter().find(|host| host.name == name && host.running) else {
            bail!("{name} is not running: `docker compose start {name}` starts it again")
        };
        if !docker.has_image(image) {
            bail!(
                "no image {image:?} on this machine: build it first, with `docker build -t \
                 {image} .` in the folder `l11-micro new` wrote (its Dockerfile says how)"
            )
        }
        // What the service is told in its environment, as go-micro's services are told it.
        let running = programs(docker, host)?;
        let mut environment: Vec<(&str, String)> = if running.contains(&"etcd") {
            vec![
                ("MICRO_REGISTRY", "etcd".to_string()),
                ("MICRO_REGISTRY_ADDRESS", registry_address(&HOST_NAMES)),
            ]
        } else if running.contains(&"consul") {
            vec![("MICRO_REGISTRY", "consul".to_string())]
        } else {
            bail!("{name} runs no registry, neither etcd nor a Consul agent: `up` deploys one")
        };
        // A deployed service is patient with its registry: etcd may be electing a leader
        // right now (a host was just lost), and one try would end the service.
        environment.push((
            "MICRO_REGISTRY_WAIT",
            format!("{}s", REGISTRY_WAIT.as_secs()),
        ));
        let container = container_name(project, name, image);
        let mut exists = docker.docker();
        exists.args(["container", "inspect", &container]);
        if succeeds(&mut exists) {
            bail!("{container} exists already: `docker rm -f {container}` removes it")
        }
        // Its own certificate, where the lab runs over TLS.
        let certs = match (self.certs(), tls_as) {
            (Some(certs), Some(service)) => {
                let dir = certs.for_service(service, name, &Subnet::from_env()?)?;
                environment.push(("MICRO_TLS_CERTS", ON_HOST.to_string()));
                environment.push(("MICRO_TLS_AS", service.to_string()));
                Some(dir)
            }
            (Some(_), None) => bail!(
                "lab {project} runs over mutual TLS, and its gateways call no plaintext node: \
                 say which service {image} is, for its certificate (`--tls-as \
                 go.micro.srv.greeter`, the name it registers)"
            ),
            (None, Some(_)) => {
                bail!("--tls-as: lab {project} runs without TLS (`up --tls` brings one up with it)")
            }
            (None, None) => None,
        };

        let mut start = docker.docker();
        start
            .args(["run", "--detach", "--name", &container])
            .arg("--label")
            .arg(format!("{SERVICE_LABEL}={project}"))
            .arg("--network")
            .arg(format!(
                "container:{}",
                container_of(docker, &host.container)?
            ));
        for (variable, value) in &environment {
            start.arg("--env").arg(format!("{variable}={value}"));
        }
        if let Some(dir) = &certs {
            start
                .arg("--volume")
                .arg(format!("{}:{ON_HOST}:ro", dir.display()));
        }
        start.arg(image).args(args);
        let mut said = format!("running {image} on {name}: {}\n", describe(&start));
        run(&mut start)?;
        let registered = wait_until_registered(docker, &container)?;
        said.push_str(&format!("{container}: {registered}\n"));
        said.push_str(&format!(
            "`docker logs {container}` shows its log; `down` takes it away with the lab"
        ));
        Ok(said)
    }
}

/// The container of a service of image `image` on host `host`: `l14-host-b-greeter-srv`,
/// after the image's name without its registry or tag.
fn container_name(project: &str, host: &str, image: &str) -> String {
    let name = image.rsplit('/').next().unwrap_or(image);
    let name = name.split([':', '@']).next().unwrap_or(name);
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "_.-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{project}-{host}-{name}")
}

/// The name of the container with id `id`, as Compose named it (`l14-host-b-1`; Compose
/// v1: `l14_host-b_1`), for a command line a person can read.
fn container_of(docker: &Docker, id: &str) -> anyhow::Result<String> {
    let mut inspect = docker.docker();
    inspect.args(["inspect", "--format", "{{.Name}}", id]);
    Ok(run(&mut inspect)?
        .trim()
        .trim_start_matches('/')
        .to_string())
}

/// Waits until the service in `container` logs that it registered, and returns that line
/// from `registered` on; fails with the end of its log if it ends first, or is silent too
/// long.
fn wait_until_registered(docker: &Docker, container: &str) -> anyhow::Result<String> {
    let started = Instant::now();
    loop {
        let mut logs = docker.docker();
        logs.args(["logs", container]);
        let out = output(&mut logs)?;
        let log = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
        if let Some(line) = log.lines().find_map(|line| {
            let at = line.find("registered ")?;
            Some(line[at..].trim().to_string())
        }) {
            return Ok(line);
        }
        let mut state = docker.docker();
        state.args(["inspect", "--format", "{{.State.Running}}", container]);
        let running = run(&mut state)?.trim() == "true";
        if !running {
            bail!(
                "{container} ended before it registered; the end of its log \
                 (`docker logs {container}`):\n{}",
                tail(&log, 8)
            )
        }
        if started.elapsed() > PATIENCE {
            bail!(
                "{container} runs, yet has not said it registered after {} s; the end of its \
                 log (`docker logs {container}`):\n{}",
                PATIENCE.as_secs(),
                tail(&log, 8)
            )
        }
        std::thread::sleep(POLL_EVERY);
    }
}

/// Removes the services `run` started on the lab of `project` (`down` does, before the
/// hosts go); how many there were.
pub fn remove_all(docker: &Docker, project: &str) -> anyhow::Result<usize> {
    let mut list = docker.docker();
    list.args(["ps", "--all", "--quiet", "--filter"])
        .arg(format!("label={SERVICE_LABEL}={project}"));
    let containers: Vec<String> = run(&mut list)?
        .split_whitespace()
        .map(str::to_string)
        .collect();
    if !containers.is_empty() {
        let mut remove = docker.docker();
        remove.args(["rm", "--force"]).args(&containers);
        run(&mut remove)?;
    }
    Ok(containers.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_services_container_is_named_after_its_lab_host_and_image() {
        assert_eq!(
            container_name("l14", "host-b", "greeter-srv"),
            "l14-host-b-greeter-srv"
        );
        assert_eq!(
            container_name("l14", "host-c", "example.org/team/greeter-srv:1.2"),
            "l14-host-c-greeter-srv"
        );
        assert_eq!(
            container_name("l14", "host-a", "greeter srv@sha256:ab"),
            "l14-host-a-greeter-srv"
        );
    }
}
