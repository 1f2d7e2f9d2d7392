//! What this machine has for the test: Docker and the lab's base image or the means to make
//! it, and a build of lesson 11's program to put in the course's image.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use lab::base::IMAGE as BASE;

use crate::{DOCKER_PATIENCE, PROGRAM, STEP};

/// Why the test cannot run here: Docker missing or not answering, or no base image and no
/// way to make one (root and debootstrap).
pub(crate) fn why_not_here() -> Option<String> {
    let mut version = Command::new("docker");
    version.args(["version", "--format", "{{.Server.Version}}"]);
    version.stdout(Stdio::piped()).stderr(Stdio::piped());
    let out = match version.stdin(Stdio::null()).spawn() {
        Err(error) => return Some(format!("no docker here ({error}); the lab needs Docker")),
        Ok(child) => testkit::child_output_within("`docker version`", child, DOCKER_PATIENCE),
    };
    if !out.status.success() {
        return Some(format!(
            "the Docker daemon does not answer ({}); the lab needs it",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let base = testkit::output_within(
        &format!("`docker image inspect {BASE}`"),
        Command::new("docker").args(["image", "inspect", BASE]),
        DOCKER_PATIENCE,
    );
    let root = user_id() == "0";
    let debootstrap = ["/usr/sbin/debootstrap", "/usr/bin/debootstrap"]
        .iter()
        .any(|path| Path::new(path).is_file());
    let can_make_base = root && debootstrap;
    if !(base.status.success() || can_make_base) {
        return Some(format!(
            "no {BASE} image, and making it needs root and debootstrap"
        ));
    }
    None
}

/// This user's id, from `id -u`.
fn user_id() -> String {
    let out = testkit::output_within("`id -u`", Command::new("id").arg("-u"), DOCKER_PATIENCE);
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The program of package `package` beside this test's program (cargo built them in the
/// same folder), or else its release build, or else built first in this test's profile.
pub(crate) fn built_beside(package: &str) -> PathBuf {
    let binary = Path::new(PROGRAM).with_file_name(package);
    let folder = binary.parent().expect("a folder");
    let release = folder.with_file_name("release").join(package);
    if let Some(found) = [&binary, &release].into_iter().find(|path| path.is_file()) {
        return found.clone();
    }
    let profile = match folder.file_name().and_then(|name| name.to_str()) {
        Some("debug") | None => "dev".to_string(),
        Some(other) => other.to_string(),
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = testkit::output_within(
        &format!("`cargo build -p {package}`"),
        Command::new(cargo).args(["build", "-p", package, "--profile", &profile]),
        STEP,
    );
    assert!(
        built.status.success(),
        "cargo build -p {package} failed:\n{}",
        String::from_utf8_lossy(&built.stderr)
    );
    binary
}
