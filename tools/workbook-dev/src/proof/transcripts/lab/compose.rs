//! Chapter 14's lab, for the book's transcripts: three hosts in Docker, driven by the
//! chapter's `docker compose` commands and by `l14-deploy`.
//!
//! The reader's lab is Compose project `l14`, on 10.14.0.0/24, with its gateways published on
//! 127.0.0.1:8080, 8081 and 8082 (host-a's, host-b's, host-c's), and its Prometheus on 8083;
//! the check's has a project, a network and four ports in a row of its own, and its hosts run
//! `l14-host-verify`, built on the local base from the programs verify built. Besides what
//! every lab does (`mod.rs`), its commands are taken so:
//!
//! - `l14-deploy compose …` (as the chapter types it, through `cargo run`) runs, with the
//!   program verify built: Compose v2, or v1's `docker-compose` where v2 is missing, on the
//!   lab's file and project; `exec` runs without a terminal (`-T`); what `up`, `down`,
//!   `stop`, `kill` and `start` print as they go (different in v1 and v2) is shown only when
//!   they fail. `docker compose …` typed as it is gets the same treatment from a shell
//!   function ([`COMPOSE_FUNCTION`]).
//! - `… compose exec HOST PROGRAM …` of a server (etcd, a `…-server`, `api`, an `agent`) is
//!   the reader's terminal of its own (`terminals.rs`): it runs in the background, and what
//!   it printed is compared once it shows the book's lines, or once it has ended. A `^C`
//!   stops the last one still running, with SIGINT inside its host.
//! - Commands that only read (`etcdctl get` or `endpoint`, `devconsul members`, `cat`,
//!   `tail`, a `curl` GET) run again until they print what the book shows, for up to 30 s.

use std::fs;
use std::path::Path;
use std::time::Duration;

use super::super::reader::shell_quote;
use super::ChapterLab;
use super::kind::{Facts, LabKind, is_curl_get, program_args};

/// Chapter 14's lab.
pub(super) struct Compose;

/// The lesson whose program makes the lab.
const PACKAGE: &str = "l14-deploy";

static FACTS: Facts = Facts {
    package: PACKAGE,
    image_programs: &[
        ("l11-micro", "L14_MICRO_BINARY"),
        ("devconsul", "L14_DEVCONSUL_BINARY"),
    ],
    image_args: &["--local-base"],
    book_project: "l14",
    book_subnet: "10.14.0",
    images: &[("l14-host-verify", "l14-host")],
    project_label: "com.docker.compose.project",
    project_prefix: "l14verify",
    // 10.9x.y: far from the lab test's 10.200–249.
    subnet_start: "10.9",
    // host-a's gateway, then host-b's, host-c's, and Prometheus'.
    published: (8080, 4),
    kept: "l14-lab",
    // `up` waits for a cluster and for every host: under a minute on a quiet machine, but
    // verify runs it beside its stub build and chapter 17's swarm coming up, and on a slower
    // machine of two cores `up --registry consul` took more than two minutes there. A bound
    // on a hang, not a measure: chapter 17's five minutes.
    limit: Duration::from_secs(300),
    patience: Duration::from_secs(30),
};

/// Compose as the book types it. Sourced by every command's bash (`BASH_ENV`).
pub(super) const COMPOSE_FUNCTION: &str = r#"
# `docker compose`, or v1's `docker-compose` where the plugin is missing; `exec` without a
# terminal; the progress of commands that change the lab shown only when they fail.
docker() {
  if [ "$1" != compose ]; then command docker "$@"; return; fi
  shift
  local compose=(docker-compose)
  if command docker compose version >/dev/null 2>&1; then compose=(command docker compose); fi
  case "$1" in
    exec) shift; "${compose[@]}" exec -T "$@" ;;
    up|down|stop|kill|start|restart)
      local progress
      progress=$("${compose[@]}" "$@" 2>&1) || { printf '%s\n' "$progress" >&2; return 1; } ;;
    *) "${compose[@]}" "$@" ;;
  esac
}
"#;

/// The file of the scratch folder that holds [`COMPOSE_FUNCTION`].
const FUNCTION_FILE: &str = ".lab.bash";

