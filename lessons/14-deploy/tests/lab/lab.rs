//! The handle on the test's own lab: what makes it, runs `l14-deploy` and `docker` against
//! it, calls its gateway, and takes it down again when the test is over, however it ended.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use crate::PROGRAM;
use crate::checks::{DOCKER_PATIENCE, PROGRAM_PATIENCE};

/// A lab of this test's own; taken down when dropped, whatever happened.
pub(crate) struct TestLab {
    pub(crate) project: String,
    image: String,
    pub(crate) api_port: u16,
    pub(crate) subnet_prefix: String,
    /// The lab's `down`, listed for testkit to run if the test is ended from outside.
    _taken_down: testkit::hang::CleanUpGuard,
}

impl TestLab {
    /// A lab for story `story` (0, 1, …) of this test process: its own project, port and
    /// network, so that the stories run side by side.
    pub(crate) fn new(image: &str, story: u32) -> TestLab {
        let pid = std::process::id() * 2 + story;
        // host-a's gateway there, host-b's and host-c's on the two ports after it, and
        // Prometheus' on the port after those.
        let api_port = testkit::free_ports_in_a_row(4);
        let project = format!("l14test{pid}");
        // Taken down by `Drop`; and if the test is ended by its deadline, when no `Drop` runs,
        // by testkit's report of the hang.
        let mut down = Command::new(PROGRAM);
        down.args(["--project", &project, "down"])
            .env("CARGO_TARGET_DIR", target_dir());
        let taken_down = testkit::hang::on_end(format!("the lab {project} taken down"), down);
        TestLab {
            project,
            image: image.to_string(),
            api_port,
            // Far from the lab's own 10.14.0 and from Docker's 172.17-31 and 192.168.
            subnet_prefix: format!("10.{}.{}", 200 + pid % 50, (pid / 50) % 256),
            _taken_down: taken_down,
        }
    }

    /// `l14-deploy --project … COMMAND…` on this lab.
    pub(crate) fn program(&self, command: &[&str]) -> Output {
        let port = self.api_port.to_string();
        let mut program = Command::new(PROGRAM);
        program
            .args(["--project", &self.project, "--image", &self.image])
            .args(["--api-port", &port])
            .args(command)
            .env("L14_SUBNET_PREFIX", &self.subnet_prefix);
        run_program(&mut program)
    }

