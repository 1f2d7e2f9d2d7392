//! The lab's image registry, and the course's image in it.
//!
//! A real cluster's nodes pull their images from a registry rather than having them copied
//! onto each machine, and so do the lab's: beside the nodes runs a registry (Debian's
//! `docker-registry`, on the nodes' image), named `registry` on the lab's network. The
//! course's image, built on this machine (`l17-orchestrate image`), is loaded into one node
//! (`docker save | docker load`), tagged for the registry and pushed there; every node pulls
//! it from there when the swarm places a replica on it. `up` pushes it; `deploy` pushes it
//! again unless the node it deploys from has it already (a new build is a new tag).

use std::process::Stdio;

use anyhow::{Context, bail};

use super::Swarm;
use lab::docker::failure;

/// The registry's name on the lab's network, as the nodes' engines reach it.
pub const REGISTRY: &str = "registry:5000";

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
            .arg(&self.options.node_image)
            .args(["docker-registry", "serve", "/etc/lab/registry.yml"]);
        self.commands
            .run(&mut start)
            .context("the lab's registry")?;
        Ok(())
    }

    /// The course's image, loaded into node `name` (`docker save | docker load`), tagged for
    /// the lab's registry and pushed there; returns its name there.
    pub fn push_course_image(&self, name: &str) -> anyhow::Result<String> {
        self.push_image(name, &self.course_image_id()?)
    }

    /// The id of the course's image on this machine.
    pub(super) fn course_image_id(&self) -> anyhow::Result<String> {
        let local = &self.options.service_image;
        self.docker()?
            .image_id(local)
            .with_context(|| format!("no image {local}: `l17-orchestrate image` builds it"))
    }

    /// [`Swarm::push_course_image`], the image's id known: each command it runs is one a
    /// stop ends.
    pub(super) fn push_image(&self, name: &str, id: &str) -> anyhow::Result<String> {
        let docker = self.docker()?;
        let local = &self.options.service_image;
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
        let mut saving = self.commands.spawn(&mut save)?;
        let mut load = self.on_node_command(name, &["load", "--quiet"]);
        load.stdin(saving.child().stdout.take().expect("piped"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let loaded = self.commands.spawn(&mut load)?.wait_with_output()?;
        let saved = saving.wait()?;
        self.commands.stopped()?;
        if !saved.success() || !loaded.status.success() {
            bail!("{}", failure(&load, &loaded))
        }
        self.on_node(name, &["tag", local, &remote])?;
        self.on_node(name, &["push", &remote])?;
        Ok(remote)
    }
}
