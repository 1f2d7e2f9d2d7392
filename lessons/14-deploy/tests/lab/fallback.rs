//! `l14-deploy image` where Docker Hub cannot be reached: the base it would pull is named by
//! `L14_DEBIAN_IMAGE` on a registry nothing answers for (`127.0.0.1:1`), and the image is
//! built on the local base instead, saying so in a line. Whatever the build's end, what it
//! prints holds no notice of Docker's that says nothing of it (the legacy builder's), and a
//! failure on the local base does not send the learner to `--local-base`, which it used.

use std::process::Command;

use crate::lab::{run_program, said};
use crate::{PROGRAM, why_no_docker};

/// A base no registry serves: nothing listens on port 1 of loopback.
const UNREACHABLE: &str = "127.0.0.1:1/debian:bookworm-slim";

#[test]
fn an_unreachable_registry_falls_back_to_the_local_base() {
    if let Some(why) = why_no_docker() {
        eprintln!("skipped: {why}");
        return;
    }
    let image = format!("l14-fallback-test:{}", std::process::id());
    let mut build = Command::new(PROGRAM);
    // Any file will do as the programs: the image is built, never run.
    build
        .args(["--image", &image, "image"])
        .env("L14_DEBIAN_IMAGE", UNREACHABLE)
        .env("L14_MICRO_BINARY", "/bin/true")
        .env("L14_DEVCONSUL_BINARY", "/bin/true");
    let out = run_program(&mut build);
    let printed = said(&out);
    eprintln!("`l14-deploy image` on {UNREACHABLE} said:\n{printed}");
    if out.status.success() {
        crate::lab::docker(&["image", "rm", &image]);
    }
    // The pull is tried, unless a local base made before is taken at once.
    let fell_back = printed.contains(&format!("{UNREACHABLE} cannot be pulled here ("))
        || printed.contains(&format!("{UNREACHABLE} is not on this machine"));
    assert!(
        fell_back && printed.contains("building on l14-base:bookworm"),
        "no fallback to the local base:\n{printed}"
    );
    for notice in ["legacy builder", "buildx", "DEPRECATED"] {
        assert!(
            !printed.contains(notice),
            "Docker's notice quoted:\n{printed}"
        );
    }
    if !out.status.success() {
        assert!(
            !printed.contains("--local-base`"),
            "a failure on the local base suggests it:\n{printed}"
        );
    }
}
