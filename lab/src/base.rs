//! The labs' base image, `l14-base:bookworm`: a minimal Debian made on this machine, and
//! the one way a lesson's program makes it when it is missing.
//!
//! Lesson 14's hosts build on it when Debian's image cannot be pulled (or `--local-base`
//! asks for it); lesson 17's nodes and course image always do. It is not pulled from a
//! registry but made here by `scripts/lab-base.sh` (debootstrap from Debian's package mirror,
//! then `docker import`: about two minutes), and that script is the only thing that makes
//! it: it takes a lock in the target folder, so that a second run, from the other lesson or
//! from the test command that starts it early, waits for the first and then finds the image,
//! instead of making it again beside it. Both lessons run the script from here, the same
//! way: with the target folder the program uses, where the script keeps that lock and its
//! log.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

use crate::docker::{Docker, describe, tail};

/// The base image's name, as scripts/lab-base.sh makes it.
pub const IMAGE: &str = "l14-base:bookworm";

/// How many lines of the script's stderr a failure quotes.
const QUOTED_LINES: usize = 8;

/// Makes [`IMAGE`] with scripts/lab-base.sh unless it is on this machine already; `target`
/// is the target folder the program uses (the script's lock and its log, `lab-base.log`).
pub fn ensure(docker: &Docker, target: &Path) -> anyhow::Result<()> {
    if docker.has_image(IMAGE) {
        println!("the base: {IMAGE}, made here before");
        return Ok(());
    }
    let script = script();
    println!(
        "the base: {IMAGE} is missing; making it with {} (debootstrap and docker import: \
         about 2 minutes)",
        script.display()
    );
    let mut make = Command::new(&script);
    make.env("CARGO_TARGET_DIR", target)
        .env("L14_BASE_IMAGE", IMAGE)
        .stdin(Stdio::null())
        // Its steps, one line each, as it goes; its stderr kept to say why it failed.
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped());
    let out = make
        .output()
        .with_context(|| format!("cannot run {}", describe(&make)))?;
    if !out.status.success() {
        bail!(
            "{} could not make {IMAGE} ({}):\n{}",
            script.display(),
            out.status,
            tail(&String::from_utf8_lossy(&out.stderr), QUOTED_LINES)
        )
    }
    Ok(())
}

/// `scripts/lab-base.sh`, in the workspace this crate is a folder of.
fn script() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir
        .parent()
        .unwrap_or(crate_dir)
        .join("scripts/lab-base.sh")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_is_found_in_the_workspace() {
        assert!(script().is_file(), "{}", script().display());
    }
}
