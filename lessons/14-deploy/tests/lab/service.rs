//! A service of a learner's own on the lab, as chapter 14 deploys one: `l11-micro new`
//! writes its crate, cargo builds it, `docker build` makes its image from the Dockerfile
//! `new` wrote — on the lab's local base, as a machine that cannot pull builds it — and
//! `l14-deploy run` runs it on host-b, where the gateway finds it by name.
//!
//! What it costs: the crate is built into the course's own target folder with the course's
//! lock file, as l11-micro's tests/new.rs builds its crates, so what that test (or an earlier
//! run of this one) built is reused and the crate itself is compiled; its image is the local
//! base, a step that finds OpenSSL there, and the program. The image of the last run is kept,
//! so that Docker has that step cached. All of it runs on a thread of its own while the lab
//! comes up.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::checks::{BUILD_PATIENCE, DOCKER_PATIENCE, wait_until};
use crate::image::{built_beside, remove_other_images};
use crate::lab::{TestLab, said, target_dir};

/// The crate `new` writes: go-micro's srv, `go.micro.srv.labgreeter`. Its alias is its own:
/// the crates of l11-micro's tests build into the same folder, and a `greeter-srv` of
/// theirs would be this one's program too.
const ALIAS: &str = "labgreeter";
const CRATE: &str = "labgreeter-srv";
/// Where it listens unless told otherwise (the Dockerfile's `CMD` keeps the port).
const PORT: u16 = 7041;
/// The repository of the images this test builds; the tag is the test process's id.
const SERVICE_IMAGE: &str = "l14-service-test";

/// The service's image, built for this test; its crate is removed after it.
pub(crate) struct ServiceImage {
    pub(crate) image: String,
    scratch: PathBuf,
}

impl Drop for ServiceImage {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

/// `l11-micro new`, `cargo build` and `docker build` of the service's crate.
pub(crate) fn build_service_image() -> ServiceImage {
    let started = Instant::now();
    let scratch =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("l14-service-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).unwrap();
    let service = ServiceImage {
        image: format!("{SERVICE_IMAGE}:{}", std::process::id()),
        scratch,
    };
    let dir = service.scratch.join(ALIAS);

    let micro = built_beside("l11-micro");
    let new = testkit::output_within(
        "`l11-micro new`",
        Command::new(micro)
            .arg("new")
            .arg(&dir)
            .env("RUST_BACKTRACE", "0"),
        DOCKER_PATIENCE,
    );
    assert!(new.status.success(), "l11-micro new:\n{}", said(&new));

    let program = cargo_build(&dir);
    // Where the Dockerfile's BINARY takes it from: a path in the crate's folder.
    let in_context = dir.join("target/debug").join(CRATE);
    std::fs::create_dir_all(in_context.parent().unwrap()).unwrap();
    std::fs::copy(&program, &in_context).unwrap();
    let built = Instant::now();

    let build = testkit::output_within(
        "`docker build` of the service `new` wrote",
        Command::new("docker")
            .args(["build", "--quiet", "--tag", &service.image])
            .args(["--build-arg", "BASE=l14-base:bookworm"])
            .args(["--build-arg", &format!("BINARY=target/debug/{CRATE}")])
            .arg(&dir),
        BUILD_PATIENCE,
    );
    assert!(
        build.status.success(),
        "docker build of the Dockerfile `new` wrote:\n{}",
        said(&build)
    );
    remove_other_images(SERVICE_IMAGE, &service.image);
    eprintln!(
        "the service's image {}: cargo build {:.1} s, docker build {:.1} s",
        service.image,
        (built - started).as_secs_f64(),
        built.elapsed().as_secs_f64()
    );
    service
}

/// `cargo build --offline` of the crate in `dir` into the course's target folder, as a
/// shell runs cargo; the program it made.
fn cargo_build(dir: &Path) -> PathBuf {
    let target = target_dir();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut build = Command::new(cargo);
    build
        .args(["build", "--offline", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target);
    // Without what cargo set for this test (its package's name and folder…): a build script
    // that watches one of them would run again, and the course's own builds be redone.
    for (name, _) in std::env::vars() {
        if name.starts_with("CARGO_PKG_")
            || name.starts_with("CARGO_MANIFEST_")
            || [
                "CARGO_CRATE_NAME",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
            ]
            .contains(&name.as_str())
        {
            build.env_remove(name);
        }
    }
    let out = testkit::output_within(
        &format!("`cargo build` of {}", dir.display()),
        &mut build,
        BUILD_PATIENCE,
    );
    assert!(
        out.status.success(),
        "{} does not build:\n{}",
        dir.display(),
        said(&out)
    );
    target.join("debug").join(CRATE)
}

impl TestLab {
    /// The service runs on host-b, registers host-b's address in the lab's etcd, and answers
    /// through the gateway on host-a, over TLS with a certificate of its own name; a second
    /// one of the same image there is refused, as is one whose name is not said.
    pub(crate) fn a_new_service_answers_through_the_gateway(&self, service: &ServiceImage) {
        let unnamed = self.fails(&["run", &service.image, "--on", "host-b"]);
        assert!(unnamed.contains("runs over mutual TLS"), "{unnamed}");
        let name = format!("go.micro.srv.{ALIAS}");
        let printed = self.ok(&["run", &service.image, "--on", "host-b", "--tls-as", &name]);
        let node = format!("go.micro.srv.{ALIAS}-{}-{PORT}", self.address("host-b"));
        assert!(
            printed.contains(&format!("registered {node} in etcd")),
            "{printed}"
        );
        // The gateway's path is the service's name, dot by dot, then the method.
        let path = format!("/go/micro/srv/{ALIAS}/example/call?name=lab");
        wait_until(
            &format!("an answer from {ALIAS} through the gateway"),
            || match self.gateway_get(&path) {
                Ok((200, body)) if body.contains(r#""msg":"Hello lab""#) => Ok(()),
                other => Err(format!("{other:?}")),
            },
        );
        let again = self.fails(&["run", &service.image, "--on", "host-b", "--tls-as", &name]);
        assert!(again.contains("exists already"), "{again}");
    }
}
