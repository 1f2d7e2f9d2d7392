//! The lab's image registry, and the course's image in it.
//!
//! A real cluster's nodes pull their images from a registry rather than having them copied
//! onto each machine, and so do the lab's: beside the nodes runs a registry (Debian's
//! `docker-registry`, on the nodes' image), named `registry` on the lab's network. The
//! course's image, built on this machine (`l17-orchestrate image`), is pushed there from this
//! machine, as an operator's build pushes what it built: the registry's port is published
//! on this machine's loopback, at a port Docker chooses, and this machine's engine pushes
//! `127.0.0.1:PORT/l17-service:ID` there. Docker trusts a registry on 127.0.0.0/8 over plain
//! HTTP without being told to, so nothing on this machine is configured for the lab. Every
//! node pulls the same repository by the name it knows the registry by,
//! `registry:5000/l17-service:ID`. `up` pushes it, and `deploy` again (a registry that has
//! every layer already answers at once; a new build is a new tag).

use anyhow::Context;

use super::Swarm;

/// The registry's name on the lab's network, as the nodes' engines reach it.
pub const REGISTRY: &str = "registry:5000";
/// The repository of the course's image in the registry.
const REPOSITORY: &str = "l17-service";

impl Swarm {
    /// The registry: the nodes' image running Debian's `docker-registry`, named `registry`
    /// on the lab's network.
    pub(super) fn start_registry(&self) -> anyhow::Result<()> {
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
            // Its port on this machine's loopback, for this machine's pushes.
            .args(["--publish", "127.0.0.1::5000"])
            .arg(&self.options.node_image)
            .args(["docker-registry", "serve", "/etc/lab/registry.yml"]);
        self.commands
            .run(&mut start)
            .context("the lab's registry")?;
        Ok(())
    }

    /// The course's image, pushed to the lab's registry from this machine; returns its name
    /// there, as the nodes pull it.
    pub fn push_course_image(&self) -> anyhow::Result<String> {
        self.push_image(&self.course_image_id()?)
    }

    /// The id of the course's image on this machine.
    pub(super) fn course_image_id(&self) -> anyhow::Result<String> {
        let local = &self.options.service_image;
        self.docker()?
            .image_id(local)
            .with_context(|| format!("no image {local}: `l17-orchestrate image` builds it"))
    }

    /// [`Swarm::push_course_image`], the image's id known: tagged for the registry's port on
    /// this machine, pushed, and the tag taken off again (the image stays). Each command it
    /// runs is one a stop ends.
    pub(super) fn push_image(&self, id: &str) -> anyhow::Result<String> {
        let docker = self.docker()?;
        let tag = id
            .trim_start_matches("sha256:")
            .get(..12)
            .unwrap_or("latest");
        let here = format!("127.0.0.1:{}/{REPOSITORY}:{tag}", self.registry_port()?);
        let mut tagging = docker.docker();
        tagging.args(["tag", id, &here]);
        self.commands.run(&mut tagging)?;
        let mut push = docker.docker();
        push.args(["push", "--quiet", &here]);
        let pushed = self.commands.run(&mut push);
        let mut untag = docker.docker();
        untag.args(["image", "rm", &here]);
        let _ = lab::docker::run(&mut untag);
        pushed.context("the course's image pushed to the lab's registry")?;
        Ok(format!("{REGISTRY}/{REPOSITORY}:{tag}"))
    }

    /// The port on this machine's loopback where the lab's registry answers.
    fn registry_port(&self) -> anyhow::Result<u16> {
        let mut port = self.docker()?.docker();
        port.args(["port", &self.registry_container(), "5000/tcp"]);
        let said = self.commands.run(&mut port).with_context(|| {
            format!(
                "the lab's registry publishes no port on this machine (a lab made before it \
                 did?): `l17-orchestrate --project {} down`, then `up`",
                self.options.project
            )
        })?;
        published_port(&said).with_context(|| {
            format!("`docker port` said where the registry is in words not understood: {said:?}")
        })
    }
}

/// The port of `127.0.0.1:49153`, as `docker port` says where a port is published (one line
/// per address; the loopback's is the one asked for).
fn published_port(said: &str) -> Option<u16> {
    said.lines()
        .filter_map(|line| line.trim().strip_prefix("127.0.0.1:"))
        .find_map(|port| port.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_s_port_is_read_from_docker_port() {
        assert_eq!(published_port("127.0.0.1:49153\n"), Some(49153));
        assert_eq!(
            published_port("[::1]:49154\n127.0.0.1:49153\n"),
            Some(49153)
        );
        assert_eq!(published_port("0.0.0.0:5000\n"), None);
        assert_eq!(published_port(""), None);
    }
}
