//! `up`: the lab's network, its image registry, the nodes, and the swarm they make.
//!
//! Each node is a container running a Docker Engine of its own (`dockerd`, its main
//! process), its `/var/lib/docker` on a volume of its own. The first manager makes the swarm
//! (`docker swarm init`); the others join it with the tokens it hands out, as a person would
//! type on each machine. Beside the nodes, the lab's registry: the course's image is loaded
//! into one node and pushed there, and every node pulls it from there, as a real cluster
//! pulls from its registry rather than having images copied onto each machine.

use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use lab::docker::{failure, run};

use super::nodes::{ADDRESS_LABEL, GATEWAY_LABEL, NODE_LABEL, ROLE_LABEL};
use super::{PROJECT_LABEL, Role, Swarm, wait};

/// How long a node's engine may take to answer after its container starts (about a second
/// on a quiet machine).
const ENGINE_PATIENCE: Duration = Duration::from_secs(60);
/// How long the nodes may take to be Ready in the swarm once they joined.
const READY_PATIENCE: Duration = Duration::from_secs(60);
/// The registry's name on the lab's network, as the nodes' engines reach it.
pub const REGISTRY: &str = "registry:5000";

/// A node's container's privileges, instead of `--privileged`.
///
/// An engine inside a container needs what `--privileged` gives: every capability, no
/// seccomp or AppArmor filter, /proc and /sys writable, every device, the cgroups. That is
/// what one would use, and it fails on this kind of machine: `--privileged` asks for every
/// capability in the machine's bounding set, and runc cannot apply CAP_SYS_RESOURCE where the
/// machine itself lacks it ("unable to apply caps: operation not permitted"). So the node
/// asks for each part by name, every capability but that one. Either way the node is root
/// on this machine in all but name: a lab's, not a production's, way to run an engine.
const NODE_PRIVILEGES: [&str; 12] = [
    "--cap-add=ALL",
    "--cap-drop=SYS_RESOURCE",
    "--security-opt",
    "seccomp=unconfined",
    "--security-opt",
    "apparmor=unconfined",
    "--security-opt",
    "systempaths=unconfined",
    "--device-cgroup-rule",
    "a *:* rwm",
    "--volume",
    "/sys/fs/cgroup:/sys/fs/cgroup:rw",
];

impl Swarm {
    /// Brings up a lab of `managers` managers and `workers` workers; returns what the swarm
    /// says of its nodes. The last two nodes (the workers, by default) run the gateways.
    pub fn up(&self, managers: usize, workers: usize) -> anyhow::Result<String> {
        if managers == 0 {
            bail!("a swarm needs at least one manager")
        }
        let started = Instant::now();
        if !self.nodes()?.is_empty() {
            bail!(
                "the lab {} is up already: `l17-orchestrate status`, or `down` first",
                self.options.project
            )
        }
        let docker = self.docker()?;
        for image in [&self.options.node_image, &self.options.service_image] {
            if !docker.has_image(image) {
                bail!("no image {image}: `l17-orchestrate image` builds it")
            }
        }
        let mut plan: Vec<(String, Role, u8)> = (1..=managers)
            .map(|n| (format!("manager-{n}"), Role::Manager, 10 + n as u8))
            .collect();
        plan.extend((1..=workers).map(|n| (format!("worker-{n}"), Role::Worker, 20 + n as u8)));
        let gateways = plan.len().saturating_sub(2);
        self.make_network()?;
        self.start_registry()?;
        for (index, (name, role, last)) in plan.iter().enumerate() {
            self.start_node(name, *role, *last, index >= gateways)?;
        }
        let names: Vec<&str> = plan.iter().map(|(name, ..)| name.as_str()).collect();
        for name in &names {
            self.wait_for_engine(name)?;
        }
        println!("{} engines answer ({:.1} s)", names.len(), secs(started));
        // The image goes to the registry while the swarm forms.
        let (first, _, first_last) = &plan[0];
        std::thread::scope(|scope| -> anyhow::Result<()> {
            let pushing = scope.spawn(|| self.push_course_image(first));
            self.form_swarm(first, self.address(*first_last)?, &plan)?;
            let pushed = pushing.join().expect("the push does not panic")?;
            println!("pushed {pushed} ({:.1} s)", secs(started));
            Ok(())
        })?;
        for (index, (name, ..)) in plan.iter().enumerate() {
            if index >= gateways {
                self.on_node(
                    first,
                    &["node", "update", "--label-add", "gateway=true", name],
                )?;
            }
        }
        let listed = wait::until("every node Ready", READY_PATIENCE, |seen| {
            let listed = self.on_node(first, &["node", "ls"])?;
            let ready = listed
                .lines()
                .filter(|line| line.contains(" Ready "))
                .count();
            *seen = listed.clone();
            Ok((ready == plan.len()).then_some(listed))
        })?;
        Ok(format!(
            "the swarm {} is up in {:.1} s:\n{listed}",
            self.options.project,
            secs(started)
        ))
    }

    /// The lab's network, with a subnet of its own so that each node has a fixed address.
    fn make_network(&self) -> anyhow::Result<()> {
        let docker = self.docker()?;
        let mut create = docker.docker();
        create
            .args(["network", "create", "--label", &self.project_label()])
            .arg(format!("--subnet={}.0/24", self.options.subnet_prefix))
            .arg(self.network());
        run(&mut create).context("the lab's network")?;
        Ok(())
    }

