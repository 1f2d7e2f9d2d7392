//! The framework built ahead for the crates `new` writes.
//!
//! A crate `new` writes is a workspace of its own with a target folder of its own, so its
//! first `cargo build --release` compiles the framework and everything under it again:
//! minutes (seven on two busy cores), at the moment chapter 14 asks for it. So the runner
//! builds it ahead while the chapter is read (the lesson's `ahead` in `lesson.toml`):
//! `l11-micro prebuild` writes a stand-in crate of the kind the chapter writes (a srv) into
//! the course's target folder, `target/l11-new/greeter`, and the runner's next step builds
//! it in release mode there, with the cargo of a learner's shell (the runner's, which takes
//! out what `cargo run` set for this program: ring's build script would see a change in it
//! and build again, with all above it). `new` then moves that build into the crate it
//! writes, as its `target/`: the same dependencies, at the same versions (both have the
//! course's `Cargo.lock`), with the same features and profile, so cargo finds them built
//! and compiles only the new crate.
//!
//! A build is taken once it has finished (its program is there, which cargo links last),
//! and once: `new` leaves the mark `taken`, after which `prebuild` writes no stand-in.

use std::path::{Path, PathBuf};

use super::{Kind, Plan, write};

/// The kind the stand-in is: the chapter's `new ../greeter`. An api's crate has the same
/// dependencies, so it can take the build too; a web's has more.
const KIND: Kind = Kind::Srv;
/// The stand-in's alias, and so its folder and its program (`greeter-srv`).
const ALIAS: &str = "greeter";

/// The folder of the build ahead, in the course's `target/` (where the runner's step, a
/// path from the course's root, builds it).
fn home() -> PathBuf {
    super::course_root().join("target/l11-new")
}

/// `l11-micro prebuild`: writes the stand-in crate for the runner to build, unless it is
/// there, or a crate of `new`'s has taken its build.
pub fn prebuild() -> anyhow::Result<()> {
    let home = home();
    let crate_dir = home.join(ALIAS);
    if home.join("taken").exists() {
        println!("nothing to build ahead: a crate of `new` has taken the build");
        return Ok(());
    }
    if !crate_dir.join("Cargo.toml").is_file() {
        let _ = std::fs::remove_dir_all(&crate_dir);
        write(&crate_dir, &Plan::new(KIND, "go.micro", ALIAS)?)?;
    }
    println!(
        "to build ahead what a crate of `new` needs: cargo build --release --manifest-path {}",
        crate_dir.join("Cargo.toml").display()
    );
    Ok(())
}

/// Gives the crate `new` wrote in `dir` the build made ahead, when there is one it can use:
/// the line that says so.
pub fn take(dir: &Path, kind: Kind) -> Option<String> {
    take_from(&home(), dir, kind)
}

/// [`take`], of the build ahead in `home`.
fn take_from(home: &Path, dir: &Path, kind: Kind) -> Option<String> {
    let stand_in = home.join(ALIAS);
    let built = stand_in.join("target");
    let finished = built
        .join("release")
        .join(format!("{ALIAS}-{}", KIND.name()))
        .is_file();
    let target = dir.join("target");
    if kind == Kind::Web || !finished || target.exists() {
        return None;
    }
    // A rename: the build stays on its disk, and a folder elsewhere keeps its first build.
    std::fs::rename(&built, &target).ok()?;
    // The stand-in goes, so that the runner's next build ahead finds nothing to build.
    let _ = std::fs::write(home.join("taken"), "");
    let _ = std::fs::remove_dir_all(&stand_in);
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
        let program = home.join("greeter/target/release/greeter-srv");
        for dir in [&web, &srv] {
            std::fs::create_dir_all(dir).unwrap();
        }
        // Not finished: not taken.
        assert_eq!(take_from(&home, &srv, Kind::Srv), None);
        std::fs::write(&program, "").unwrap();
        // A web crate has other dependencies.
        assert_eq!(take_from(&home, &web, Kind::Web), None);
        let said = take_from(&home, &srv, Kind::Srv).expect("taken");
        assert!(said.contains("srv/target"), "{said}");
        assert!(srv.join("target/release").is_dir());
        assert!(home.join("taken").exists() && !home.join("greeter").exists());
        assert_eq!(take_from(&home, &scratch.join("api"), Kind::Api), None);
        let _ = std::fs::remove_dir_all(&scratch);
    }
}
