//! What the lab makes of a chapter's command line: whether it is the lab's, a server in a
//! terminal of its own, or a command that only reads; and Compose as the book types it:
//! `cargo run --release -p l14-deploy -- compose …` (Compose v2 or v1, whichever the machine
//! has, on the lab's file and project), or `docker compose …` typed as it is.

use super::LAB_PACKAGE;
use crate::proof::transcripts::parse::console_blocks;

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
/// `command`'s words as `docker compose …` when it runs Compose on the lab, in either form
/// (`cargo run [--release] -p l14-deploy -- compose exec host-a etcd`); else as they are.
pub(super) fn as_compose<'a>(words: &[&'a str]) -> Vec<&'a str> {
    let through_the_program = words.starts_with(&["cargo", "run"])
        && words.windows(2).any(|pair| pair == ["-p", LAB_PACKAGE]);
    if through_the_program
        && let Some(at) = words.windows(2).position(|pair| pair == ["--", "compose"])
    {
        let mut compose = vec!["docker", "compose"];
        compose.extend_from_slice(&words[at + 2..]);
        return compose;
    }
    words.to_vec()
}

/// Whether `command` runs Compose on the lab, in either form.
fn runs_compose(command: &str) -> bool {
    let words: Vec<&str> = command.split_ascii_whitespace().collect();
    as_compose(&words).starts_with(&["docker", "compose"])
}

/// Whether the lab takes `command`: Compose, the build before it, or the lab's program.
pub(in super::super) fn takes(command: &str) -> bool {
    let command = command.trim_start();
    command.starts_with("docker compose ")
        || command.starts_with("cargo build ")
        || (command.starts_with("cargo run ") && command.contains(&format!("-p {LAB_PACKAGE} ")))
}

/// Whether a chapter's console blocks run Compose on the lab.
pub(in super::super) fn drives_a_lab(markdown: &str) -> bool {
    console_blocks(markdown)
        .iter()
        .any(|block| block.commands().any(runs_compose))
}
/// `docker compose exec HOST PROGRAM …` of a server, without `-d`: its host and program.
pub(super) fn server_in_a_terminal<'a>(words: &[&'a str]) -> Option<(&'a str, &'a str)> {
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

/// Whether a command only reads what the lab holds (so running it again changes nothing):
/// a log, etcd's keys or health, the members, an HTTP GET.
pub(super) fn only_reads(words: &[&str]) -> bool {
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
        // A GET: no method, no data.
        ["curl", rest @ ..] => !rest
            .iter()
            .any(|word| ["-X", "--request", "-d", "--data"].contains(word)),
        _ => false,
    }
}
