//! The image the test's lab runs: found if an earlier run built it for the same program and
//! Dockerfile, built with `l14-deploy image --local-base` if not, or a reason to skip when
//! this machine cannot build it.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::checks::{BUILD_PATIENCE, DOCKER_PATIENCE};
use crate::lab::{docker_succeeds, run_program, said};
use crate::{PROGRAM, Skip};

/// The repository name of the images this test builds; the tag says which program is in
/// the image, so a run finds the image an earlier run built for the same program.
const TEST_IMAGE: &str = "l14-host-test";

/// The image for this test: `l14-host-test:KEY`, built by `l14-deploy image --local-base`
/// unless a run before built it for the same program, Dockerfile and init.
pub(crate) fn test_image() -> Result<String, Skip> {
    let micro = built_beside("l11-micro");
    let agent = built_beside("devconsul");
    let lab = Path::new(env!("CARGO_MANIFEST_DIR")).join("lab");
    let key = fingerprint(&[
        &micro,
        &agent,
        &lab.join("Dockerfile"),
        &lab.join("host-init"),
    ]);
    let image = format!("{TEST_IMAGE}:{key}");
    if docker_succeeds(&["image", "inspect", &image]) {
        eprintln!("the image {image} is there already");
        remove_other_images(TEST_IMAGE, &image);
        return Ok(image);
    }
    if !docker_succeeds(&["image", "inspect", "l14-base:bookworm"]) {
        // Making the base needs root and debootstrap; without them this is no failure of the
        // lab's, and the image cannot be made.
        if !is_root() {
            return Err(Skip(
                "no l14-base:bookworm image, and making it needs root (debootstrap)".into(),
            ));
        }
        if !has_debootstrap() {
            return Err(Skip(
                "no l14-base:bookworm image, and making it needs debootstrap \
                 (apt-get install debootstrap)"
                    .into(),
            ));
        }
    }
    let started = Instant::now();
    let mut build = Command::new(PROGRAM);
    build
        .args(["--image", &image, "image", "--local-base"])
        .env("L14_MICRO_BINARY", &micro)
        .env("L14_DEVCONSUL_BINARY", &agent);
    let out = run_program(&mut build);
    assert!(
        out.status.success(),
        "`l14-deploy image --local-base` failed:\n{}",
        said(&out)
    );
    eprintln!(
        "built {image} in {:.1} s:\n{}",
        started.elapsed().as_secs_f64(),
        String::from_utf8_lossy(&out.stdout).trim_end()
    );
    remove_other_images(TEST_IMAGE, &image);
    Ok(image)
}

/// The program of package `package` beside this test's program (cargo built them in the
/// same folder), built first if it is missing.
pub(crate) fn built_beside(package: &str) -> PathBuf {
    let binary = Path::new(PROGRAM).with_file_name(package);
    if binary.is_file() {
        return binary;
    }
    let folder = binary.parent().expect("a folder").to_path_buf();
    let profile = match folder.file_name().and_then(|name| name.to_str()) {
        Some("debug") | None => "dev".to_string(),
        Some(other) => other.to_string(),
    };
    eprintln!("{} is missing: cargo build -p {package}", binary.display());
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = testkit::output_within(
        &format!("`cargo build -p {package}`"),
        Command::new(cargo).args(["build", "-p", package, "--profile", &profile]),
        BUILD_PATIENCE,
    );
    assert!(
        built.status.success(),
        "cargo build -p {package} failed:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );
    assert!(binary.is_file(), "cargo built no {}", binary.display());
    binary
}

/// A key that changes when one of the image's `files` does (the program, the Dockerfile,
/// the hosts' init): what they hold, not when they were written, since cargo links the
/// same program anew now and then.
fn fingerprint(files: &[&Path]) -> String {
    let mut hasher = DefaultHasher::new();
    for file in files {
        std::fs::read(file)
            .unwrap_or_else(|error| panic!("read {}: {error}", file.display()))
            .hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

/// Removes the images of `repository` with tags other than `keep`'s (older programs), so
/// that one is left whichever run built it; one still in use (the other story's lab, up
/// beside this one) stays.
pub(crate) fn remove_other_images(repository: &str, keep: &str) {
    let out = testkit::output_within(
        "`docker images`",
        Command::new("docker").args(["images", repository, "--format", "{{.Repository}}:{{.Tag}}"]),
        DOCKER_PATIENCE,
    );
    for image in String::from_utf8_lossy(&out.stdout).lines() {
        if image != keep {
            // One still in use is refused, and stays: what docker says is not read.
            testkit::output_within(
                &format!("`docker rmi {image}`"),
                Command::new("docker").args(["rmi", image]),
                DOCKER_PATIENCE,
            );
        }
    }
}

fn is_root() -> bool {
    let out = testkit::output_within("`id -u`", Command::new("id").arg("-u"), DOCKER_PATIENCE);
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

fn has_debootstrap() -> bool {
    testkit::output_within(
        "whether debootstrap is installed",
        Command::new("sh").args([
            "-c",
            "command -v debootstrap || test -x /usr/sbin/debootstrap",
        ]),
        DOCKER_PATIENCE,
    )
    .status
    .success()
}
