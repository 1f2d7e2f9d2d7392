//! `up`: a lab from nothing, the hosts from Compose and then, in order, what runs on them.
//!
//! Order matters on three hosts as it does on three servers. The services register in etcd,
//! so etcd must be a cluster before they start; the gateway finds the services through etcd,
//! so it answers only once they have registered. `up` starts each program on its host with
//! `docker exec`, as a person would over ssh, and waits for each stage to work
//! ([`wait`](super::wait)) before the next. When anything fails, the lab is taken down again,
//! so that the next `up` starts from nothing too.

use std::net::TcpListener;
use std::time::{Instant, SystemTime};

use anyhow::bail;

use super::certs::{self as tls, Certs};
use super::deploy::{
    self, LabRegistry, consul_agent, consul_gateway, consul_user_service, etcd_member, gateway,
    user_service,
};
use super::docker::{Docker, describe, run};
use super::hosts::{self, HOST_NAMES, Host, PROMETHEUS_HOST, SUBNET_VARIABLE, Subnet};
use super::prometheus::{self, MachinePrometheus};
use super::wait::{wait_for_consul, wait_for_etcd, wait_for_every_host};
use super::{Lab, LabOptions};

impl Lab {
    // ANCHOR: up
    /// Brings the three hosts up and deploys the registry (etcd or Consul), the services
    /// and the gateways on them; with `tls`, the services and gateways over mutual TLS,
    /// each host given its own keys ([`tls`]).
    pub fn up(&self, registry: LabRegistry, with_tls: bool) -> anyhow::Result<()> {
        let project = self.project()?;
        let subnet = Subnet::from_env()?;
        let docker = self.docker()?;
        // Prometheus' host too, where this machine has a Prometheus to run on it.
        let prometheus = prometheus::find();
        let mut compose = self.compose(Some(&subnet))?;
        self.check_nothing_is_in_the_way(docker, prometheus.is_ok())?;
        // A new lab has no faults: any the journal still holds open (a lab taken down by
        // `docker compose down` itself) ended with the old one.
        crate::history::close_open_faults(
            &self.journal(),
            crate::history::unix_ms(SystemTime::now()),
        )?;
        // A new lab has a new CA, or none.
        self.forget_certs()?;
        let certs = if with_tls {
            Some(Certs::make(&self.certs_dir(), &subnet)?)
        } else {
            None
        };

        let mut names = HOST_NAMES.join(", ");
        if prometheus.is_ok() {
            compose.args(["--profile", prometheus::PROFILE]);
            names.push_str(&format!(", {PROMETHEUS_HOST}"));
        }
        compose.args(["up", "-d"]);
        println!("starting {names}: {}", describe(&compose));
        if let Err(why) = &prometheus {
            println!("prometheus: none, the lab comes up without it: {why}");
        }
        if let Err(error) = run(&mut compose) {
            self.take_down_quietly();
            if error.to_string().contains("overlaps") {
                bail!(
                    "{error}\nanother network of this machine uses {}.0/24: choose another \
                     with {SUBNET_VARIABLE} (e.g. {SUBNET_VARIABLE}=10.114.0)",
                    subnet.prefix()
                )
            }
            return Err(error);
        }
        let prometheus = prometheus.ok();
        let deployed = self.deploy(
            docker,
            project,
            &subnet,
            registry,
            certs.as_ref(),
            prometheus.as_ref(),
        );
        match deployed {
            Ok(summary) => {
                print!("{summary}");
                Ok(())
            }
            Err(error) => {
                self.take_down_quietly();
                bail!("{error}\n(the lab was taken down again; `up` tries anew)")
            }
        }
    }
    // ANCHOR_END: up

    /// What would make `up` fail halfway, said before anything is made.
    fn check_nothing_is_in_the_way(
        &self,
        docker: &Docker,
        with_prometheus: bool,
    ) -> anyhow::Result<()> {
        let LabOptions {
            project,
            image,
            api_port,
        } = &self.options;
        if !docker.has_image(image) {
            bail!(
                "there is no image {image}: build it first with `cargo run --release -p \
                 l14-deploy -- image` (add `--local-base` where debian:bookworm-slim cannot be \
                 pulled)"
            )
        }
        if self.anything_up(docker)? {
            bail!(
                "lab {project} is up already: `cargo run --release -p l14-deploy -- status` \
                 shows it, `cargo run --release -p l14-deploy -- down` takes it down"
            )
        }
        let gateways = self.published_gateways();
        if *api_port == 0 || gateways.len() < HOST_NAMES.len() {
            bail!(
                "--api-port {api_port}: give the port where host-a's gateway is published, \
                 with the two after it free for host-b's and host-c's, e.g. 8080"
            )
        }
        for (name, gateway) in HOST_NAMES.iter().zip(gateways) {
            if let Err(error) = TcpListener::bind(gateway) {
                bail!(
                    "port {} on 127.0.0.1 is taken ({error}): {name}'s gateway is published \
                     there (host-a's on --api-port, {api_port}, the others' on the ports after \
                     it); choose another with --api-port or L14_API_PORT",
                    gateway.port()
                )
            }
        }
        let prometheus = self.published_prometheus().filter(|_| with_prometheus);
        if let Some(published) = prometheus
            && let Err(error) = TcpListener::bind(published)
        {
            bail!(
                "port {} on 127.0.0.1 is taken ({error}): Prometheus' UI is published there \
                 (the port after host-c's gateway's); choose another --api-port or L14_API_PORT",
                published.port()
            )
        }
        Ok(())
    }