    /// The registry: the nodes' image running Debian's `docker-registry`, named `registry`
    /// on the lab's network.
    fn start_registry(&self) -> anyhow::Result<()> {
        let docker = self.docker()?;
        let mut start = docker.docker();
        start
            .args(["run", "--detach", "--name", &self.registry_container()])
            .args([
                "--label",
                &self.project_label(),
                "--network",
                &self.network(),
            ])
            .args(["--network-alias", "registry", "--ip"])
            .arg(self.address(5)?.to_string())
            .arg(&self.options.node_image)
            .args(["docker-registry", "serve", "/etc/lab/registry.yml"]);
        run(&mut start).context("the lab's registry")?;
        Ok(())
    }

    /// Node `name`'s container, its engine's state on a volume of its own.
    fn start_node(&self, name: &str, role: Role, last: u8, gateway: bool) -> anyhow::Result<()> {
        let docker = self.docker()?;
        let address = self.address(last)?;
        let volume = format!("{}-docker", self.container(name));
        let mut create = docker.docker();
        create.args([
            "volume",
            "create",
            "--label",
            &self.project_label(),
            &volume,
        ]);
        run(&mut create)?;
        let mut start = docker.docker();
        start
            .args(["run", "--detach", "--init", "--name", &self.container(name)])
            .args(["--hostname", name, "--network", &self.network()])
            .args(["--ip", &address.to_string()])
            .args(["--label", &self.project_label()])
            .args(["--label", &format!("{NODE_LABEL}={name}")])
            .args(["--label", &format!("{ROLE_LABEL}={}", role.as_str())])
            .args(["--label", &format!("{ADDRESS_LABEL}={address}")])
            .args(["--label", &format!("{GATEWAY_LABEL}={gateway}")])
            .args(NODE_PRIVILEGES)
            .args(["--volume", &format!("{volume}:/var/lib/docker")])
            // /run on a tmpfs, as a machine's is: emptied when the node starts again, so
            // that an engine killed (`kill-engine`) leaves no pid file behind for the next
            // one to take for a containerd still running.
            .args(["--tmpfs", "/run:rw,exec"])
            .arg(&self.options.node_image);
        run(&mut start).with_context(|| format!("the node {name}"))?;
        Ok(())
    }

    fn wait_for_engine(&self, name: &str) -> anyhow::Result<()> {
        let what = format!("{name}'s engine");
        wait::until(&what, ENGINE_PATIENCE, |_| {
            self.on_node(name, &["version", "--format", "{{.Server.Version}}"])
                .map(|_| Some(()))
        })
    }

    /// `swarm init` on `first`, then every other node joins, with the token of its role.
    /// Managers join one at a time (each is a change to the Raft group), workers at once.
    fn form_swarm(
        &self,
        first: &str,
        first_address: std::net::Ipv4Addr,
        plan: &[(String, Role, u8)],
    ) -> anyhow::Result<()> {
        let advertise = first_address.to_string();
        self.on_node(first, &["swarm", "init", "--advertise-addr", &advertise])?;
        let token = |role: Role| -> anyhow::Result<String> {
            let token = self.on_node(first, &["swarm", "join-token", "-q", role.as_str()])?;
            Ok(token.trim().to_string())
        };
        let (manager_token, worker_token) = (token(Role::Manager)?, token(Role::Worker)?);
        let join = |name: &str, role: Role, last: u8| -> anyhow::Result<()> {
            let token = if role == Role::Manager {
                &manager_token
            } else {
                &worker_token
            };
            let own = self.address(last)?.to_string();
            let leader = format!("{advertise}:2377");
            self.on_node(
                name,
                &[
                    "swarm",
                    "join",
                    "--advertise-addr",
                    &own,
                    "--token",
                    token,
                    &leader,
                ],
            )
            .with_context(|| format!("{name} joining as a {}", role.as_str()))?;
            Ok(())
        };
        let others = &plan[1..];
        std::thread::scope(|scope| -> anyhow::Result<()> {
            let workers: Vec<_> = others
                .iter()
                .filter(|(_, role, _)| *role == Role::Worker)
                .map(|(name, role, last)| scope.spawn(move || join(name, *role, *last)))
                .collect();
            for (name, role, last) in others.iter().filter(|(_, role, _)| *role == Role::Manager) {
                join(name, *role, *last)?;
            }
            for worker in workers {
                worker.join().expect("a join does not panic")?;
            }
            Ok(())
        })
    }

    /// The course's image, loaded into node `name` (`docker save | docker load`), tagged for
    /// the lab's registry and pushed there; returns its name there.
    pub fn push_course_image(&self, name: &str) -> anyhow::Result<String> {
        let docker = self.docker()?;
        let local = &self.options.service_image;
        let id = docker
            .image_id(local)
            .with_context(|| format!("no image {local}: `l17-orchestrate image` builds it"))?;
        let tag = id
            .trim_start_matches("sha256:")
            .get(..12)
            .unwrap_or("latest");
        let remote = format!("{REGISTRY}/l17-service:{tag}");
        if self.on_node(name, &["image", "inspect", &remote]).is_ok() {
            return Ok(remote);
        }
        let mut save = docker.docker();
        save.args(["save", local]).stdout(Stdio::piped());
        let mut saving = save.spawn().context("cannot run `docker save`")?;
        let mut load = self.on_node_command(name, &["load", "--quiet"]);
        load.stdin(saving.stdout.take().expect("piped"));
        let loaded = load.output().context("cannot run `docker load`")?;
        let saved = saving.wait()?;
        if !saved.success() || !loaded.status.success() {
            bail!("{}", failure(&load, &loaded))
        }
        self.on_node(name, &["tag", local, &remote])?;
        self.on_node(name, &["push", &remote])?;
        Ok(remote)
    }

    /// `l17.project=PROJECT`, the label on everything the lab makes.
    pub fn project_label(&self) -> String {
        format!("{PROJECT_LABEL}={}", self.options.project)
    }
}

fn secs(since: Instant) -> f64 {
    since.elapsed().as_secs_f64()
}
