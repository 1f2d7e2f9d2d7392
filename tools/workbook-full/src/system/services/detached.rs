//! The services run on after `services up` exits: each is started in a process group of
//! its own with its output in a log, and written down in a pid file (`PID ADDR`) in this
//! copy's `.workbook/services/`, which `status`, `down` and `up`'s system read.

use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::{Here, START_PATIENCE, Service};
use crate::system::ports::Layout;
use workbook_core::course::STATE_DIR;
use workbook_core::language::messages::{Cmd, say};
use workbook_core::ui;

pub(super) fn services_dir(root: &Path) -> PathBuf {
    root.join(STATE_DIR).join("services")
}

pub(super) fn pid_file(root: &Path, service: Service) -> PathBuf {
    services_dir(root).join(format!("{}.pid", service.name()))
}

/// The pid the pid file of `root` names and the address it was started on (`PID ADDR`;
/// a file with no address is from before base ports, when every service had its usual
/// port), if that process is still running.
fn recorded(root: &Path, service: Service) -> Option<(u32, Option<SocketAddr>)> {
    let text = fs::read_to_string(pid_file(root, service)).ok()?;
    let mut words = text.split_whitespace();
    let pid: u32 = words.next()?.parse().ok()?;
    let addr = words.next().and_then(|addr| addr.parse().ok());
    is_alive(pid, service.process_marker()).then_some((pid, addr))
}

/// The pid of the service this copy started, on whatever port, if it is still running.
pub fn running_pid(root: &Path, service: Service) -> Option<u32> {
    recorded(root, service).map(|(pid, _)| pid)
}

/// The pid of the service this copy started on `addr`, if it is still running.
pub fn running_pid_on(root: &Path, service: Service, addr: SocketAddr) -> Option<u32> {
    let standard = service.addr_in(Layout::STANDARD);
    match recorded(root, service)? {
        (pid, Some(started_on)) if started_on == addr => Some(pid),
        (pid, None) if addr == standard => Some(pid),
        _ => None,
    }
}

/// Whether process `pid` runs and its command line contains `marker` (a pid that was
/// reused by another program does not count).
pub fn is_alive(pid: u32, marker: &str) -> bool {
    let proc_dir = PathBuf::from(format!("/proc/{pid}"));
    if Path::new("/proc/self").exists() {
        return fs::read(proc_dir.join("cmdline"))
            .is_ok_and(|cmdline| String::from_utf8_lossy(&cmdline).contains(marker));
    }
    Command::new("kill")
        .args(["-0", &pid.to_string()])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Starts `command` in its own process group (so Ctrl-C in this terminal does not reach
/// it), with no terminal input and its output in the service's log; waits until it
/// answers, then records its pid and lets it run on without us.
pub(super) fn start_detached(here: &Here, service: Service, mut command: Command) -> Result<u32> {
    let addr = here.addr(service);
    let log_path = here.log_file(service);
    let log = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .with_context(|| format!("opening {}", log_path.display()))?;
    command
        .current_dir(here.dir())
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let mut child = command
        .spawn()
        .with_context(|| format!("starting {}", service.name()))?;
    let pid = child.id();

    // While we are its parent, `try_wait` knows exactly whether it is still running.
    let deadline = Instant::now() + START_PATIENCE;
    loop {
        if service.answers(addr) {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            let log = ui::indent(&log_tail(here, service, 10), "    ");
            bail!(say(
                Cmd::StoppedAtOnce,
                &[
                    ("name", &service.name()),
                    ("status", &status),
                    ("log", &log)
                ]
            ));
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!(say(
                Cmd::DidNotAnswer,
                &[
                    ("name", &service.name()),
                    ("addr", &addr),
                    ("seconds", &START_PATIENCE.as_secs()),
                    ("log", &log_path.display()),
                ]
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    fs::write(here.pid_file(service), format!("{pid} {addr}\n")).context("writing the pid file")?;
    // The service outlives us on purpose; once we exit, init becomes its parent.
    drop(child);
    Ok(pid)
}

pub(super) fn log_tail(here: &Here, service: Service, lines: usize) -> String {
    let text = fs::read_to_string(here.log_file(service)).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
