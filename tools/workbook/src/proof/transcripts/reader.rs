//! Following a chapter as a reader would: its servers in the background, free ports
//! standing in for the book's addresses, and a scratch folder of its own.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::net::TcpStream;
use tokio::process::{Child, Command};

use crate::common::cargo;

use super::parse::{cargo_commands, loopback_defaults, map_ports};
use super::{LOOPBACK, Problem, TIME_LIMIT};

/// The book's addresses and the free ports that stand in for them in one chapter.
#[derive(Default)]
pub(super) struct Ports {
    pub(super) real: HashMap<u16, u16>,
}

impl Ports {
    /// The port standing in for `book`, a fresh one the first time.
    pub(super) fn real(&mut self, book: u16) -> u16 {
        if book == 0 {
            return 0;
        }
        if let Some(real) = self.real.get(&book) {
            return *real;
        }
        self.renew(book)
    }

    /// A new free port for `book`, for a server that is about to start.
    pub(super) fn renew(&mut self, book: u16) -> u16 {
        let mut port = 0;
        // The system hands out a free port; a few tries make sure it is not one this
        // chapter already uses.
        for _ in 0..10 {
            port = std::net::TcpListener::bind(("127.0.0.1", 0))
                .and_then(|listener| listener.local_addr())
                .map_or(0, |addr| addr.port());
            if port != 0 && !self.real.values().any(|used| *used == port) {
                break;
            }
        }
        self.real.insert(book, port);
        port
    }

    /// The book's port for a port of a run.
    pub(super) fn book(&self, real: u16) -> u16 {
        self.real
            .iter()
            .find(|(_, used)| **used == real)
            .map_or(real, |(book, _)| *book)
    }
}

/// A server started by a chapter.
pub(super) struct Server {
    pub(super) child: Child,
    pub(super) line: usize,
    /// Its job number in the reader's shell, when it was started with `&`.
    pub(super) job: Option<usize>,
}

