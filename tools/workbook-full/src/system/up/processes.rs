//! Starting and stopping the system's processes: the lessons' executables built with one
//! cargo invocation, each started with its log, waited for until it answers, and stopped
//! with SIGTERM, then SIGKILL. (Consul and Redis: `consul_redis`.)

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::plan::{Part, System};
use super::record::{Record, Started};
use super::say;
use crate::system::probe::port_taken;
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
        bail!(messages::say(Cmd::BuildFailed, &[("packages", &names)]));
    }
    for package in packages {
        if !executables.contains_key(*package) {
            bail!(messages::say(Cmd::NoExecutable, &[("package", package)]));
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
        bail!(messages::say(
            Cmd::LessonPortTaken,
            &[("port", &addr.port())]
        ));
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
        bail!(messages::say(Cmd::StoppedAtOnce, &args));
    }
    if Instant::now() >= deadline {
        let args: [(&str, &dyn std::fmt::Display); 3] = [
            ("name", &name),
            ("seconds", &patience.as_secs()),
            ("log", &log.display()),
        ];
        bail!(messages::say(Cmd::WasNotReady, &args));
    }
    Ok(())
}

pub(super) fn log_tail(log: &Path, lines: usize) -> String {
    let text = fs::read_to_string(log).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Stops the process `up` started as `name`, if it still runs. One `up` did not start but
/// found (`there_if_not_ours`: a service that answers) is left alone, and `down` says so.
pub(super) fn stop(record: &Record, name: &str, there_if_not_ours: bool) {
    let Some(started) = record.started.iter().find(|started| started.name == name) else {
        if there_if_not_ours {
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
