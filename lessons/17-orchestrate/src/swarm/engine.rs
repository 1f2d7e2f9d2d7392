//! A node of the lab: a container running a Docker Engine of its own (`dockerd`, its main
//! process), its `/var/lib/docker` on a volume of its own, as a machine's disk would keep it.
//! `up` starts each ([`super::up`]); what a node may do inside its container, and why not
//! `--privileged`, is here.

use std::time::Duration;

use anyhow::Context;

use super::nodes::{ADDRESS_LABEL, GATEWAY_LABEL, NODE_LABEL, ROLE_LABEL};
use super::{Role, Swarm, wait};

/// How long a node's engine may take to answer after its container starts (about a second
/// on a quiet machine).
const ENGINE_PATIENCE: Duration = Duration::from_secs(60);
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
    /// Node `name`'s container, its engine's state on a volume of its own.
    pub(super) fn start_node(
        &self,
        name: &str,
        role: Role,
        last: u8,
        gateway: bool,
    ) -> anyhow::Result<()> {
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
        self.commands.run(&mut create)?;
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
        self.commands
            .run(&mut start)
            .with_context(|| format!("the node {name}"))?;
        Ok(())
    }

    /// Waits until `name`'s engine answers.
    pub(super) fn wait_for_engine(&self, name: &str) -> anyhow::Result<()> {
        let what = format!("{name}'s engine");
        wait::until(&what, ENGINE_PATIENCE, |_| {
            self.on_node(name, &["version", "--format", "{{.Server.Version}}"])
                .map(|_| Some(()))
        })
    }
}
