//! The lab's two images, built only when what goes into them changed.
//!
//! - The nodes' (`l17-node`, `lab/node.Dockerfile`): a Debian with Debian's Docker Engine
//!   and image registry. Every node runs it, and so does the registry.
//! - The course's (`l17-service`, `lab/service.Dockerfile`): lesson 11's program as cargo
//!   built it on this machine, etcd, Redis, Prometheus, and the stack's scripts
//!   (`lab/serve`, `lab/ready`, `lab/metrics`). `up` pushes it to the lab's registry; the
//!   swarm runs it.
//!
//! Both are built on `l14-base:bookworm`, the Debian lesson 14's lab makes here with
//! debootstrap (scripts/lab-base.sh, run when the base is missing by the `lab` crate's
//! `base` module, as lesson 14 runs it). Each image carries a label, `l17.inputs`, a digest
//! of its inputs: the files copied in and the base's id. An image whose label matches is
//! kept as it is; a build that replaces one removes the old one, unless a container still
//! runs it.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use lab::docker::{Docker, run};

use super::{Swarm, paths};

/// The base both images are built on.
pub const BASE: &str = lab::base::IMAGE;
/// The label holding the digest of an image's inputs.
const INPUTS_LABEL: &str = "l17.inputs";
/// Overrides which l11-micro goes into the course's image (a path).
pub const MICRO_VARIABLE: &str = "L17_MICRO_BINARY";
/// The stack's scripts, copied from `lab/` into the course's image.
const SCRIPTS: [&str; 4] = ["serve", "ready", "metrics", "lab-address"];

impl Swarm {
    /// Builds whichever of the two images is missing or out of date.
    pub fn build_images(&self) -> anyhow::Result<()> {
        let docker = self.docker()?;
        lab::base::ensure(docker, &paths::target_dir())?;
        let lab = paths::lab_dir();
        let node_files: Vec<(PathBuf, String)> = ["daemon.json", "registry.yml"]
            .into_iter()
            .map(|name| (lab.join(name), name.to_string()))
            .collect();
        build(
            docker,
            &self.options.node_image,
            "node.Dockerfile",
            &node_files,
        )?;
        // The program and the scripts under bin/, which the Dockerfile copies to /usr/local/bin.
        let mut service_files = vec![(built_program("l11-micro")?, "bin/l11-micro".to_string())];
        for script in SCRIPTS {
            service_files.push((lab.join(script), format!("bin/{script}")));
        }
        build(
            docker,
            &self.options.service_image,
            "service.Dockerfile",
            &service_files,
        )
    }
}

/// Builds `image` from `lab/DOCKERFILE` with `files` (each a source and its path in the
/// build's context), unless an image of that name was built from the same inputs.
fn build(
    docker: &Docker,
    image: &str,
    dockerfile: &str,
    files: &[(PathBuf, String)],
) -> anyhow::Result<()> {
    let dockerfile_path = paths::lab_dir().join(dockerfile);
    let base_id = docker.image_id(BASE).unwrap_or_default();
    let key = digest(&dockerfile_path, files, &base_id)?;
    let before = docker.image_id(image);
    if before.is_some() && label(docker, image).as_deref() == Some(key.as_str()) {
        println!("{image}: up to date (built from the same {dockerfile}, files and base)");
        return Ok(());
    }
    let staging = stage(image, files)?;
    let mut build = docker.docker();
    build
        .args(["build", "--tag", image, "--label"])
        .arg(format!("{INPUTS_LABEL}={key}"))
        .arg("--file")
        .arg(&dockerfile_path)
        .arg(&staging);
    println!("docker build: {image}, from lab/{dockerfile}");
    let built = run(&mut build);
    let _ = std::fs::remove_dir_all(&staging);
    built?;
    if let Some(before) = before.filter(|before| docker.image_id(image).as_ref() != Some(before)) {
        // Refused while a container runs it: then it stays until that lab goes down.
        let mut remove = docker.docker();
        remove.args(["image", "rm", &before]);
        if run(&mut remove).is_ok() {
            println!("removed the build of {image} it replaces");
        }
    }
    println!("built {image}");
    Ok(())
}

/// The digest of an image's inputs: the Dockerfile, each file and where it goes, the base.
fn digest(dockerfile: &Path, files: &[(PathBuf, String)], base_id: &str) -> anyhow::Result<String> {
    let mut hasher = DefaultHasher::new();
    let read = |path: &Path| {
        std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
    };
    read(dockerfile)?.hash(&mut hasher);
    for (from, to) in files {
        to.hash(&mut hasher);
        read(from)?.hash(&mut hasher);
    }
    base_id.hash(&mut hasher);
    Ok(format!("{:016x}", hasher.finish()))
}

/// The `l17.inputs` label of `image`.
fn label(docker: &Docker, image: &str) -> Option<String> {
    let mut inspect = docker.docker();
    inspect
        .args(["image", "inspect", "--format"])
        .arg(format!("{{{{index .Config.Labels \"{INPUTS_LABEL}\"}}}}"))
        .arg(image);
    run(&mut inspect).ok().map(|label| label.trim().to_string())
}

/// A fresh folder holding `files`, the whole of a build's context (not the workspace and its
/// gigabytes of `target/`); this build's own, removed after it.
fn stage(image: &str, files: &[(PathBuf, String)]) -> anyhow::Result<PathBuf> {
    let name = image.replace(['/', ':'], "_");
    let staging = paths::target_dir()
        .join("l17-lab")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    for (from, to) in files {
        let to = staging.join(to);
        std::fs::create_dir_all(to.parent().expect("a folder"))
            .with_context(|| format!("cannot create {}", staging.display()))?;
        std::fs::copy(from, &to)
            .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    }
    Ok(staging)
}

/// The program `name` to put in the image: the path in [`MICRO_VARIABLE`] if set, else the
/// release build if there is one, else the debug build.
pub fn built_program(name: &str) -> anyhow::Result<PathBuf> {
    if let Some(chosen) = std::env::var_os(MICRO_VARIABLE) {
        let chosen = PathBuf::from(chosen);
        if !chosen.is_file() {
            bail!("{MICRO_VARIABLE}={} is not a file", chosen.display())
        }
        return Ok(chosen);
    }
    let target = paths::target_dir();
    let found = ["release", "debug"]
        .map(|profile| target.join(profile).join(name))
        .into_iter()
        .find(|path| path.is_file());
    match found {
        Some(path) => {
            println!("{name}: {}", path.display());
            Ok(path)
        }
        None => bail!(
            "no {name} to put in the image (in {}/release or /debug): build it first with \
             `cargo build --release -p {name}`",
            target.display()
        ),
    }
}
