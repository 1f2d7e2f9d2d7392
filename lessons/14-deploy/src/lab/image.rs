//! The hosts' image: `lab/Dockerfile` with lesson 11's program and the course's Consul
//! agent in it.
//!
//! The programs are not built inside the image: they are the ones `cargo build -p l11-micro`
//! and `cargo build -p devconsul` made on this machine, copied into a staging folder
//! (`bin/l11-micro`, `bin/devconsul`) that becomes the build's context. Only that folder is sent to Docker, not the workspace and its gigabytes of
//! `target/`.
//!
//! The Dockerfile starts from `debian:bookworm-slim`, which Docker pulls from Docker Hub
//! (`L14_DEBIAN_IMAGE` names another, say a mirror's copy of it).
//! A machine that cannot pull (or `--local-base`) builds on `l14-base:bookworm`, a Debian made
//! here by debootstrap from Debian's own package mirror. scripts/lab-base.sh makes it (and
//! is the only thing that does, so that a build already under way is waited for, not
//! repeated), run from the `lab` crate's `base` module, which lesson 17 uses too.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::docker::{Docker, run};
use super::paths;

/// The base `--local-base` builds on.
pub const LOCAL_BASE: &str = ::lab::base::IMAGE;

/// The base the Dockerfile names, from Docker Hub.
const DEBIAN: &str = "debian:bookworm-slim";
/// Overrides which image is pulled as the base instead of [`DEBIAN`] (an image's name).
pub const DEBIAN_VARIABLE: &str = "L14_DEBIAN_IMAGE";

/// Overrides which l11-micro goes into the image (a path).
pub const BINARY_VARIABLE: &str = "L14_MICRO_BINARY";
/// Overrides which devconsul goes into the image (a path).
pub const AGENT_VARIABLE: &str = "L14_DEVCONSUL_BINARY";

// ANCHOR: build
/// Builds image `image` from `lab/Dockerfile`, on the local base when `local_base`, or
/// when Debian's image is neither here nor to be pulled.
pub fn build(docker: &Docker, image: &str, local_base: bool) -> anyhow::Result<()> {
    let micro = built_program("l11-micro", BINARY_VARIABLE)?;
    let agent = built_program("devconsul", AGENT_VARIABLE)?;
    let debian = debian();
    let local_base = local_base || !debian_at_hand(docker, &debian);
    let base = if local_base { LOCAL_BASE } else { &debian };
    let staging = stage(&[(&micro, "l11-micro"), (&agent, "devconsul")])?;
    let built = build_from(docker, image, base, &staging);
    let _ = std::fs::remove_dir_all(&staging);
    built
}

/// `docker build` of `lab/Dockerfile` on `base` in the context `staging`.
fn build_from(docker: &Docker, image: &str, base: &str, staging: &Path) -> anyhow::Result<()> {
    let local_base = base == LOCAL_BASE;
    if local_base {
        ::lab::base::ensure(docker, &paths::target_dir())?;
    }
    let mut build = docker.docker();
    build.arg("build").arg("--tag").arg(image);
    if base != DEBIAN {
        build.arg("--build-arg").arg(format!("BASE={base}"));
    }
    build
        .arg("--file")
        .arg(paths::lab_dir().join("Dockerfile"))
        .arg(staging);
    println!("docker build: {image}, from lab/Dockerfile");
    let before = docker.image_id(image);
    if let Err(error) = run(&mut build) {
        if local_base {
            return Err(error);
        }
        bail!(
            "{error}\n(a machine that cannot pull {base} builds on a base made here: `cargo \
             run --release -p l14-deploy -- image --local-base`)"
        )
    }
    remove_replaced(docker, image, before);
    println!("built {image}: `cargo run --release -p l14-deploy -- up` brings the lab up");
    Ok(())
}

/// The base to pull: [`DEBIAN`], or the image [`DEBIAN_VARIABLE`] names.
fn debian() -> String {
    std::env::var(DEBIAN_VARIABLE)
        .ok()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| DEBIAN.to_string())
}

/// Whether `debian` is on this machine, or can be pulled. When it cannot, the build goes on
/// with the local base, saying so in a line; a base made here already is taken at once,
/// with no wait for a registry that may not answer.
fn debian_at_hand(docker: &Docker, debian: &str) -> bool {
    if docker.has_image(debian) {
        return true;
    }
    if docker.has_image(LOCAL_BASE) {
        println!("{debian} is not on this machine: building on {LOCAL_BASE}, made here before");
        return false;
    }
    let mut pull = docker.docker();
    pull.args(["pull", "--quiet", debian]);
    match run(&mut pull) {
        Ok(_) => true,
        Err(error) => {
            let why = format!("{error:#}");
            let why = why.lines().last().unwrap_or_default().trim().to_string();
            println!("{debian} cannot be pulled here ({why}): building on {LOCAL_BASE} instead");
            false
        }
    }
}

/// After a build of `image`, the image it replaced (`before`, its id), which now has no
/// name and would stay on the machine, hundreds of megabytes each build: removed, unless a
/// container still uses it (a lab that is up keeps its image until it goes down).
fn remove_replaced(docker: &Docker, image: &str, before: Option<String>) {
    let Some(before) = before else {
        return;
    };
    if docker.image_id(image).as_ref() == Some(&before) {
        return;
    }
    let mut remove = docker.docker();
    remove.args(["image", "rm", &before]);
    if run(&mut remove).is_ok() {
        println!("removed the build of {image} it replaces");
    }
}
// ANCHOR_END: build

/// The program `name` to put in the image: the path in `variable` if set, else the release
/// build if there is one, else the debug build.
pub fn built_program(name: &str, variable: &str) -> anyhow::Result<PathBuf> {
    if let Some(chosen) = std::env::var_os(variable) {
        let chosen = PathBuf::from(chosen);
        if !chosen.is_file() {
            bail!("{variable}={} is not a file", chosen.display())
        }
        println!("{name}: {} ({variable})", chosen.display());
        return Ok(chosen);
    }
    let target = paths::target_dir();
    let release = target.join("release").join(name);
    let debug = target.join("debug").join(name);
    if release.is_file() {
        println!("{name}: {} (the release build)", release.display());
        Ok(release)
    } else if debug.is_file() {
        println!(
            "{name}: {} (a debug build; `cargo build --release -p {name}` makes a smaller, \
             faster one, and this uses it once it is there)",
            debug.display()
        );
        Ok(debug)
    } else {
        bail!(
            "no {name} to put in the image (looked for {} and {}): build it first with \
             `cargo build --release -p {name}`",
            release.display(),
            debug.display()
        )
    }
}

/// A fresh staging folder holding `programs` under `bin/` and `bin/host-init` (the hosts'
/// main process), the build's whole context. It is this build's own (two builds at once
/// each have theirs), and is removed after it.
fn stage(programs: &[(&Path, &str)]) -> anyhow::Result<PathBuf> {
    let staging = paths::target_dir().join(format!("l14-lab/image-{}", std::process::id()));
    let bin = staging.join("bin");
    if bin.exists() {
        std::fs::remove_dir_all(&bin).with_context(|| format!("cannot empty {}", bin.display()))?;
    }
    std::fs::create_dir_all(&bin).with_context(|| format!("cannot create {}", bin.display()))?;
    let init = paths::lab_dir().join("host-init");
    let files = programs
        .iter()
        .copied()
        .chain([(init.as_path(), "host-init")]);
    for (from, name) in files {
        std::fs::copy(from, bin.join(name))
            .with_context(|| format!("cannot copy {} into {}", from.display(), bin.display()))?;
    }
    Ok(staging)
}
