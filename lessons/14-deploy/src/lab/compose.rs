//! `l14-deploy compose …`: Docker Compose on the lab, as the chapter types it.
//!
//! Compose comes as the `docker compose` plugin (v2) on one machine and as the older
//! `docker-compose` program (v1) on another, and each needs the lab's file and project
//! (`lessons/14-deploy/lab/compose.yaml`, `l14`) in every terminal it runs in. This command
//! line is the same on both, from any terminal opened in the course: it finds the Compose
//! this machine has ([`super::docker`]), names the lab's file and project, and hands it the
//! rest of the line. Two differences between the two are smoothed over on the way:
//!
//! - `exec` gives a program a terminal only when there is one (v1 refuses to run without
//!   one unless told `-T`; v2 decides by itself);
//! - the commands that change the lab (`up`, `down`, `stop`, `kill`, `start`, `restart`)
//!   print their progress, which is different in v1 and v2, only when they fail.

use std::io::IsTerminal;
use std::process::Command;

use super::docker::{describe, output};
use super::{Lab, Subnet};

/// The Compose commands whose progress is shown only when they fail.
const CHANGES: [&str; 6] = ["up", "down", "stop", "kill", "start", "restart"];

impl Lab {
    /// Runs Compose on the lab with `args` (`exec host-a etcd`, `kill host-b`) and returns
    /// its exit code.
    pub fn compose_as_typed(&self, args: &[String]) -> anyhow::Result<i32> {
        let mut compose = self.compose(Subnet::from_env().ok().as_ref())?;
        let args = as_typed(args, std::io::stdin().is_terminal());
        compose.args(&args);
        if args
            .first()
            .is_some_and(|first| CHANGES.contains(&first.as_str()))
        {
            let out = output(&mut compose)?;
            if !out.status.success() {
                eprint!("{}", String::from_utf8_lossy(&out.stdout));
                eprint!("{}", String::from_utf8_lossy(&out.stderr));
            }
            return Ok(out.status.code().unwrap_or(1));
        }
        become_it(compose)
    }
}

/// The words handed to Compose: `exec` given `-T` where there is no terminal to give.
fn as_typed(args: &[String], terminal: bool) -> Vec<String> {
    let mut args = args.to_vec();
    let no_terminal_asked = args.iter().any(|word| word == "-T" || word == "--no-TTY");
    if args.first().is_some_and(|first| first == "exec") && !terminal && !no_terminal_asked {
        args.insert(1, "-T".to_string());
    }
    args
}

/// Becomes Compose (the same process, so that Ctrl-C in the terminal reaches the program
/// it runs in the host as it would have reached Compose typed by hand).
#[cfg(unix)]
fn become_it(mut compose: Command) -> anyhow::Result<i32> {
    use std::os::unix::process::CommandExt;
    let error = compose.exec();
    anyhow::bail!("cannot run `{}`: {error}", describe(&compose))
}

#[cfg(not(unix))]
fn become_it(mut compose: Command) -> anyhow::Result<i32> {
    match compose.status() {
        Ok(status) => Ok(status.code().unwrap_or(1)),
        Err(error) => anyhow::bail!("cannot run `{}`: {error}", describe(&compose)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn exec_without_a_terminal_asks_for_none() {
        assert_eq!(
            as_typed(&words("exec host-a etcd"), false),
            words("exec -T host-a etcd")
        );
        assert_eq!(
            as_typed(&words("exec host-a etcd"), true),
            words("exec host-a etcd")
        );
        assert_eq!(
            as_typed(&words("exec -T host-a ls"), false),
            words("exec -T host-a ls")
        );
        assert_eq!(as_typed(&words("kill host-b"), false), words("kill host-b"));
    }
}
