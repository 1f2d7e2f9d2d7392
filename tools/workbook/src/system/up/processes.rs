//! Starting and stopping the system's processes: Consul and Redis unless one answers
//! already, the lessons' executables built with one cargo invocation, each waited for
//! until it answers, and stopped with SIGTERM, then SIGKILL.

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::plan::{Part, System, loopback};
use super::record::{Record, Started};
use super::say;
use crate::system::probe::{consul_from_env, consul_leader, env_addr, port_taken, redis_pings};
use crate::system::services::{self, Service};
use crate::system::unreachable;
use workbook_core::environment;
use workbook_core::language::messages::{self, Cmd};
use workbook_core::ui;

/// How long a started process may take to answer (Consul, Redis, the gateway's page).
pub(super) const START_PATIENCE: Duration = Duration::from_secs(20);

/// How long `down` waits after SIGTERM before it sends SIGKILL. A lesson server drains
/// calls for up to 5 s (`--grace`).
pub(super) const STOP_PATIENCE: Duration = Duration::from_secs(10);

/// How often a wait looks again.
pub(super) const POLL: Duration = Duration::from_millis(100);

/// Finds or starts Consul; returns its base URL.
pub(super) fn consul_up(root: &Path, system: &System, record: &mut Record) -> Result<String> {
    let addr = loopback(system.ports.consul);
    // `CONSUL_HTTP_ADDR` naming this system's own port is no other agent: start it here.
    if let Some(value) = consul_from_env().filter(|value| env_addr(value) != Some(addr)) {
        if env_addr(&value).and_then(consul_leader).is_none() {
            bail!("{}", unreachable::no_consul_at_env(&value));
        }
        say(
            ui::pass_mark(),
            "consul",
            &messages::say(Cmd::UsingConsulAtEnv, &[("value", &value)]),
        );
        return consul_ext::normalise_address(&value).map_err(Into::into);
    }
    let url = format!("http://{addr}");
    if let Some(started) = record.running("consul") {
        say(
            ui::pass_mark(),
            "consul",
            &format!(
                "the embedded agent is already running on {addr} (pid {})",
                started.pid
            ),
        );
        return Ok(url);
    }
    if consul_leader(addr).is_some() {
        say(
            ui::pass_mark(),
            "consul",
            &messages::say(
                Cmd::AlreadyAnswersUsingIt,
                &[("which", &who_answers(root, system)), ("addr", &addr)],
            ),
        );
        return Ok(url);
    }
    let command = services::agent_command(addr)?;
    let mut child = start(system, record, "consul", command, "run-agent")?;
    let log = system.log_path("consul");
    block_until(&mut child, "consul", &log, START_PATIENCE, || {
        consul_leader(addr).is_some()
    })?;
    say(
        ui::pass_mark(),
        "consul",
        &format!(
            "started the embedded agent on {addr} (pid {}); UI: {url}/ui/",
            child.id()
        ),
    );
    Ok(url)
}

/// Finds or starts Redis; returns its URL.
pub(super) fn redis_up(system: &System, record: &mut Record) -> Result<String> {
    let addr = loopback(system.ports.redis);
    let url = format!("redis://{addr}");
    if let Some(started) = record.running("redis") {
        say(
            ui::pass_mark(),
            "redis",
            &messages::say(
                Cmd::AlreadyRunningOn,
                &[("addr", &addr), ("pid", &started.pid)],
            ),
        );
        return Ok(url);
    }
    if redis_pings(addr) {
        say(
            ui::pass_mark(),
            "redis",
            &messages::say(Cmd::RedisAlreadyAnswers, &[("addr", &addr)]),
        );
        return Ok(url);
    }
    let command = services::redis_server(addr, &system.dir)?;
    let mut child = start(system, record, "redis", command, "redis-server")?;
    let log = system.log_path("redis");
    block_until(&mut child, "redis", &log, START_PATIENCE, || {
        redis_pings(addr)
    })?;
    say(
        ui::pass_mark(),
        "redis",
        &messages::say(Cmd::StartedRedis, &[("addr", &addr), ("pid", &child.id())]),
    );
    Ok(url)
}

/// Who runs the Consul that answers on the system's port, when `up` did not start it:
/// `services up` of this copy, on the same port, or a stranger.
pub(super) fn who_answers(root: &Path, system: &System) -> String {
    let addr = loopback(system.ports.consul);
    let who = if services::running_pid_on(root, Service::Consul, addr).is_some() {
        Cmd::AgentOfServicesUp
    } else {
        Cmd::AConsulAgent
    };
    messages::say(who, &[])
}

/// Builds the packages' executables with one `cargo build`, as a shell would run it (so
/// that it shares every build with the learner's own cargo commands); with `solution`,
/// with the reference answers switched in, as `cargo test --workspace --all-features`
/// builds them. Returns each package's executable.
pub(super) fn build(
    root: &Path,
    packages: &[&str],
    solution: bool,
) -> Result<HashMap<String, PathBuf>> {
    let mut command = environment::cargo();
    command.current_dir(root).args([
        "build",
        "--bins",
        "--message-format=json-render-diagnostics",
    ]);
    for package in packages {
        command.args(["-p", package]);
    }
    if solution {
        let features: Vec<String> = packages.iter().map(|p| format!("{p}/solution")).collect();
        command.args(["--features", &features.join(",")]);
    }
    let answers = messages::say(
        if solution {
            Cmd::ReferenceAnswers
        } else {
            Cmd::YourAnswers
        },
        &[],
    );
    let names = packages.join(", ");
    let building = messages::say(
        Cmd::BuildingWith,
        &[("packages", &names), ("answers", &answers)],
    );
    println!("{building}");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .context("starting cargo (is it installed and on PATH?)")?;
    let mut executables = HashMap::new();
    let stdout = child.stdout.take().expect("stdout is piped");
    for line in BufReader::new(stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(&line?) else {
            continue;
        };
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        if let (Some(name), Some(executable)) = (
            message["target"]["name"].as_str(),
            message["executable"].as_str(),
        ) && packages.contains(&name)
        {
            executables.insert(name.to_string(), PathBuf::from(executable));
        }
    }
    let status = child.wait()?;
    if !status.success() {
        bail!(
            "{}",
            messages::say(Cmd::BuildFailed, &[("packages", &names)])
        );
    }
    for package in packages {
        if !executables.contains_key(*package) {
            bail!(
                "{}",
                messages::say(Cmd::NoExecutable, &[("package", package)])
            );
        }
    }
    Ok(executables)
}

