//! The lab the pictures are taken of: lesson 14's, brought up by its own program as a
//! reader brings it up, on a project and ports of its own (beside verify's lab and the lab
//! test's) and the book's network, and taken down when the pictures are done or anything
//! failed.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// The lesson whose program makes the lab, and the programs its hosts' image holds.
const LAB_PACKAGE: &str = "l14-deploy";
const PACKAGES: [&str; 3] = [LAB_PACKAGE, "l11-micro", "devconsul"];

/// The image the lab's hosts run, built on the local base from the programs built here.
const IMAGE: &str = "l14-host-pictures";

/// The lab, up; down when dropped.
pub struct PictureLab {
    program: PathBuf,
    project: String,
    subnet: String,
    /// host-a's gateway; host-b's, host-c's and Prometheus' are the ports after it.
    pub api_port: u16,
    /// Where the load writes its history.
    scratch: PathBuf,
}

impl PictureLab {
    /// Builds the programs and the hosts' image, and brings the lab up (Prometheus with it).
    pub fn up(root: &Path) -> Result<PictureLab> {
        let mut build = Command::new("cargo");
        build.args(["build", "--quiet"]);
        for package in PACKAGES {
            build.args(["-p", package]);
        }
        let status = build
            .current_dir(root)
            .status()
            .context("running cargo build")?;
        if !status.success() {
            bail!("`cargo build` of {} failed", PACKAGES.join(", "));
        }
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(|dir| root.join(dir))
            .unwrap_or_else(|| root.join("target"))
            .join("debug");
        let pid = std::process::id();
        let scratch = std::env::temp_dir().join(format!("workbook-pictures-{pid}"));
        std::fs::create_dir_all(&scratch).context("a scratch folder")?;
        let lab = PictureLab {
            program: target.join(LAB_PACKAGE),
            project: format!("l14pictures{pid}"),
            // The book's: the graphs' labels show the chapters' addresses.
            subnet: "10.14.0".to_string(),
            api_port: testkit::free_ports_in_a_row(4),
            scratch,
        };
        println!("the hosts' image, {IMAGE}, from the programs built here");
        let mut image = lab.command(&["image", "--local-base"]);
        image
            .env("L14_MICRO_BINARY", target.join("l11-micro"))
            .env("L14_DEVCONSUL_BINARY", target.join("devconsul"));
        run(&mut image)?;
        let printed = lab.run(&["up"])?;
        if !printed.contains("prometheus  ") {
            bail!("the lab came up without Prometheus:\n{printed}");
        }
        println!(
            "lab {} is up, Prometheus at {}",
            lab.project,
            lab.prometheus()
        );
        Ok(lab)
    }

    /// `l14-deploy --project … ARGS`, on this lab.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.program);
        command
            .args(["--project", &self.project, "--image", IMAGE])
            .arg("--api-port")
            .arg(self.api_port.to_string())
            .args(args)
            .env("L14_SUBNET_PREFIX", &self.subnet)
            .stdin(Stdio::null());
        command
    }

    /// Runs `l14-deploy ARGS` on this lab; what it printed.
    pub fn run(&self, args: &[&str]) -> Result<String> {
        run(&mut self.command(args))
    }

    /// Where Prometheus' UI and API are published.
    pub fn prometheus(&self) -> String {
        format!("127.0.0.1:{}", self.api_port + 3)
    }

    /// The lesson's load through the three gateways, 20 calls a second, in the background,
    /// until the [`Load`] is dropped.
    pub fn start_load(&self) -> Result<Load> {
        let history = self.scratch.join("history.jsonl");
        let mut load = self.command(&["load", "--for", "60m", "--history"]);
        load.arg(&history).stdout(Stdio::null());
        let child = load.spawn().context("starting the load")?;
        let mut load = Load { child };
        // Its history's first line is its start, then a line a call.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let lines = std::fs::read_to_string(&history).map_or(0, |text| text.lines().count());
            if lines > 20 {
                return Ok(load);
            }
            if let Ok(Some(status)) = load.child.try_wait() {
                bail!("the load ended at once ({status})");
            }
            if Instant::now() > deadline {
                bail!("the load made no 20 calls in 30 s");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// `docker kill` of host `host`: a power cut.
    pub fn kill(&self, host: &str) -> Result<()> {
        let mut ps = Command::new("docker");
        ps.args(["ps", "--quiet", "--filter"])
            .arg(format!("label=com.docker.compose.project={}", self.project))
            .arg("--filter")
            .arg(format!("label=com.docker.compose.service={host}"));
        let container = run(&mut ps)?.trim().to_string();
        if container.is_empty() {
            bail!("{host} does not run");
        }
        run(Command::new("docker").args(["kill", &container])).map(drop)
    }
}

impl Drop for PictureLab {
    fn drop(&mut self) {
        if let Err(error) = self.run(&["down"]) {
            eprintln!("the lab did not go down: {error:#}");
        }
        let _ = std::fs::remove_dir_all(&self.scratch);
    }
}

/// The load, running; ended as Ctrl-C ends it when dropped.
pub struct Load {
    child: Child,
}

impl Drop for Load {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

/// Runs `command`; what it printed, or an error quoting what it said.
fn run(command: &mut Command) -> Result<String> {
    let out = command
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {:?}", command.get_program()))?;
    if !out.status.success() {
        bail!(
            "{:?} {:?} failed ({}):\n{}{}",
            command.get_program(),
            command.get_args().collect::<Vec<_>>(),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
