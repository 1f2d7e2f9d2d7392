//! Following a chapter as a reader would: its servers in the background, free ports
//! standing in for the book's addresses, and a scratch folder of its own.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::process::Command;

use workbook_core::cargo;

use super::jobs::{Server, signal};
use super::parse::{cargo_commands, loopback_defaults, map_id_ports, map_ports};
use super::ports::{AGENT_PORT, AGENT_PORT_OPTIONS, Ports};
use super::{AGENT_PACKAGE, LOOPBACK, TIME_LIMIT};

/// Follows one chapter as a reader would: its servers, its ports, its scratch folder.
pub(super) struct Reader<'a> {
    pub(super) binaries: &'a HashMap<String, PathBuf>,
    pub(super) scratch: PathBuf,
    pub(super) ports: Ports,
    pub(super) servers: Vec<Server>,
    /// (package, subcommand) → its options with a loopback default.
    pub(super) options: HashMap<(String, String), Vec<(String, u16)>>,
    /// The book's port of the agent the chapter's commands use (`CONSUL_HTTP_ADDR`).
    pub(super) agent_port: u16,
    /// More variables the chapter's commands read (`REDIS_URL`, etcd's addresses).
    pub(super) env: Vec<(String, String)>,
    /// The job numbers bash would hold for the chapter's `… &` commands still running,
    /// whether the check runs them or not (`kill %N` counts as bash does).
    pub(super) jobs: Vec<usize>,
}