impl LabKind for Compose {
    fn facts(&self) -> &'static Facts {
        &FACTS
    }

    /// Compose on the lab, in either form.
    fn drives(&self, command: &str) -> bool {
        let words: Vec<&str> = command.split_ascii_whitespace().collect();
        as_compose(&words).starts_with(&["docker", "compose"])
    }

    /// Compose typed as it is, or the lab's program.
    fn takes(&self, command: &str) -> bool {
        command.starts_with("docker compose ")
            || (command.starts_with("cargo run ") && command.contains(&format!("-p {PACKAGE} ")))
    }

    /// A log, etcd's keys or health, the members, an HTTP GET.
    fn only_reads(&self, words: &[&str]) -> bool {
        let words = as_compose(words);
        let on_host = match words.strip_prefix(&["docker", "compose", "exec"]) {
            Some(rest) => rest.get(1..).unwrap_or_default(),
            None => &words[..],
        };
        match on_host {
            ["cat" | "tail", ..] => true,
            ["etcdctl", rest @ ..] => rest
                .iter()
                .any(|word| *word == "get" || *word == "endpoint"),
            ["devconsul", "members", ..] => true,
            other => is_curl_get(other),
        }
    }

    fn variables(&self, lab: &ChapterLab) -> Vec<(&'static str, String)> {
        vec![
            ("COMPOSE_PROJECT_NAME", lab.project.clone()),
            ("L14_PROJECT", lab.project.clone()),
            ("L14_IMAGE", FACTS.images[0].0.to_string()),
            ("L14_API_PORT", lab.first_port.to_string()),
            ("L14_API_PORT_B", (lab.first_port + 1).to_string()),
            ("L14_API_PORT_C", (lab.first_port + 2).to_string()),
            ("L14_PROMETHEUS_PORT", (lab.first_port + 3).to_string()),
            ("L14_SUBNET_PREFIX", lab.subnet.clone()),
            (
                "BASH_ENV",
                lab.logs.join(FUNCTION_FILE).display().to_string(),
            ),
        ]
    }

    /// Compose typed as it is; Compose through the lab's program with only the program
    /// verify's. What runs in a host keeps its addresses (`localhost:8500` there is the
    /// host's own agent).
    fn script(&self, lab: &ChapterLab, command: &str) -> Option<String> {
        if command.starts_with("docker compose ") {
            return Some(command.to_string());
        }
        let words: Vec<&str> = command.split_ascii_whitespace().collect();
        let (_, on_the_lab) = command.split_once(" -- compose ")?;
        as_compose(&words)
            .starts_with(&["docker", "compose"])
            .then(|| {
                let program = shell_quote(&lab.program.display().to_string());
                format!("{program} compose {on_the_lab}")
            })
    }

    /// `export COMPOSE_FILE=lessons/14-deploy/lab/compose.yaml` finds the lab's file from the
    /// scratch folder; every command's bash has [`COMPOSE_FUNCTION`].
    fn prepare(&self, course_root: &Path, scratch: &Path) {
        let lab_dir = Path::new("lessons").join("14-deploy").join("lab");
        if let Some(parent) = scratch.join(&lab_dir).parent() {
            let _ = fs::create_dir_all(parent);
        }
        #[cfg(unix)]
        let _ = std::os::unix::fs::symlink(course_root.join(&lab_dir), scratch.join(&lab_dir));
        let _ = fs::write(scratch.join(FUNCTION_FILE), COMPOSE_FUNCTION);
    }

    /// `docker compose exec HOST PROGRAM …` of a server, without `-d`: its host and program.
    fn server_in_a_terminal<'a>(&self, words: &[&'a str]) -> Option<(&'a str, &'a str)> {
        let words = as_compose(words);
        let rest = words.strip_prefix(&["docker", "compose", "exec"])?;
        let rest: Vec<&str> = rest
            .iter()
            .copied()
            .skip_while(|word| word.starts_with('-'))
            .collect();
        if words.contains(&"-d") || words.contains(&"--detach") {
            return None;
        }
        let (host, program) = (rest.first()?, rest.get(1)?);
        let serves = *program == "etcd"
            || rest[2..].iter().any(|word| {
                *word == "server" || *word == "api" || *word == "agent" || word.ends_with("-server")
            });
        serves.then_some((host, program))
    }

    /// v1's `docker-compose` says what it does as v2 does.
    fn as_in_book(&self, text: String) -> String {
        text.replace("docker-compose ", "docker compose ")
    }
}

/// `command`'s words as `docker compose …` when it runs Compose on the lab, in either form
/// (`cargo run [--release] -p l14-deploy -- compose exec host-a etcd`); else as they are.
fn as_compose<'a>(words: &[&'a str]) -> Vec<&'a str> {
    if let Some(["compose", rest @ ..]) = program_args(words, PACKAGE) {
        let mut compose = vec!["docker", "compose"];
        compose.extend_from_slice(rest);
        return compose;
    }
    words.to_vec()
}

/// Ctrl-C in the terminal of `program` on `host`: SIGINT to it in its host, through the
/// lab's program, as the chapter reaches its hosts (its Compose, on its file and project).
pub(super) fn interrupt(lab: &ChapterLab, host: &str, program: &str) -> String {
    let lab_program = shell_quote(&lab.program.display().to_string());
    format!("{lab_program} compose exec {host} pkill -INT -x {program}")
}
