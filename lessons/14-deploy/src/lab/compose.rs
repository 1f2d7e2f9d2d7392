//! `l14-deploy compose …`: Docker Compose on the lab, as the chapter types it.
//!
//! Compose comes as the `docker compose` plugin (v2) on one machine and as the older
//! `docker-compose` program (v1) on another, and each needs the lab's file and project
//! (`lessons/14-deploy/lab/compose.yaml`, `l14`) in every terminal it runs in. This command
//! line is the same on both, from any terminal opened in the course: it finds the Compose
//! this machine has ([`super::docker`]), names the lab's file and project, and hands it the
//! rest of the line. Two differences between the two are smoothed over on the way:
//!
//! - `exec` is Docker's own `docker exec` in the host's container, as Compose v2's is, with
//!   a terminal only when there is one: v1's refuses to run without a terminal ("the input
//!   device is not a TTY") unless told `-T`;
//! - the commands that change the lab (`up`, `down`, `stop`, `kill`, `start`, `restart`)
//!   print their progress, which is different in v1 and v2, only when they fail.

use std::io::IsTerminal;
use std::process::Command;

use anyhow::bail;

use super::docker::{describe, output};
use super::{Lab, Subnet, hosts};

/// The Compose commands whose progress is shown only when they fail.
const CHANGES: [&str; 6] = ["up", "down", "stop", "kill", "start", "restart"];

impl Lab {
    /// Runs Compose on the lab with `args` (`exec host-a etcd`, `kill host-b`) and returns
    /// its exit code.
    pub fn compose_as_typed(&self, args: &[String]) -> anyhow::Result<i32> {
        if args.first().is_some_and(|first| first == "exec") {
            return self.exec_as_typed(&args[1..]);
        }
        let mut compose = self.compose(Subnet::from_env().ok().as_ref())?;
        compose.args(args);
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

    /// `exec [OPTIONS] HOST COMMAND…` as `docker exec` in the host's container.
    fn exec_as_typed(&self, args: &[String]) -> anyhow::Result<i32> {
        let exec = Exec::read(args, std::io::stdin().is_terminal())?;
        let project = self.project()?;
        let docker = self.docker()?;
        let hosts = hosts::containers(docker, project)?;
        let Some(host) = hosts
            .iter()
            .find(|host| host.name == exec.host && host.running)
        else {
            bail!(
                "{} is not up in lab {project}: `cargo run --release -p l14-deploy -- compose \
                 up -d` brings the hosts up (`ps` says which are)",
                exec.host
            )
        };
        let mut command = docker.docker();
        command
            .arg("exec")
            .args(&exec.options)
            .arg(&host.container)
            .args(&exec.command);
        become_it(command)
    }
}

/// A Compose `exec` line, as `docker exec` takes it.
#[derive(Debug, PartialEq)]
struct Exec {
    options: Vec<String>,
    host: String,
    command: Vec<String>,
}

impl Exec {
    /// Reads `[OPTIONS] HOST COMMAND…`; `terminal`: whether there is one to give.
    fn read(args: &[String], terminal: bool) -> anyhow::Result<Exec> {
        let (mut options, mut detach, mut no_terminal) = (Vec::new(), false, false);
        let mut words = args.iter();
        let host = loop {
            let Some(word) = words.next() else {
                bail!("compose exec: give a host and a command (`compose exec host-a etcd`)")
            };
            match word.as_str() {
                "-T" | "--no-TTY" => no_terminal = true,
                "-d" | "--detach" => detach = true,
                "--privileged" => options.push(word.clone()),
                "-u" | "--user" | "-e" | "--env" | "-w" | "--workdir" => {
                    let Some(value) = words.next() else {
                        bail!("compose exec: {word} wants a value")
                    };
                    options.extend([word.clone(), value.clone()]);
                }
                option if option.starts_with('-') => {
                    bail!("compose exec: {option} is not an option the lab's exec takes")
                }
                host => break host.to_string(),
            }
        };
        let command: Vec<String> = words.cloned().collect();
        if command.is_empty() {
            bail!("compose exec {host}: give the command to run there")
        }
        let mut given = if detach {
            vec!["--detach".to_string()]
        } else if terminal && !no_terminal {
            vec!["--interactive".to_string(), "--tty".to_string()]
        } else {
            vec!["--interactive".to_string()]
        };
        given.append(&mut options);
        Ok(Exec {
            options: given,
            host,
            command,
        })
    }
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
    fn exec_is_dockers_with_a_terminal_only_where_there_is_one() {
        let exec = |line, terminal| Exec::read(&words(line), terminal).unwrap();
        let on_a = exec("host-a etcd --name a", true);
        assert_eq!(on_a.options, words("--interactive --tty"));
        assert_eq!(
            (on_a.host.as_str(), on_a.command),
            ("host-a", words("etcd --name a"))
        );
        assert_eq!(exec("host-a etcd", false).options, words("--interactive"));
        assert_eq!(exec("-T host-b ls", true).options, words("--interactive"));
        assert_eq!(exec("-d host-b etcd", true).options, words("--detach"));
        assert_eq!(
            exec("-e A=1 -w /tmp host-c env", false).options,
            words("--interactive -e A=1 -w /tmp")
        );
        let refused = |line| format!("{:#}", Exec::read(&words(line), false).unwrap_err());
        assert!(
            refused("host-a").contains("give the command"),
            "{}",
            refused("host-a")
        );
        assert!(refused("--index 2 host-a ls").contains("--index"));
        assert!(refused("").contains("give a host"));
    }
}
