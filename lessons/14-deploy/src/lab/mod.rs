//! The lab: three hosts on a private network, made by Docker Compose from `lab/compose.yaml`.
//!
//! A learner's laptop has one network namespace, so every earlier lesson ran its services
//! side by side on `127.0.0.1`. Here each host is a container with an address of its own on
//! a network of its own, as servers would be, and what runs on it is started the way an
//! operator would start it on a server: etcd with the flags that make three members one
//! cluster, and lesson 11's services pointed at that cluster. `Lab` is what the lesson's
//! commands do:
//!
//! - `image`: builds the hosts' image ([`image`]);
//! - `up`: checks what can be checked first, asks Compose for the hosts and starts on them
//!   what [`deploy`] says ([`up`]), waiting until each host's gateway answers, and from
//!   every host ([`wait`]); `up --tls` over mutual TLS, each host given its keys ([`certs`]);
//! - `status` ([`status`]) and `down`;
//! - `compose`: Compose itself on the lab, v1 or v2, as the chapter types it ([`compose`]);
//! - `restart`: a host stopped and started again, its programs drained and back
//!   ([`restart`]);
//! - `run`: a service's own image on a host, in the lab's registry ([`service`]);
//! - `partition`, `heal`, `slow`: the [`nemesis`];
//! - Prometheus on a host of its own, which `up` starts where this machine has it
//!   ([`prometheus`]), for chapter 15's graphs of these faults;
//! - for the load's report: the hosts Docker saw go down ([`events`]), and each node named
//!   by its host ([`Lab::label`]).

mod certs;
mod compose;
mod deploy;
mod events;
mod hosts;
mod image;
mod nemesis;
mod paths;
mod prometheus;
mod restart;
mod service;
mod status;
mod up;
mod wait;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use anyhow::bail;

// `docker` run and its failures said in a sentence, shared with lesson 17's lab
// (`lab/src/docker.rs`).
use ::lab::docker;

pub use deploy::{
    LabRegistry, etcd_endpoints, etcd_member, gateway, registry_address, user_service,
};
use docker::{Docker, describe, output, run};
use hosts::Host;
pub use hosts::{HOST_NAMES, SUBNET_VARIABLE, Subnet};
pub use image::{AGENT_VARIABLE, BINARY_VARIABLE, LOCAL_BASE};
pub use prometheus::{MachinePrometheus, find as find_prometheus};

/// Which lab: a Compose project, the image its hosts run, and the host port of host-a's
/// gateway (the other hosts' are the ports after it).
#[derive(Debug, Clone, clap::Args)]
pub struct LabOptions {
    /// The Compose project: the prefix of the lab's containers and network.
    #[arg(long, global = true, env = "L14_PROJECT", default_value = "l14")]
    pub project: String,
    /// The image every host runs (`l14-deploy image` builds it).
    #[arg(long, global = true, env = "L14_IMAGE", default_value = "l14-host")]
    pub image: String,
    /// The port on 127.0.0.1 where host-a's gateway is published; host-b's and host-c's are
    /// the two after it.
    #[arg(long, global = true, env = "L14_API_PORT", default_value_t = 8080)]
    pub api_port: u16,
}

/// A lab, up or not.
pub struct Lab {
    pub options: LabOptions,
    /// Docker, checked on first use.
    docker: OnceLock<Docker>,
}

impl Lab {
    pub fn new(options: LabOptions) -> Lab {
        Lab {
            options,
            docker: OnceLock::new(),
        }
    }

    /// Where each host's gateway is published on this machine, in the order of
    /// [`HOST_NAMES`]: host-a's on `--api-port`, the others' on the ports after it (8080,
    /// 8081, 8082); none past the last port there is.
    pub fn published_gateways(&self) -> Vec<SocketAddr> {
        (0..HOST_NAMES.len() as u16)
            .map_while(|offset| self.options.api_port.checked_add(offset))
            .map(|port| SocketAddr::from(([127, 0, 0, 1], port)))
            .collect()
    }

    /// Where Prometheus' UI and API are published: on the port after host-c's gateway's
    /// (8083).
    pub fn published_prometheus(&self) -> Option<SocketAddr> {
        let port = self.options.api_port.checked_add(HOST_NAMES.len() as u16)?;
        Some(SocketAddr::from(([127, 0, 0, 1], port)))
    }

    /// Where host `name`'s gateway is published.
    fn published_gateway(&self, name: &str) -> Option<SocketAddr> {
        let index = HOST_NAMES.iter().position(|host| *host == name)?;
        self.published_gateways().get(index).copied()
    }

    /// Where the nemesis writes down its faults, for the load's report:
    /// `target/l14-lab/PROJECT/faults.jsonl`.
    pub fn journal(&self) -> PathBuf {
        let project = self.options.project.replace(['/', '\\'], "_");
        paths::target_dir()
            .join("l14-lab")
            .join(project)
            .join("faults.jsonl")
    }

    /// How the report and the timeline name `node`, a node id the load wrote down: `host-b`
    /// for the lab's user service on host-b (`user-10.14.0.12-7021`), any other node by its
    /// id. The lab's plan of addresses says which host has which address, not Docker, so an
    /// old history is named the same way after its lab is gone (as long as
    /// `L14_SUBNET_PREFIX` is what it was).
    pub fn label(node: &str) -> String {
        let host = Subnet::from_env()
            .ok()
            .and_then(|subnet| subnet.host_of_node(node));
        host.map_or_else(|| node.to_string(), str::to_string)
    }

    /// Builds the hosts' image; `local_base`: on a base made here from Debian's packages.
    pub fn build_image(&self, local_base: bool) -> anyhow::Result<()> {
        image::build(self.docker()?, &self.options.image, local_base)
    }