/// Follows one chapter as a reader would: its servers, its ports, its scratch folder.
pub(super) struct Reader<'a> {
    pub(super) binaries: &'a HashMap<String, PathBuf>,
    pub(super) scratch: PathBuf,
    pub(super) ports: Ports,
    pub(super) servers: Vec<Server>,
    /// (package, subcommand) → its options with a loopback default.
    pub(super) options: HashMap<(String, String), Vec<(String, u16)>>,
    /// The agent the Consul lessons' programs find through `CONSUL_HTTP_ADDR`.
    pub(super) consul: Option<String>,
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
        crate::common::environment::as_from_a_shell(command.as_std_mut());
        command
            .arg("-c")
            .arg(script)
            .current_dir(&self.scratch)
            .env_remove("RUST_LOG")
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .kill_on_drop(true);
        if let Some(consul) = &self.consul {
            command.env("CONSUL_HTTP_ADDR", consul);
        }
        command.envs(self.env.iter().map(|(name, value)| (name, value)));
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
        let packages: Vec<String> = self.binaries.keys().cloned().collect();
        for run in cargo_commands(command, &packages).into_iter().flatten() {
            let binary = shell_quote(&self.binary(&run.package)?.display().to_string());
            let mut options = Vec::new();
            if let Some((name, _)) = &run.subcommand {
                options = self.loopback_options(&run.package, name).await?;
            }
            if for_server {
                let mut book_ports: Vec<u16> = options.iter().map(|(_, port)| *port).collect();
                map_ports(command, |port| {
                    book_ports.push(port);
                    port
                });
                for port in book_ports {
                    self.ports.renew(port);
                }
            }
            script.push_str(&map_ports(&command[written..run.start], |p| {
                self.ports.real(p)
            }));
            script.push_str(&binary);
            written = run.end;
            if let Some((name, end)) = &run.subcommand {
                script.push(' ');
                script.push_str(name);
                written = *end;
                let given: Vec<&str> = command.split_ascii_whitespace().collect();
                for (option, port) in options {
                    let is_given = given
                        .iter()
                        .any(|word| *word == option || word.starts_with(&format!("{option}=")));
                    if !is_given {
                        let real = self.ports.real(port);
                        script.push_str(&format!(" {option} {LOOPBACK}{real}"));
                    }
                }
            }
        }
        script.push_str(&map_ports(&command[written..], |p| self.ports.real(p)));
        Ok(script)
    }

    /// Runs a command of a compared block; what it printed, with the book's addresses.
    pub(super) async fn run(&mut self, command: &str) -> Result<String, String> {
        let script = self.rewrite(command, false).await?;
        let mut shell = self.shell(&format!("exec 2>&1\n{script}"));
        shell.stdout(Stdio::piped()).stderr(Stdio::null());
        // A process group of its own, so that a command that hangs goes with its children.
        #[cfg(unix)]
        shell.process_group(0);
        let child = shell
            .spawn()
            .map_err(|err| format!("cannot start bash: {err}"))?;
        let group = child.id();
        match tokio::time::timeout(TIME_LIMIT, child.wait_with_output()).await {
            Ok(Ok(output)) => {
                let text = cargo::strip_ansi(&String::from_utf8_lossy(&output.stdout));
                Ok(map_ports(&text, |port| self.ports.book(port)))
            }
            Ok(Err(err)) => Err(format!("cannot run it: {err}")),
            Err(_) => {
                if let Some(group) = group {
                    signal(&format!("-{group}"), "KILL");
                }
                Err(format!("did not finish within {} s", TIME_LIMIT.as_secs()))
            }
        }
    }

    /// Starts a server in the background and waits until it listens on all its addresses.
    pub(super) async fn start_server(&mut self, line: usize, command: &str) -> Result<(), Problem> {
        let job = self.background_job(command);
        let command = command.trim_end_matches('&').trim_end();
        let fail = |message: String, details: Vec<String>| Problem {
            location: String::new(),
            command: Some(command.to_string()),
            message,
            details,
        };
        let script = self
            .rewrite(command, true)
            .await
            .map_err(|message| fail(message, Vec::new()))?;
        let log_path = self.scratch.join(format!("server-{line}.log"));
        let log = fs::File::create(&log_path)
            .and_then(|file| Ok((file.try_clone()?, file)))
            .map_err(|err| fail(format!("cannot write its log: {err}"), Vec::new()))?;
        let mut shell = self.shell(&format!("exec {script}"));
        shell.stdout(log.0).stderr(log.1);
        let mut child = shell
            .spawn()
            .map_err(|err| fail(format!("cannot start bash: {err}"), Vec::new()))?;

        let mut listening_on: Vec<u16> = Vec::new();
        map_ports(&script, |port| {
            listening_on.push(port);
            port
        });
        let log_tail = || {
            let log = fs::read_to_string(&log_path).unwrap_or_default();
            let lines: Vec<String> = log.lines().map(String::from).collect();
            lines[lines.len().saturating_sub(5)..].to_vec()
        };
        let deadline = Instant::now() + TIME_LIMIT;
        for port in listening_on {
            while TcpStream::connect(("127.0.0.1", port)).await.is_err() {
                if let Ok(Some(status)) = child.try_wait() {
                    return Err(fail(
                        format!("the server ended ({status}) before it listened"),
                        log_tail(),
                    ));
                }
                if Instant::now() > deadline {
                    let _ = child.kill().await;
                    return Err(fail(
                        format!(
                            "the server did not listen on {LOOPBACK}{} within {} s",
                            self.ports.book(port),
                            TIME_LIMIT.as_secs()
                        ),
                        log_tail(),
                    ));
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        self.servers.push(Server { child, line, job });
        Ok(())
    }

    /// The job number bash gives `command` when it ends in `&`: one more than the highest
    /// job still running.
    pub(super) fn background_job(&mut self, command: &str) -> Option<usize> {
        if !command.trim_end().ends_with('&') || command.trim_end().ends_with("&&") {
            return None;
        }
        let job = self.jobs.iter().max().map_or(1, |highest| highest + 1);
        self.jobs.push(job);
        Some(job)
    }

    /// `kill -SIGNAL %N`: the signal for job N, and its end awaited. Returns an error
    /// when N is no job, or its server does not stop in time.
    pub(super) async fn kill_job(&mut self, signal_name: &str, job: usize) -> Result<(), String> {
        let Some(at) = self.jobs.iter().position(|running| *running == job) else {
            return Err(format!(
                "kill %{job}: no such job (jobs running: {:?})",
                self.jobs
            ));
        };
        self.jobs.remove(at);
        // A job the check does not run (another program) has nothing to stop.
        let Some(at) = self.servers.iter().position(|s| s.job == Some(job)) else {
            return Ok(());
        };
        let mut server = self.servers.remove(at);
        if let Some(pid) = server.child.id() {
            signal(&pid.to_string(), signal_name);
        }
        if tokio::time::timeout(TIME_LIMIT, server.child.wait())
            .await
            .is_err()
        {
            let _ = server.child.kill().await;
            return Err(format!(
                "the server started on line {} did not stop within {} s of SIG{signal_name}",
                server.line,
                TIME_LIMIT.as_secs()
            ));
        }
        Ok(())
    }

    /// Ctrl-C in the servers' terminals: each must stop in time. Returns the ones that
    /// did not, by the line that started them.
    pub(super) async fn interrupt(&mut self) -> Vec<usize> {
        let mut stuck = Vec::new();
        for mut server in self.servers.drain(..) {
            if let Some(job) = server.job {
                self.jobs.retain(|running| *running != job);
            }
            if let Some(pid) = server.child.id() {
                signal(&pid.to_string(), "INT");
            }
            if tokio::time::timeout(TIME_LIMIT, server.child.wait())
                .await
                .is_err()
            {
                let _ = server.child.kill().await;
                stuck.push(server.line);
            }
        }
        stuck
    }

    /// The end of the chapter: the servers still running are stopped.
    pub(super) async fn stop_servers(&mut self) {
        for mut server in self.servers.drain(..) {
            if let Some(pid) = server.child.id() {
                signal(&pid.to_string(), "TERM");
            }
            if tokio::time::timeout(Duration::from_secs(5), server.child.wait())
                .await
                .is_err()
            {
                let _ = server.child.kill().await;
            }
        }
    }
}

/// Sends `signal` (`INT`, `TERM`, `KILL`) to a process, or to a group as `-PGID`.
pub(super) fn signal(target: &str, signal: &str) {
    let _ = std::process::Command::new("kill")
        .args([format!("-{signal}").as_str(), "--", target])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// `text` as one bash word.
pub(super) fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// An embedded Consul-compatible agent on a free loopback port, for one chapter.
pub(super) struct ChapterAgent {
    pub(super) url: String,
    pub(super) port: u16,
    #[cfg(feature = "embedded-agent")]
    pub(super) agent: devconsul::Agent,
}

impl ChapterAgent {
    #[cfg(feature = "embedded-agent")]
    pub(super) async fn start() -> Option<ChapterAgent> {
        let config = devconsul::Config {
            http_addr: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            ui: false,
            ..Default::default()
        };
        let agent = devconsul::Agent::start(config).await.ok()?;
        Some(ChapterAgent {
            url: agent.url(),
            port: agent.http_addr().port(),
            agent,
        })
    }

    /// Without the embedded agent, the Consul chapters' programs find none.
    #[cfg(not(feature = "embedded-agent"))]
    pub(super) async fn start() -> Option<ChapterAgent> {
        None
    }

    pub(super) async fn stop(self) {
        #[cfg(feature = "embedded-agent")]
        self.agent.shutdown().await;
    }
}
