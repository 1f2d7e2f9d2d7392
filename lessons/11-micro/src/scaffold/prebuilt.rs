//! The framework built ahead for the crates `new` writes.
//!
//! A crate `new` writes is a workspace of its own with a target folder of its own, so its
//! first `cargo build --release` compiles the framework and everything under it again:
//! minutes (seven on two busy cores), at the moment chapter 14 asks for it. So the runner
//! builds it ahead while the chapter is read (the lesson's `ahead` in `lesson.toml`):
//! `l11-micro prebuild` writes a stand-in crate of the kind the chapter writes (a srv) into
//! the course's target folder and builds it in release mode there. `new` then moves that
//! build into the crate it writes, as its `target/`: the same dependencies, at the same
//! versions (both have the course's `Cargo.lock`), with the same features and profile, so
//! cargo finds them built and compiles only the new crate.
//!
//! The build is taken once: `new` leaves a mark (`taken`) that tells `prebuild` not to
//! build it again. A build is taken only once it has finished (the mark `built`), never
//! from under a cargo still writing it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};

use super::{Kind, Plan, write};

/// The kind the stand-in is: the chapter's `new ../greeter`. An api's crate has the same
/// dependencies, so it can take the build too; a web's has more.
const KIND: Kind = Kind::Srv;

/// The folder of the build ahead in the course's target folder.
fn home() -> PathBuf {
    target_dir().join("l11-new")
}

/// Cargo's target folder for the course: `CARGO_TARGET_DIR` when set (relative to the
/// current folder, as cargo reads it), else the course's `target/`.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => std::env::current_dir().unwrap_or_default().join(dir),
        _ => super::course_root().join("target"),
    }
}

/// `l11-micro prebuild`: writes the stand-in crate and builds it in release mode, unless
/// it is built already, or a crate of `new`'s has taken its build.
pub fn prebuild() -> anyhow::Result<()> {
    let home = home();
    if home.join("taken").exists() || home.join("built").exists() {
        println!("nothing to build ahead: {} has it", home.display());
        return Ok(());
    }
    let crate_dir = home.join("greeter");
    if !crate_dir.join("Cargo.toml").is_file() {
        let _ = std::fs::remove_dir_all(&crate_dir);
        write(&crate_dir, &Plan::new(KIND, "go.micro", "greeter")?)?;
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .args(["build", "--release", "--manifest-path"])
        .arg(crate_dir.join("Cargo.toml"))
        // The crate's own target folder, as `cargo build` in it would have it.
        .env("CARGO_TARGET_DIR", crate_dir.join("target"))
        .stdin(Stdio::null());
    println!(
        "building ahead what a crate of `new` needs, in {}",
        crate_dir.display()
    );
    let status = build
        .status()
        .with_context(|| format!("cannot run cargo in {}", crate_dir.display()))?;
    if !status.success() {
        bail!("`cargo build --release` of {} failed", crate_dir.display());
    }
    std::fs::write(home.join("built"), "")
        .with_context(|| format!("cannot write in {}", home.display()))?;
    Ok(())
}

/// Gives the crate `new` wrote in `dir` the build made ahead, when there is one it can use:
/// the line that says so.
pub fn take(dir: &Path, kind: Kind) -> Option<String> {
    take_from(&home(), dir, kind)
}

/// [`take`], of the build ahead in `home`.
fn take_from(home: &Path, dir: &Path, kind: Kind) -> Option<String> {
    let built = home.join("greeter/target");
    let target = dir.join("target");
    if kind == Kind::Web || !home.join("built").exists() || target.exists() {
        return None;
    }
    // A rename: the build stays on its disk, and a folder elsewhere keeps its first build.
    std::fs::rename(&built, &target).ok()?;
    let _ = std::fs::rename(home.join("built"), home.join("taken"));
    Some(format!(
        "moved the framework's release build, made ahead, into {}: its first `cargo build \
         --release` compiles only the new crate",
        target.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_build_is_taken_once_by_a_crate_it_fits() {
        let scratch = std::env::temp_dir().join(format!("l11-prebuilt-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        let (home, web, srv) = (
            scratch.join("home"),
            scratch.join("web"),
            scratch.join("srv"),
        );
        std::fs::create_dir_all(home.join("greeter/target/release")).unwrap();
        for dir in [&web, &srv] {
            std::fs::create_dir_all(dir).unwrap();
        }
        // Not finished: not taken.
        assert_eq!(take_from(&home, &srv, Kind::Srv), None);
        std::fs::write(home.join("built"), "").unwrap();
        // A web crate has other dependencies.
        assert_eq!(take_from(&home, &web, Kind::Web), None);
        let said = take_from(&home, &srv, Kind::Srv).expect("taken");
        assert!(said.contains("srv/target"), "{said}");
        assert!(srv.join("target/release").is_dir());
        assert!(home.join("taken").exists() && !home.join("built").exists());
        assert_eq!(take_from(&home, &scratch.join("api"), Kind::Api), None);
        let _ = std::fs::remove_dir_all(&scratch);
    }
}
