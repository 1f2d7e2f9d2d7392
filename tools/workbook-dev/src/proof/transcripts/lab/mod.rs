//! Chapter 14's lab, for the book's transcripts: three hosts in Docker, driven by the
//! chapter's `docker compose` commands and by `l14-deploy`.
//!
//! The reader's lab is Compose project `l14`, on 10.14.0.0/24, with its gateways published on
//! 127.0.0.1:8080, 8081 and 8082 (host-a's, host-b's, host-c's), and its Prometheus on 8083. The check's lab is another project, network and port, so that it runs
//! beside a reader's lab and beside the lab's own test; what its commands print is given the
//! book's names back. How the chapter's commands are taken:
//!
//! - `cargo build …` and `l14-deploy image` were done before the chapter (the image is built
//!   on the local base from the programs verify built), and are not run again.
//! - `l14-deploy compose …` (as the chapter types it, through `cargo run`) runs, with the
//!   program verify built: Compose v2, or v1's `docker-compose` where v2 is missing, on the
//!   lab's file and project; `exec` runs without a terminal (`-T`); what `up`, `down`,
//!   `stop`, `kill` and `start` print as they go (different in v1 and v2) is shown only when
//!   they fail. `docker compose …` typed as it is gets the same treatment from a shell
//!   function ([`COMPOSE_FUNCTION`]).
//! - `… compose exec HOST PROGRAM …` of a server (etcd, a `…-server`, `api`, an
//!   `agent`) is the reader's terminal of its own: it runs in the background, and what it
//!   printed is compared once it shows the book's lines, or once it has ended. A `^C` stops
//!   the last one still running, with SIGINT inside its host, as Ctrl-C in a terminal would.
//! - Commands that only read (`etcdctl get` or `endpoint`, `devconsul members`, `cat`,
//!   `tail`, a `curl` GET) run again until they print what the book shows, for up to [`READ_PATIENCE`]:
//!   a lab changes on its own (a killed member is seen as failed after seconds).
//! - At the chapter's end the lab goes down, whatever its commands left running.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::process::Command;

use super::compare::{look_until, shows};
use super::reader::Reader;

mod commands;
mod terminals;

use commands::{COMPOSE_FUNCTION, as_compose, only_reads, server_in_a_terminal};
pub(super) use commands::{drives_a_lab, takes};
use terminals::Terminal;

/// How long a command on the lab may take: `up` waits for a cluster and for every host.
const LAB_LIMIT: Duration = Duration::from_secs(120);

/// How long a command that only reads is run again until it prints what the book shows.
const READ_PATIENCE: Duration = Duration::from_secs(30);

/// The lesson whose program makes the lab.
const LAB_PACKAGE: &str = "l14-deploy";

/// The image the check's hosts run: built from the lab's Dockerfile on the local base.
const IMAGE: &str = "l14-host-verify";

/// What the book calls the lab: its project, and the first three numbers of its network.
const BOOK_PROJECT: &str = "l14";
const BOOK_SUBNET: &str = "10.14.0";
/// Where the book publishes host-a's gateway; host-b's and host-c's are the ports after it,
/// and Prometheus' the port after those.
pub(super) const BOOK_GATEWAY_PORT: u16 = 8080;
/// How many ports the lab publishes in a row: a gateway a host, and Prometheus'.
pub(super) const PUBLISHED_PORTS: u16 = 4;
/// The lab of a chapter that drives one.
pub(super) struct ChapterLab {
    project: String,
    subnet: String,
    /// Where the check's host-a gateway is published (the book's 8080 stands for it), and
    /// the other hosts' and Prometheus' on the ports after it.
    pub(super) gateway_port: u16,
    program: PathBuf,
    /// Servers started in a terminal of their own (`docker compose exec HOST etcd`).
    terminals: Vec<Terminal>,
    logs: PathBuf,
}

/// What a command on the lab printed, and whether it still runs (a server in its terminal).
pub(super) struct LabRun {
    pub(super) printed: String,
    pub(super) running: bool,
}

/// A lab for the chapter, or why there is none.
pub(super) enum Lab {
    Up(ChapterLab),
    /// The chapter drives a lab, and none can run here: why.
    Missing(String),
    /// The chapter drives no lab.
    None,
}
impl ChapterLab {
    /// Builds the image and picks the lab's names, when the chapter drives a lab.
    pub(super) async fn start(
        markdown: &str,
        course_root: &Path,
        scratch: &Path,
        binaries: &HashMap<String, PathBuf>,
    ) -> Lab {
        if !drives_a_lab(markdown) {
            return Lab::None;
        }
        let docker = Command::new("docker")
            .args(["version", "--format", "{{.Server.Version}}"])
            .stdin(Stdio::null())
            .output()
            .await;
        match docker {
            Ok(out) if out.status.success() => {}
            _ => return Lab::Missing("Docker (no daemon answers `docker version`)".into()),
        }
        let built = |package: &str| binaries.get(package).filter(|path| path.is_file());
        let (Some(program), Some(micro), Some(agent)) = (
            built(LAB_PACKAGE),
            built("l11-micro"),
            built(super::AGENT_PACKAGE),
        ) else {
            return Lab::Missing(format!("{LAB_PACKAGE}'s lab (a program is not built)"));
        };
        // The hosts' image, from the programs verify built; Docker's cache makes a second
        // build of the same files take a moment.
        let image = Command::new(program)
            .args(["--image", IMAGE, "image", "--local-base"])
            .env("L14_MICRO_BINARY", micro)
            .env("L14_DEVCONSUL_BINARY", agent)
            .stdin(Stdio::null())
            .output()
            .await;
        match image {
            Ok(out) if out.status.success() => {}
            Ok(out) => {
                let said = String::from_utf8_lossy(&out.stderr);
                let last = said.lines().last().unwrap_or("it failed").to_string();
                return Lab::Missing(format!("the lab's image ({last})"));
            }
            Err(error) => return Lab::Missing(format!("the lab's image ({error})")),
        }
        // `export COMPOSE_FILE=lessons/14-deploy/lab/compose.yaml`, from the scratch folder.
        let lab_dir = Path::new("lessons").join("14-deploy").join("lab");
        if let Some(parent) = scratch.join(&lab_dir).parent() {
            let _ = fs::create_dir_all(parent);
        }
        #[cfg(unix)]
        let _ = std::os::unix::fs::symlink(course_root.join(&lab_dir), scratch.join(&lab_dir));
        let _ = fs::write(scratch.join(".lab.bash"), COMPOSE_FUNCTION);
        let pid = std::process::id();
        let gateway_port = testkit::free_ports_in_a_row(PUBLISHED_PORTS);
        Lab::Up(ChapterLab {
            project: format!("l14verify{pid}"),
            // As long as the book's 10.14.0, so that columns line up as in the book; far from
            // it, from Docker's 172.17–31 and from the lab test's 10.200–249.
            subnet: format!("10.9{}.{}", pid % 10, pid / 10 % 10),
            gateway_port,
            program: program.clone(),
            terminals: Vec::new(),
            logs: scratch.to_path_buf(),
        })
    }