    /// `COMMAND` succeeds; what it printed.
    pub(crate) fn ok(&self, command: &[&str]) -> String {
        let out = self.program(command);
        assert!(
            out.status.success(),
            "`l14-deploy {}` failed:\n{}",
            command.join(" "),
            said(&out)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `COMMAND` fails; its error.
    pub(crate) fn fails(&self, command: &[&str]) -> String {
        let out = self.program(command);
        assert!(
            !out.status.success(),
            "`l14-deploy {}` should have failed:\n{}",
            command.join(" "),
            said(&out)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    pub(crate) fn address(&self, host: &str) -> String {
        let last = match host {
            "host-a" => 11,
            "host-b" => 12,
            _ => 13,
        };
        format!("{}.{last}", self.subnet_prefix)
    }

    /// The container of `host`.
    pub(crate) fn container(&self, host: &str) -> String {
        let out = docker(&[
            "ps",
            "--quiet",
            "--filter",
            &format!("label=com.docker.compose.project={}", self.project),
            "--filter",
            &format!("label=com.docker.compose.service={host}"),
        ]);
        let container = out.trim().to_string();
        assert!(!container.is_empty(), "no running container for {host}");
        container
    }

    /// `etcdctl ARGS` on `host`, against its own member; whether it succeeded.
    pub(crate) fn etcdctl(&self, host: &str, args: &[&str]) -> Output {
        let container = self.container(host);
        let mut command = Command::new("docker");
        command
            .args(["exec", &container, "etcdctl"])
            .args([
                "--endpoints",
                "http://127.0.0.1:2379",
                "--command-timeout=3s",
            ])
            .args(args);
        testkit::output_within("`docker exec … etcdctl`", &mut command, DOCKER_PATIENCE)
    }

    /// `COMMAND…` on `host`, as `docker exec` runs it; what it printed, if it succeeded.
    pub(crate) fn on(&self, host: &str, command: &[&str]) -> Result<String, String> {
        let container = self.container(host);
        let out = testkit::output_within(
            &format!("`docker exec {container} {}`", command.join(" ")),
            Command::new("docker")
                .args(["exec", &container])
                .args(command),
            DOCKER_PATIENCE,
        );
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(said(&out))
        }
    }

    /// `GET path` through host-a's published gateway: the status and the body.
    pub(crate) fn gateway_get(&self, path: &str) -> std::io::Result<(u16, String)> {
        http_get(SocketAddr::from(([127, 0, 0, 1], self.api_port)), path)
    }

    /// Which host answered one call through host-a's gateway, if one did.
    pub(crate) fn hello(&self) -> Option<String> {
        let (status, body) = self.gateway_get("/user/say/hello?name=x").ok()?;
        if status != 200 {
            return None;
        }
        ["host-a", "host-b", "host-c"]
            .into_iter()
            .find(|host| body.contains(&format!("-{}-", self.address(host))))
            .map(str::to_string)
    }

    /// Where the program keeps this lab's journal: in the target folder it runs from.
    pub(crate) fn journal(&self) -> PathBuf {
        target_dir()
            .join("l14-lab")
            .join(&self.project)
            .join("faults.jsonl")
    }
}

impl Drop for TestLab {
    fn drop(&mut self) {
        // Whatever failed, the lab goes; and with it this test's journal.
        let _ = self.program(&["down"]);
        if let Some(folder) = self.journal().parent() {
            let _ = std::fs::remove_dir_all(folder);
        }
    }
}

/// The target folder this test's program was built in (`…/target/debug/l14-deploy`).
pub(crate) fn target_dir() -> PathBuf {
    let program = Path::new(PROGRAM);
    program
        .parent()
        .and_then(Path::parent)
        .expect("the program sits in target/PROFILE/")
        .to_path_buf()
}

/// Runs the program with its target folder said outright (the test's own folder is the
/// lesson's, where a relative CARGO_TARGET_DIR would mean another folder) and plain errors.
pub(crate) fn run_program(command: &mut Command) -> Output {
    command
        .env("CARGO_TARGET_DIR", target_dir())
        .env("RUST_BACKTRACE", "0")
        .env("RUST_LIB_BACKTRACE", "0");
    let what = format!("`{}`", testkit::hang::command_line(command));
    testkit::output_within(&what, command, PROGRAM_PATIENCE)
}

/// `docker ARGS`, which must succeed; what it printed.
pub(crate) fn docker(args: &[&str]) -> String {
    let out = testkit::output_within(
        &format!("`docker {}`", args.join(" ")),
        Command::new("docker").args(args),
        DOCKER_PATIENCE,
    );
    assert!(out.status.success(), "docker {args:?}:\n{}", said(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub(crate) fn docker_succeeds(args: &[&str]) -> bool {
    testkit::output_within(
        &format!("`docker {}`", args.join(" ")),
        Command::new("docker").args(args),
        DOCKER_PATIENCE,
    )
    .status
    .success()
}

/// What a program printed, both streams, for an assertion's message.
pub(crate) fn said(out: &Output) -> String {
    format!(
        "{}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `GET path`: the status and the body (testkit's request, from this synchronous test).
fn http_get(addr: SocketAddr, path: &str) -> std::io::Result<(u16, String)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let addr = addr.to_string();
    runtime.block_on(async {
        let answer = testkit::http_get(&addr, path);
        tokio::time::timeout(Duration::from_secs(10), answer)
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer in 10 s"))?
    })
}