    // ANCHOR: deploy
    /// Starts the registry on every host and waits until it works, then starts the services
    /// and the gateways and waits until each gateway answers, and every host's service has.
    /// What `up` prints.
    fn deploy(
        &self,
        docker: &Docker,
        project: &str,
        subnet: &Subnet,
        registry: LabRegistry,
        certs: Option<&Certs>,
        prometheus: Option<&MachinePrometheus>,
    ) -> anyhow::Result<String> {
        let lab = hosts::list(docker, project)?;
        let host = |name: &str| -> anyhow::Result<Host> {
            match lab.iter().find(|host| host.name == name && host.running) {
                Some(host) => Ok(host.clone()),
                None => bail!("Compose said the lab is up, but {name} is not running"),
            }
        };
        let hosts: Vec<Host> = HOST_NAMES
            .iter()
            .map(|name| host(name))
            .collect::<anyhow::Result<_>>()?;
        let address = |host: &Host| match subnet.address(&host.name) {
            Some(address) => Ok(address),
            None => bail!("{} has no address in the lab's network", host.name),
        };

        match registry {
            LabRegistry::Etcd => {
                println!("etcd: one member on each host, then waiting for a healthy cluster");
                for host in &hosts {
                    let command = etcd_member(&host.name, &HOST_NAMES);
                    start(docker, host, &command, deploy::ETCD_LOG)?;
                }
                let started = Instant::now();
                wait_for_etcd(docker, &hosts)?;
                println!(
                    "etcd: 3 members, healthy after {:.1} s",
                    started.elapsed().as_secs_f64()
                );
            }
            LabRegistry::Consul => {
                println!("consul: the server on host-a, then a client agent on each other host");
                let started = Instant::now();
                for (count, host) in hosts.iter().enumerate() {
                    let command = consul_agent(&host.name, &address(host)?, HOST_NAMES[0]);
                    start(docker, host, &command, deploy::CONSUL_LOG)?;
                    // Each joins those before it: wait until they are all members.
                    wait_for_consul(docker, &hosts[..=count])?;
                }
                println!(
                    "consul: 3 members alive after {:.1} s",
                    started.elapsed().as_secs_f64()
                );
            }
        }

        if let Some(certs) = certs {
            println!(
                "certificates: each host given its own keys, in {}",
                tls::ON_HOST
            );
            for host in &hosts {
                certs.hand_out(docker, host)?;
            }
        }
        // With certificates, each program shows its own identity: `user`, `gateway`.
        let identity = |name: &str| match certs {
            Some(_) => tls::flags(name).to_vec(),
            None => Vec::new(),
        };
        println!("services: `user-server` and `api` on each host; waiting for answers");
        for host in &hosts {
            let address = address(host)?;
            let mut command = match registry {
                LabRegistry::Etcd => user_service(&address, &HOST_NAMES),
                LabRegistry::Consul => consul_user_service(&address),
            };
            command.extend(identity(tls::USER));
            start(docker, host, &command, deploy::USER_LOG)?;
        }
        // A gateway on every host: a host restarted, or lost, takes one of three away.
        for host in &hosts {
            let mut command = match registry {
                LabRegistry::Etcd => gateway(&HOST_NAMES),
                LabRegistry::Consul => consul_gateway(),
            };
            command.extend(identity(tls::GATEWAY));
            start(docker, host, &command, deploy::GATEWAY_LOG)?;
        }
        // Prometheus meanwhile: it finds the services as they register.
        let prometheus = match prometheus {
            Some(prometheus) => {
                Some(self.start_prometheus(docker, project, subnet, certs, prometheus)?)
            }
            None => None,
        };
        let started = Instant::now();
        wait_for_every_host(docker, &hosts, &self.published_gateways(), subnet)?;
        println!(
            "gateways: each answered, and every host answered, after {:.1} s",
            started.elapsed().as_secs_f64()
        );
        if let Some(host) = &prometheus {
            self.wait_for_prometheus(docker, host)?;
        }
        Ok(self.summary(subnet, registry, certs.is_some(), prometheus.is_some()))
    }
    // ANCHOR_END: deploy
}

/// Starts `command` on `host` in the background, its output in `log`, and writes it down
/// for the host's init, which starts it again when the host restarts.
pub(super) fn start(
    docker: &Docker,
    host: &Host,
    command: &[String],
    log: &str,
) -> anyhow::Result<()> {
    super::restart::record(docker, host, command, log)?;
    let mut exec = docker.docker();
    exec.args(["exec", "--detach", &host.container])
        .args(deploy::in_background(command, log));
    run(&mut exec).map(drop)
}