    /// The variables every command of the chapter sees (the reader's shell has them): the
    /// lab's, which win over the chapter's exports.
    pub(super) fn env(&self) -> Vec<(String, String)> {
        let mut env = vec![
            ("COMPOSE_PROJECT_NAME", self.project.clone()),
            ("L14_PROJECT", self.project.clone()),
            ("L14_IMAGE", IMAGE.to_string()),
            ("L14_API_PORT", self.gateway_port.to_string()),
            ("L14_API_PORT_B", (self.gateway_port + 1).to_string()),
            ("L14_API_PORT_C", (self.gateway_port + 2).to_string()),
            ("L14_PROMETHEUS_PORT", (self.gateway_port + 3).to_string()),
            ("L14_SUBNET_PREFIX", self.subnet.clone()),
        ];
        let bash_env = self.logs.join(".lab.bash");
        env.push(("BASH_ENV", bash_env.display().to_string()));
        env.into_iter()
            .map(|(name, value)| (name.to_string(), value))
            .collect()
    }

    /// Keeps the lab's variables after the chapter's `export`s.
    pub(super) fn pin(&self, env: &mut Vec<(String, String)>) {
        let own = self.env();
        env.retain(|(name, _)| !own.iter().any(|(mine, _)| mine == name));
        env.extend(own);
    }

    /// `text` with the book's names for the check's lab.
    fn as_in_book(&self, text: &str) -> String {
        text.replace(&format!("{}.", self.subnet), &format!("{BOOK_SUBNET}."))
            .replace(&self.project, BOOK_PROJECT)
            .replace("docker-compose ", "docker compose ")
    }

    /// Runs a command the lab takes; `None` for one done before the chapter.
    pub(super) async fn run(
        &mut self,
        reader: &mut Reader<'_>,
        line: usize,
        command: &str,
        book: &[&str],
    ) -> Result<Option<LabRun>, String> {
        let words: Vec<&str> = command.split_ascii_whitespace().collect();
        let prepared = words.get(1) == Some(&"build")
            || (words.contains(&LAB_PACKAGE) && words.last() == Some(&"image"));
        if prepared {
            return Ok(None);
        }
        // What runs in a host keeps its addresses (`localhost:8500` there is the host's own
        // agent); the lab's program is replaced by the one verify built.
        let script = if command.starts_with("docker compose ") {
            command.to_string()
        } else if let Some((_, on_the_lab)) = command
            .split_once(" -- compose ")
            .filter(|_| as_compose(&words).starts_with(&["docker", "compose"]))
        {
            // Compose through the lab's program: only the program is verify's.
            let program = self.program.display().to_string().replace('\'', r"'\''");
            format!("'{program}' compose {on_the_lab}")
        } else {
            reader.rewrite(command, false).await?
        };
        if let Some((host, program)) = server_in_a_terminal(&words) {
            return self
                .start_terminal(reader, line, &script, host, program, book)
                .await
                .map(Some);
        }
        let patience = if only_reads(&words) {
            READ_PATIENCE
        } else {
            Duration::ZERO
        };
        let run = async || {
            let printed = reader.run_to_end(&script, LAB_LIMIT).await;
            printed.map(|printed| self.as_in_book(&printed))
        };
        let every = Duration::from_millis(250);
        let printed = look_until(patience, every, run, |printed| shows(book, printed)).await?;
        Ok(Some(LabRun {
            printed,
            running: false,
        }))
    }

    /// Takes the lab down, with whatever runs on it, and what the program kept of it.
    pub(super) async fn stop(mut self) {
        let _ = Command::new(&self.program)
            .arg("down")
            .envs(self.env())
            .stdin(Stdio::null())
            .output()
            .await;
        for terminal in &mut self.terminals {
            let _ = terminal.child.kill().await;
        }
        // `target/l14-lab/PROJECT`, beside `target/debug/l14-deploy`.
        if let Some(target) = self.program.parent().and_then(Path::parent) {
            let _ = fs::remove_dir_all(target.join("l14-lab").join(&self.project));
        }
    }
}

#[cfg(test)]
mod tests;
