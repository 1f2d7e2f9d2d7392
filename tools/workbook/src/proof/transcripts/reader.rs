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

use super::parse::{cargo_commands, loopback_defaults, map_id_ports, map_ports};
use super::{AGENT_PACKAGE, LOOPBACK, Problem, TIME_LIMIT};

/// The port of the agent in the book, and the agent's option for it.
const AGENT_PORT: u16 = 8500;
const AGENT_PORT_OPTIONS: [&str; 2] = ["-http-port", "--http-port"];

/// The book's addresses and the free ports that stand in for them in one chapter.
pub(super) struct Ports {
    pub(super) real: HashMap<u16, u16>,
    /// Added to a book's port for the one standing in, when free: the real ports keep the
    /// book's order, and so do the lists sorted by them (`greeter-localhost-7006` first).
    offset: u16,
}

impl Default for Ports {
    fn default() -> Ports {
        // Between 10000 and 55000, different for each run: the book's ports (2379–8599)
        // land above 12000 and below 64000.
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.subsec_nanos())
            ^ std::process::id().wrapping_mul(7919);
        Ports {
            real: HashMap::new(),
            offset: 10_000 + (seed % 45_000) as u16,
        }
    }
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
        let shifted = book.checked_add(self.offset).filter(|shifted| {
            !self.real.values().any(|used| used == shifted)
                && std::net::TcpListener::bind(("127.0.0.1", *shifted)).is_ok()
        });
        if let Some(shifted) = shifted {
            self.real.insert(book, shifted);
            return shifted;
        }
        // Else the system hands out a free port; a few tries make sure it is not one this
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
        crate::common::environment::as_from_a_shell(command.as_std_mut());
        command
            .arg("-c")
            .arg(script)
            .current_dir(&self.scratch)
            .env_remove("RUST_LOG")
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE")
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
                let text = map_id_ports(&text, |port| self.ports.book(port));
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
        let script = self.cargo_lines_into_log(command, script);
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
        let words: Vec<&str> = script.split_ascii_whitespace().collect();
        listening_on.extend(
            words
                .windows(2)
                .filter(|pair| pair[0] == "--http-port")
                .filter_map(|pair| pair[1].parse::<u16>().ok()),
        );
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

    /// The log of the server started on `line`, with the book's ports, once it shows what
    /// `book` shows (up to a second of waiting: a server may log after it listens).
    pub(super) async fn server_log_matches(
        &self,
        line: usize,
        book: &[&str],
    ) -> Result<(), super::compare::Mismatch> {
        let deadline = Instant::now() + Duration::from_secs(1);
        loop {
            let log = fs::read_to_string(self.scratch.join(format!("server-{line}.log")))
                .unwrap_or_default();
            let log = cargo::strip_ansi(&log);
            let log = map_id_ports(&log, |port| self.ports.book(port));
            let log = map_ports(&log, |port| self.ports.book(port));
            let result = super::compare::compare(book, &super::compare::tidy(log.lines()));
            if result.is_ok() || Instant::now() > deadline {
                return result;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
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
    fn cargo_lines_into_log(&self, command: &str, script: String) -> String {
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
        let args = before[run.end..].trim();
        let running = format!("target/debug/{} {args}", run.package);
        let lines = format!(
            "    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.10s\n     Running `{}`\n",
            running.trim_end()
        );
        if fs::write(self.scratch.join(file), lines).is_err() {
            return script;
        }
        script.replacen(&format!(" > {file}"), &format!(" >> {file}"), 1)
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
        // Ctrl-C reaches the servers in the foreground of their terminals, not the jobs
        // started with `&` (`kill %N` stops those).
        let (background, foreground) = self.servers.drain(..).partition(|s| s.job.is_some());
        self.servers = background;
        for mut server in foreground {
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

/// Whether the words of a command line give `option` (`--addr X` or `--addr=X`).
fn is_given(words: &[&str], option: &str) -> bool {
    words
        .iter()
        .any(|word| *word == option || word.starts_with(&format!("{option}=")))
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