    /// Takes everything down: containers and network.
    pub fn down(&self) -> anyhow::Result<()> {
        let project = self.project()?;
        let docker = self.docker()?;
        // The services `run` started use a host's network: they go first, and quietly.
        service::remove_all(docker, project)?;
        if !self.anything_up(docker)? {
            println!("no lab is up (project {project})");
            return Ok(());
        }
        let mut compose = self.compose(Subnet::from_env().ok().as_ref())?;
        // With Prometheus' host, if the lab has one: Compose leaves a profile's hosts alone
        // unless it is named.
        compose.args(["--profile", prometheus::PROFILE]);
        compose.args(["down", "--volumes", "--remove-orphans"]);
        println!("taking lab {project} down: {}", describe(&compose));
        run(&mut compose)?;
        self.forget_certs()?;
        // Whatever the nemesis did ended with the hosts.
        let now = crate::history::unix_ms(SystemTime::now());
        let ended = crate::history::close_open_faults(&self.journal(), now)?;
        if self.anything_up(docker)? {
            bail!(
                "Compose took lab {project} down, yet some of it is left: see \
                 `docker ps -a --filter label=com.docker.compose.project={project}` and \
                 `docker network ls`"
            )
        }
        if ended > 0 {
            println!(
                "{ended} fault(s) of the nemesis marked ended in {}",
                self.journal().display()
            );
        }
        println!("lab {project} is down: no host, no network left");
        Ok(())
    }

    /// Cuts `hosts` off from the others (each side still reaches itself).
    pub fn partition(&self, hosts: &[String]) -> anyhow::Result<String> {
        let (docker, lab) = self.running_lab()?;
        nemesis::partition(docker, &lab, hosts, &self.journal())
    }

    /// Undoes every partition and slow link.
    pub fn heal(&self) -> anyhow::Result<String> {
        let (docker, lab) = self.running_lab()?;
        nemesis::heal(docker, &lab, &self.journal())
    }

    /// Delays every packet `host` sends by `delay`.
    pub fn slow(&self, host: &str, delay: Duration) -> anyhow::Result<String> {
        let (docker, lab) = self.running_lab()?;
        nemesis::slow(docker, &lab, host, delay, &self.journal())
    }

    /// The project's name, checked: Compose accepts lower-case letters, digits, `-` and
    /// `_`, and names containers and the network after it.
    fn project(&self) -> anyhow::Result<&str> {
        let project = self.options.project.as_str();
        let allowed =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
        if project.is_empty()
            || !project.chars().all(allowed)
            || !project.starts_with(|c: char| c.is_ascii_alphanumeric())
        {
            bail!(
                "--project {project:?}: a Compose project's name is lower-case letters, digits, \
                 `-` and `_`, beginning with a letter or digit (l14, l14-b)"
            )
        }
        Ok(project)
    }

    fn docker(&self) -> anyhow::Result<&Docker> {
        if let Some(docker) = self.docker.get() {
            return Ok(docker);
        }
        let docker = Docker::connect()?;
        Ok(self.docker.get_or_init(|| docker))
    }

    /// `docker compose -p PROJECT -f lab/compose.yaml`, with the variables the file reads.
    fn compose(&self, subnet: Option<&Subnet>) -> anyhow::Result<Command> {
        let mut compose = self.docker()?.compose()?;
        compose
            .arg("--project-name")
            .arg(&self.options.project)
            .arg("--file")
            .arg(paths::lab_dir().join("compose.yaml"))
            .env("L14_IMAGE", &self.options.image)
            .env("L14_API_PORT", self.options.api_port.to_string());
        for (variable, gateway) in ["L14_API_PORT_B", "L14_API_PORT_C"]
            .into_iter()
            .zip(self.published_gateways().into_iter().skip(1))
        {
            compose.env(variable, gateway.port().to_string());
        }
        if let Some(published) = self.published_prometheus() {
            compose.env("L14_PROMETHEUS_PORT", published.port().to_string());
        }
        if let Some(subnet) = subnet {
            compose.env(SUBNET_VARIABLE, subnet.prefix());
        }
        Ok(compose)
    }

    /// Whether any container or network of the project exists.
    fn anything_up(&self, docker: &Docker) -> anyhow::Result<bool> {
        let project = self.project()?;
        if !hosts::containers(docker, project)?.is_empty() {
            return Ok(true);
        }
        let mut networks = docker.docker();
        networks
            .args(["network", "ls", "--quiet", "--filter"])
            .arg(format!("label=com.docker.compose.project={project}"));
        Ok(!run(&mut networks)?.trim().is_empty())
    }

    /// After a failed `up`: whatever was made goes (what Compose says is of no interest).
    fn take_down_quietly(&self) {
        if let Ok(mut compose) = self.compose(None) {
            compose.args(["--profile", prometheus::PROFILE]);
            compose.args(["down", "--volumes", "--remove-orphans"]);
            let _ = output(&mut compose);
        }
        let _ = self.forget_certs();
    }

    /// The containers of the lab that is up (their ids), or an error saying that none is,
    /// and how to bring it up.
    pub fn containers(&self) -> anyhow::Result<Vec<String>> {
        let (_, lab) = self.running_lab()?;
        Ok(lab.into_iter().map(|host| host.container).collect())
    }

    /// Docker, and the hosts of a lab that is up.
    fn running_lab(&self) -> anyhow::Result<(&Docker, Vec<Host>)> {
        let project = self.project()?;
        let docker = self.docker()?;
        let lab = hosts::list(docker, project)?;
        if lab.is_empty() {
            bail!(
                "no lab is up (project {project}): `cargo run --release -p l14-deploy -- up` \
                 brings it up"
            )
        }
        Ok((docker, lab))
    }
}
