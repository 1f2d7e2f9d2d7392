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
//! and once: `new` leaves the mark `taken`, after which `prebuild` writes no stand-in. A
//! build still under way — cargo holds its build folder's lock while it builds — is waited
//! for, saying so: it is nearer its end than a build started now would be.

use std::path::{Path, PathBuf};

use super::{Kind, Plan, write};

/// The kind the stand-in is: the chapter's `new ../greeter`. An api's crate has the same
/// dependencies, so it can take the build too; a web's has more.
const KIND: Kind = Kind::Srv;
/// The stand-in's alias, and so its folder and its program (`greeter-srv`).
const ALIAS: &str = "greeter";

/// How long `new` waits for a build under way: longer than the slowest seen (13 min on two
/// busy cores), shorter than forever.
const LONGEST_WAIT: std::time::Duration = std::time::Duration::from_secs(30 * 60);

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

/// Gives the crate `new` wrote in `dir` the build made ahead, when there is one it can use,
/// after waiting for it if it is under way: the line that says so.
pub fn take(dir: &Path, kind: Kind) -> Option<String> {
    take_from(&home(), dir, kind, |line| println!("{line}"))
}

/// [`take`], of the build ahead in `home`, saying through `say` that it waits.
fn take_from(home: &Path, dir: &Path, kind: Kind, say: impl Fn(&str)) -> Option<String> {
    let stand_in = home.join(ALIAS);
    let built = stand_in.join("target");
    let target = dir.join("target");
    if kind == Kind::Web || target.exists() {
        return None;
    }
    let release = built.join("release");
    let program = release.join(format!("{ALIAS}-{}", KIND.name()));
    if !program.is_file() {
        // cargo's own lock on the build folder, held while it builds: wait until it is let go.
        let lock = std::fs::File::open(release.join(".cargo-lock")).ok()?;
        if held_by_another(&lock) {
            say(&format!(
                "waiting for the framework's release build, made ahead in {}, to finish: it \
                 is nearer its end than a build started now (Ctrl-C goes on without it; the \
                 crate is written)",
                stand_in.display()
            ));
            let waited = std::time::Instant::now();
            while held_by_another(&lock) {
                if waited.elapsed() > LONGEST_WAIT {
                    say("the build made ahead is still under way: going on without it");
                    return None;
                }
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
        }
        if !program.is_file() {
            // The build stopped before its end (a check stopped it): nothing to take.
            return None;
        }
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

/// Whether another process holds the lock on `file` (cargo holds its build folder's with
/// `flock` while it builds): a shared lock, asked for without waiting, is refused.
#[cfg(unix)]
fn held_by_another(file: &std::fs::File) -> bool {
    use std::os::fd::AsRawFd;
    let fd = file.as_raw_fd();
    // SAFETY: flock on a descriptor `file` owns; it changes no memory.
    let taken = unsafe { libc::flock(fd, libc::LOCK_SH | libc::LOCK_NB) } == 0;
    if taken {
        // SAFETY: as above; the lock just taken is let go at once.
        unsafe { libc::flock(fd, libc::LOCK_UN) };
    }
    !taken
}

/// Elsewhere no build is known to be under way: a build not finished is not taken.
#[cfg(not(unix))]
fn held_by_another(_: &std::fs::File) -> bool {
    false
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
        assert_eq!(take_from(&home, &srv, Kind::Srv, quiet), None);
        std::fs::write(&program, "").unwrap();
        // A web crate has other dependencies.
        assert_eq!(take_from(&home, &web, Kind::Web, quiet), None);
        let said = take_from(&home, &srv, Kind::Srv, quiet).expect("taken");
        assert!(said.contains("srv/target"), "{said}");
        assert!(srv.join("target/release").is_dir());
        assert!(home.join("taken").exists() && !home.join("greeter").exists());
        assert_eq!(
            take_from(&home, &scratch.join("api"), Kind::Api, quiet),
            None
        );
        let _ = std::fs::remove_dir_all(&scratch);
    }

    /// A build under way, its folder locked as cargo locks it: `new` says it waits, waits
    /// until the lock is let go, and takes the build then.
    #[test]
    fn a_build_under_way_is_waited_for_then_taken() {
        let scratch = std::env::temp_dir().join(format!("l11-building-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        let (home, srv) = (scratch.join("home"), scratch.join("srv"));
        let release = home.join("greeter/target/release");
        std::fs::create_dir_all(&release).unwrap();
        std::fs::create_dir_all(&srv).unwrap();
        // cargo's lock, held as cargo holds it: exclusive, until its descriptor is closed.
        let cargo = std::fs::File::create(release.join(".cargo-lock")).unwrap();
        {
            use std::os::fd::AsRawFd;
            // SAFETY: flock on a descriptor this test owns.
            let held = unsafe { libc::flock(cargo.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
            assert_eq!(held, 0, "the test holds cargo's lock");
        }
        let (said, heard) = std::sync::mpsc::channel::<String>();
        let taking = {
            let (home, srv) = (home.clone(), srv.clone());
            std::thread::spawn(move || {
                take_from(&home, &srv, Kind::Srv, |line| {
                    said.send(line.to_string()).unwrap()
                })
            })
        };
        let waiting = heard
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("`new` says it waits for the build under way");
        assert!(waiting.contains("waiting for"), "{waiting}");
        assert!(!taking.is_finished(), "it waits while cargo builds");
        // cargo links the program last, then lets go of its lock.
        std::fs::write(release.join("greeter-srv"), "").unwrap();
        drop(cargo);
        let taken = taking.join().unwrap().expect("taken once the build ended");
        assert!(taken.contains("srv/target"), "{taken}");
        let _ = std::fs::remove_dir_all(&scratch);
    }

    fn quiet(_: &str) {}
}