impl Reader<'_> {
    /// bash running `script` in the scratch folder, with the environment of a plain shell:
    /// no colours, no backtraces, the lessons' default logging.
    pub(super) fn shell(&self, script: &str) -> Command {
        let mut command = Command::new("bash");
        workbook_core::environment::as_from_a_shell(command.as_std_mut());
        command
            .arg("-c")
            .arg(script)
            .current_dir(&self.scratch)
            .env_remove("RUST_LOG")
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE")
            // The book's runs are on the book's ports, whatever base port this shell has.
            .env_remove(workbook_core::ports::BASE_PORT_VAR)
            .env("NO_COLOR", "1")
            .env("CURL_HOME", &self.scratch)
            .stdin(Stdio::null())
            .kill_on_drop(true);
        // The agent on the book's 8500: the embedded one, or one the chapter started.
        if let Some(port) = self.ports.real.get(&self.agent_port) {
            command.env("CONSUL_HTTP_ADDR", format!("http://{LOOPBACK}{port}"));
        }
        let exported = self.env.iter().map(|(name, value)| {
            (
                name,
                map_ports(value, |port| {
                    self.ports.real.get(&port).copied().unwrap_or(port)
                }),
            )
        });
        command.envs(exported);
        command
    }

    /// The options of a lesson's subcommand whose default is a loopback address.
    pub(super) async fn loopback_options(
        &mut self,
        package: &str,
        subcommand: &str,
    ) -> Result<Vec<(String, u16)>, String> {
        let key = (package.to_string(), subcommand.to_string());
        if let Some(options) = self.options.get(&key) {
            return Ok(options.clone());
        }
        let binary = self.binary(package)?;
        let help = Command::new(binary)
            .args([subcommand, "--help"])
            .stdin(Stdio::null())
            .output()
            .await
            .map_err(|err| format!("cannot run {}: {err}", binary.display()))?;
        let options = loopback_defaults(&String::from_utf8_lossy(&help.stdout));
        self.options.insert(key, options.clone());
        Ok(options)
    }

    pub(super) fn binary(&self, package: &str) -> Result<&PathBuf, String> {
        self.binaries
            .get(package)
            .filter(|path| path.is_file())
            .ok_or_else(|| format!("{package} is not built (`cargo build -p {package}`)"))
    }

    /// The command line with each lesson run replaced by its binary, each loopback option
    /// given a free port (new ones for a server), and the book's addresses translated.
    pub(super) async fn rewrite(
        &mut self,
        command: &str,
        for_server: bool,
    ) -> Result<String, String> {
        let mut script = String::new();
        let mut written = 0;
        let mut agent_port: Option<(u16, u16)> = None;
        let packages: Vec<String> = self.binaries.keys().cloned().collect();
        for run in cargo_commands(command, &packages).into_iter().flatten() {
            let binary = shell_quote(&self.binary(&run.package)?.display().to_string());
            let mut options = Vec::new();
            if let Some((name, _)) = &run.subcommand {
                options = self.loopback_options(&run.package, name).await?;
            }
            let is_agent = run.package == AGENT_PACKAGE
                && run
                    .subcommand
                    .as_ref()
                    .is_some_and(|(name, _)| name == "agent");
            if is_agent {
                // The agent's port is a bare number: `-http-port 8508`, 8500 when left out.
                let words: Vec<&str> = command.split_ascii_whitespace().collect();
                let given = words
                    .windows(2)
                    .find(|pair| AGENT_PORT_OPTIONS.contains(&pair[0]))
                    .and_then(|pair| pair[1].parse::<u16>().ok());
                let book = given.unwrap_or(AGENT_PORT);
                let real = if for_server {
                    self.ports.renew(book)
                } else {
                    self.ports.real(book)
                };
                if given.is_none() {
                    options.push(("--http-port".to_string(), 0));
                }
                agent_port = Some((book, real));
            }
            if for_server {
                // Each address the server will listen on gets a new port: its options with
                // a loopback default, as given or by default. (Other addresses in the
                // line, such as its registry's, stay what they stand for.)
                let words: Vec<&str> = command.split_ascii_whitespace().collect();
                let mut book_ports = Vec::new();
                for (option, default) in options.iter().filter(|(_, port)| *port != 0) {
                    let given = words.iter().enumerate().find_map(|(at, word)| {
                        let value = word.strip_prefix(&format!("{option}="));
                        value.or_else(|| (*word == option).then(|| words.get(at + 1).copied())?)
                    });
                    match given {
                        Some(value) => map_ports(value, |port| {
                            book_ports.push(port);
                            port
                        }),
                        None => {
                            book_ports.push(*default);
                            String::new()
                        }
                    };
                }
                for port in book_ports {
                    self.ports.renew(port);
                }
            }
            script.push_str(&map_ports(&command[written..run.start], |p| {
                self.ports.real(p)
            }));
            script.push_str(&binary);
            written = run.end;
            if let Some((_, end)) = &run.subcommand {
                // The global options and the subcommand, as the book gives them.
                script.push_str(&map_ports(&command[run.end..*end], |p| self.ports.real(p)));
                written = *end;
                let given: Vec<&str> = command.split_ascii_whitespace().collect();
                for (option, port) in options {
                    let is_given = is_given(&given, &option);
                    if let (true, Some((_, real))) = (port == 0, agent_port) {
                        script.push_str(&format!(" {option} {real}"));
                    } else if !is_given {
                        let real = self.ports.real(port);
                        script.push_str(&format!(" {option} {LOOPBACK}{real}"));
                    }
                }
            }
        }
        let mut rest = map_ports(&command[written..], |p| self.ports.real(p));
        if let Some((book, real)) = agent_port {
            for option in AGENT_PORT_OPTIONS {
                rest = rest.replace(&format!("{option} {book}"), &format!("--http-port {real}"));
            }
        }
        script.push_str(&rest);
        Ok(script)
    }

    /// Runs a command of a compared block; what it printed, with the book's addresses.
    pub(super) async fn run(&mut self, command: &str) -> Result<String, String> {
        let script = self.rewrite(command, false).await?;
        self.run_to_end(&script, TIME_LIMIT).await
    }

    /// Runs `script` to its end, within `limit`: what it printed (stdout and stderr
    /// together, as a terminal shows them), with the book's addresses.
    pub(super) async fn run_to_end(&self, script: &str, limit: Duration) -> Result<String, String> {
        let mut shell = self.shell(&format!("exec 2>&1\n{script}"));
        shell.stdout(Stdio::piped()).stderr(Stdio::null());
        // A process group of its own, so that a command that hangs goes with its children.
        #[cfg(unix)]
        shell.process_group(0);
        // Listed while it runs, so that a Ctrl-C to verify reaches it too.
        let (child, _listed) = crate::interrupt::Group::spawn(&mut shell)
            .map_err(|err| format!("cannot start bash: {err}"))?;
        let group = child.id();
        match tokio::time::timeout(limit, child.wait_with_output()).await {
            Ok(Ok(output)) => Ok(self.as_in_book(&output.stdout)),
            Ok(Err(err)) => Err(format!("cannot run it: {err}")),
            Err(_) => {
                if let Some(group) = group {
                    signal(&format!("-{group}"), "KILL");
                }
                Err(format!("did not finish within {} s", limit.as_secs()))
            }
        }
    }

    /// What a command printed, with the book's addresses and no colours.
    pub(super) fn as_in_book(&self, printed: &[u8]) -> String {
        let text = cargo::strip_ansi(&String::from_utf8_lossy(printed));
        let text = map_id_ports(&text, |port| self.ports.book(port));
        map_ports(&text, |port| self.ports.book(port))
    }

    /// `export NAME=VALUE`: the variables the later commands of the chapter see.
    pub(super) fn export(&mut self, variables: Vec<(String, String)>) {
        for (name, value) in variables {
            self.env.retain(|(old, _)| *old != name);
            if name == "CONSUL_HTTP_ADDR" {
                // The agent the chapter points at is the one its port stands for.
                map_ports(&value, |port| {
                    self.agent_port = port;
                    port
                });
                continue;
            }
            self.env.push((name, value));
        }
    }

    /// A server whose output goes to a file (`> greeter.log 2>&1`) finds there first what
    /// `cargo run` writes before the program starts: its `Finished` and `Running` lines.
    /// They are written to the file, and the server's output appended after them.
    pub(super) fn cargo_lines_into_log(&self, command: &str, script: String) -> String {
        let packages: Vec<String> = self.binaries.keys().cloned().collect();
        let Some(run) = cargo_commands(command, &packages)
            .into_iter()
            .flatten()
            .next()
        else {
            return script;
        };
        let Some((before, file)) = command.split_once(" > ") else {
            return script;
        };
        let Some(file) = file.split_ascii_whitespace().next() else {
            return script;
        };
        let args: Vec<String> = before[run.end..]
            .split_ascii_whitespace()
            .map(quoted_as_cargo_does)
            .collect();
        let running = format!("target/debug/{} {}", run.package, args.join(" "));
        let lines = format!(
            "    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.10s\n     Running `{}`\n",
            running.trim_end()
        );
        // A log under a folder (`> target/a.log`) gets its folder, as the reader's has one.
        let log = self.scratch.join(file);
        let written = log
            .parent()
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|()| fs::write(&log, lines));
        if written.is_err() {
            return script;
        }
        script.replacen(&format!(" > {file}"), &format!(" >> {file}"), 1)
    }
}

/// Whether the words of a command line give `option` (`--addr X` or `--addr=X`).
fn is_given(words: &[&str], option: &str) -> bool {
    words
        .iter()
        .any(|word| *word == option || word.starts_with(&format!("{option}=")))
}

/// An argument as cargo's `Running` line shows it: in single quotes unless every character
/// is one a shell takes as it is (the `shell-escape` crate's rule, which cargo uses), so
/// `127.0.0.1:7016` is `'127.0.0.1:7016'`.
fn quoted_as_cargo_does(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_=/,.+".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        shell_quote(word)
    }
}

/// `text` as one bash word.
pub(super) fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