/// Starts a part of the table in `plan.rs` from its lesson's `executable`, with the
/// system's Consul and Redis.
pub(super) fn start_lesson(
    system: &System,
    record: &mut Record,
    part: &Part,
    executable: &Path,
    env: &[(&str, &String)],
) -> Result<Child> {
    if let Some(addr) = part.addr
        && port_taken(addr)
    {
        bail!(
            "{}",
            messages::say(Cmd::LessonPortTaken, &[("port", &addr.port())])
        );
    }
    let mut command = Command::new(executable);
    command.args(&part.args);
    for (variable, value) in env {
        command.env(variable, value);
    }
    let marker = executable
        .file_name()
        .map(|file| file.to_string_lossy().into_owned())
        .unwrap_or_default();
    start(system, record, &part.name, command, &marker)
}

/// Starts `command` in the background: in its own process group (Ctrl-C in this
/// terminal does not reach it), with a shell's environment, no terminal input, its
/// output in `<name>.log`, and written down in the record.
pub(super) fn start(
    system: &System,
    record: &mut Record,
    name: &str,
    mut command: Command,
    marker: &str,
) -> Result<Child> {
    let log_path = system.log_path(name);
    let log =
        fs::File::create(&log_path).with_context(|| format!("creating {}", log_path.display()))?;
    environment::as_from_a_shell(&mut command)
        .current_dir(&system.dir)
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let child = command
        .spawn()
        .with_context(|| format!("starting {name}"))?;
    record.add(
        system,
        Started {
            name: name.to_string(),
            pid: child.id(),
            marker: marker.to_string(),
        },
    )?;
    Ok(child)
}

/// Waits until `ready` says yes, for at most `patience`; fails early, with the end of
/// its log, if the process ends first. While we are its parent, `try_wait` knows exactly
/// whether it still runs.
pub(super) async fn wait_until<F, Ready>(
    child: &mut Child,
    name: &str,
    log: &Path,
    patience: Duration,
    mut ready: F,
) -> Result<()>
where
    F: FnMut() -> Ready,
    Ready: Future<Output = bool>,
{
    let deadline = Instant::now() + patience;
    loop {
        if ready().await {
            return Ok(());
        }
        check_still_running(child, name, log, deadline, patience)?;
        tokio::time::sleep(POLL).await;
    }
}

/// [`wait_until`] for a readiness test that needs no runtime.
pub(super) fn block_until(
    child: &mut Child,
    name: &str,
    log: &Path,
    patience: Duration,
    mut ready: impl FnMut() -> bool,
) -> Result<()> {
    let deadline = Instant::now() + patience;
    while !ready() {
        check_still_running(child, name, log, deadline, patience)?;
        std::thread::sleep(POLL);
    }
    Ok(())
}

pub(super) fn check_still_running(
    child: &mut Child,
    name: &str,
    log: &Path,
    deadline: Instant,
    patience: Duration,
) -> Result<()> {
    if let Ok(Some(status)) = child.try_wait() {
        let tail = ui::indent(&log_tail(log, 10), "    ");
        let args: [(&str, &dyn std::fmt::Display); 3] =
            [("name", &name), ("status", &status), ("log", &tail)];
        bail!("{}", messages::say(Cmd::StoppedAtOnce, &args));
    }
    if Instant::now() >= deadline {
        let args: [(&str, &dyn std::fmt::Display); 3] = [
            ("name", &name),
            ("seconds", &patience.as_secs()),
            ("log", &log.display()),
        ];
        bail!("{}", messages::say(Cmd::WasNotReady, &args));
    }
    Ok(())
}

pub(super) fn log_tail(log: &Path, lines: usize) -> String {
    let text = fs::read_to_string(log).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Stops the process `up` started as `name`, if it still runs.
pub(super) fn stop(record: &Record, name: &str) {
    let Some(started) = record.started.iter().find(|started| started.name == name) else {
        if matches!(name, "consul" | "redis") {
            let text = messages::say(Cmd::NotStartedByUpLeftAlone, &[]);
            say(ui::todo_mark(), name, &text);
        }
        return;
    };
    if !started.is_alive() {
        say(
            ui::todo_mark(),
            name,
            &messages::say(Cmd::HadAlreadyStopped, &[("pid", &started.pid)]),
        );
        return;
    }
    let pid = started.pid.to_string();
    let _ = Command::new("kill").args(["-TERM", &pid]).status();
    let deadline = Instant::now() + STOP_PATIENCE;
    while started.is_alive() && Instant::now() < deadline {
        std::thread::sleep(POLL);
    }
    if started.is_alive() {
        let _ = Command::new("kill").args(["-KILL", &pid]).status();
        say(
            ui::yellow("!"),
            name,
            &messages::say(
                Cmd::KilledAfterTerm,
                &[("pid", &pid), ("seconds", &STOP_PATIENCE.as_secs())],
            ),
        );
    } else {
        let text = messages::say(Cmd::StoppedPid, &[("pid", &pid)]);
        say(ui::pass_mark(), name, &text);
    }
}
