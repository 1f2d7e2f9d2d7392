//! `services up|down|status`: the Consul registry and the Redis server the later lessons
//! talk to, started once per machine and left running in the background.
//!
//! Consul is whatever already answers (`CONSUL_HTTP_ADDR`, or an agent on :8500), else the
//! embedded development agent, run by this very binary (`services run-agent`) so that
//! nothing else needs building. Redis is the system's `redis-server`. Both bind loopback
//! only; their logs and pid files live in `.workbook/services/`.

use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::common::catalog::{Cmd, say};
use crate::common::ui;
use crate::learner::state::STATE_DIR;
use crate::system::doctor;
use crate::system::probe::{
    consul_from_env, consul_leader, env_addr, is_embedded_agent, port_taken, redis_pings,
};
use crate::system::unreachable;

mod agent;

pub use agent::run_agent;

pub const CONSUL_ADDR: &str = "127.0.0.1:8500";

pub const REDIS_ADDR: &str = "127.0.0.1:6379";

/// How long `up` waits for a freshly started service to answer.
const START_PATIENCE: Duration = Duration::from_secs(10);

/// One service the runner can start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Consul,
    Redis,
}

impl Service {
    pub const ALL: [Service; 2] = [Service::Consul, Service::Redis];

    pub fn name(self) -> &'static str {
        match self {
            Service::Consul => "consul",
            Service::Redis => "redis",
        }
    }

    pub fn addr(self) -> SocketAddr {
        match self {
            Service::Consul => CONSUL_ADDR,
            Service::Redis => REDIS_ADDR,
        }
        .parse()
        .expect("a valid address")
    }

    /// What the process's command line contains, to tell our process from a stranger
    /// that inherited its pid.
    fn process_marker(self) -> &'static str {
        match self {
            Service::Consul => "run-agent",
            Service::Redis => "redis-server",
        }
    }

    /// Whether the service answers on `addr` as it should.
    pub fn answers(self, addr: SocketAddr) -> bool {
        match self {
            Service::Consul => consul_leader(addr).is_some(),
            Service::Redis => redis_pings(addr),
        }
    }
}

fn services_dir(root: &Path) -> PathBuf {
    root.join(STATE_DIR).join("services")
}

fn pid_file(root: &Path, service: Service) -> PathBuf {
    services_dir(root).join(format!("{}.pid", service.name()))
}

fn log_file(root: &Path, service: Service) -> PathBuf {
    services_dir(root).join(format!("{}.log", service.name()))
}

/// The pid of the service we started, if it is still running.
pub fn running_pid(root: &Path, service: Service) -> Option<u32> {
    let pid: u32 = fs::read_to_string(pid_file(root, service))
        .ok()?
        .trim()
        .parse()
        .ok()?;
    is_alive(pid, service.process_marker()).then_some(pid)
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

/// `services up`.
pub fn up(root: &Path) -> Result<()> {
    fs::create_dir_all(services_dir(root)).context("creating .workbook/services")?;
    let mut failures = 0;
    for service in Service::ALL {
        let result = match service {
            Service::Consul => consul_up(root),
            Service::Redis => redis_up(root),
        };
        if let Err(err) = result {
            failures += 1;
            println!("{} {:<7} {err:#}", ui::fail_mark(), service.name());
        }
    }
    if failures > 0 {
        bail!("{}", say(Cmd::ServicesFailed, &[("count", &failures)]));
    }
    let (down, status) = (ui::cmd("services down"), ui::cmd("services status"));
    println!(
        "{}",
        say(
            Cmd::ServicesStopSee,
            &[("down", &down), ("status", &status)]
        )
    );
    Ok(())
}

fn consul_up(root: &Path) -> Result<()> {
    if let Some(value) = consul_from_env() {
        let answers = env_addr(&value).and_then(consul_leader).is_some();
        if answers {
            let using = say(Cmd::UsingConsulAtEnv, &[("value", &value)]);
            println!("{} consul  {using}", ui::pass_mark());
            return Ok(());
        }
        bail!("{}", unreachable::no_consul_at_env(&value));
    }
    let addr = Service::Consul.addr();
    if let Some(pid) = running_pid(root, Service::Consul) {
        let running = say(Cmd::AgentAlreadyRunning, &[("addr", &addr), ("pid", &pid)]);
        println!("{} consul  {running}", ui::pass_mark());
        return Ok(());
    }
    if consul_leader(addr).is_some() {
        let which = if is_embedded_agent(addr) {
            say(Cmd::AnEmbeddedAgent, &[])
        } else {
            say(Cmd::AConsulAgent, &[])
        };
        let using = say(
            Cmd::AlreadyAnswersUsingIt,
            &[("which", &which), ("addr", &addr)],
        );
        println!("{} consul  {using}", ui::pass_mark());
        return Ok(());
    }
    let command = agent_command(addr)?;
    let pid = start_detached(root, Service::Consul, command)?;
    let url = format!("http://{addr}/ui/");
    let started = say(
        Cmd::StartedAgent,
        &[("addr", &addr), ("pid", &pid), ("url", &url)],
    );
    println!("{} consul  {started}", ui::pass_mark());
    Ok(())
}

fn redis_up(root: &Path) -> Result<()> {
    let addr = Service::Redis.addr();
    if let Some(pid) = running_pid(root, Service::Redis) {
        let running = say(Cmd::AlreadyRunningOn, &[("addr", &addr), ("pid", &pid)]);
        println!("{} redis   {running}", ui::pass_mark());
        return Ok(());
    }
    if redis_pings(addr) {
        let using = say(Cmd::RedisAlreadyAnswers, &[("addr", &addr)]);
        println!("{} redis   {using}", ui::pass_mark());
        return Ok(());
    }
    let command = redis_server(addr, &services_dir(root))?;
    let pid = start_detached(root, Service::Redis, command)?;
    let started = say(Cmd::StartedRedis, &[("addr", &addr), ("pid", &pid)]);
    println!("{} redis   {started}", ui::pass_mark());
    Ok(())
}

/// The command that runs the embedded agent on `addr` (this binary, `services run-agent`),
/// once nothing else holds that port.
pub fn agent_command(addr: SocketAddr) -> Result<Command> {
    if port_taken(addr) {
        bail!("{}", say(Cmd::PortNotConsul, &[("port", &addr.port())]));
    }
    let program = std::env::current_exe().context("finding the workbook binary")?;
    let mut command = Command::new(program);
    command.args(["services", "run-agent", "--addr", &addr.to_string()]);
    Ok(command)
}

/// The command that starts a `redis-server` on `addr`, keeping nothing on disk, in `dir`;
/// an error that says what to do when the port is taken or Redis is not installed.
pub fn redis_server(addr: SocketAddr, dir: &Path) -> Result<Command> {
    if port_taken(addr) {
        bail!("{}", say(Cmd::PortNotRedis, &[("port", &addr.port())]));
    }
    if doctor::find_on_path("redis-server").is_none() {
        let command = doctor::install_command(&[("redis-server", "redis")]);
        bail!("{}", say(Cmd::RedisNotInstalled, &[("command", &command)]));
    }
    let mut command = Command::new("redis-server");
    command
        .args(["--port", &addr.port().to_string()])
        .args(["--bind", &addr.ip().to_string()])
        .args(["--save", "", "--appendonly", "no"])
        .arg("--dir")
        .arg(dir);
    Ok(command)
}

/// Starts `command` in its own process group (so Ctrl-C in this terminal does not reach
/// it), with no terminal input and its output in the service's log; waits until it
/// answers, then records its pid and lets it run on without us.
fn start_detached(root: &Path, service: Service, mut command: Command) -> Result<u32> {
    let log_path = log_file(root, service);
    let log = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&log_path)
        .with_context(|| format!("opening {}", log_path.display()))?;
    command
        .current_dir(services_dir(root))
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
        if service.answers(service.addr()) {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            let log = ui::indent(&log_tail(root, service, 10), "    ");
            bail!(
                "{}",
                say(
                    Cmd::StoppedAtOnce,
                    &[
                        ("name", &service.name()),
                        ("status", &status),
                        ("log", &log)
                    ]
                )
            );
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!(
                "{}",
                say(
                    Cmd::DidNotAnswer,
                    &[
                        ("name", &service.name()),
                        ("addr", &service.addr()),
                        ("seconds", &START_PATIENCE.as_secs()),
                        ("log", &log_path.display()),
                    ]
                )
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    fs::write(pid_file(root, service), format!("{pid}\n")).context("writing the pid file")?;
    // The service outlives us on purpose; once we exit, init becomes its parent.
    drop(child);
    Ok(pid)
}

fn log_tail(root: &Path, service: Service, lines: usize) -> String {
    let text = fs::read_to_string(log_file(root, service)).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// `services down`: stops what `up` started, and only that.
pub fn down(root: &Path) -> Result<()> {
    for service in Service::ALL {
        match running_pid(root, service) {
            Some(pid) => {
                let _ = Command::new("kill").arg(pid.to_string()).status();
                let deadline = Instant::now() + Duration::from_secs(5);
                while is_alive(pid, service.process_marker()) && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(50));
                }
                if is_alive(pid, service.process_marker()) {
                    let _ = Command::new("kill")
                        .args(["-KILL", &pid.to_string()])
                        .status();
                }
                let _ = fs::remove_file(pid_file(root, service));
                let stopped = say(Cmd::StoppedPid, &[("pid", &pid)]);
                println!("{} {:<7} {stopped}", ui::pass_mark(), service.name());
            }
            None => {
                let _ = fs::remove_file(pid_file(root, service));
                let note = if service.answers(service.addr()) {
                    say(Cmd::NotStartedHereLeftAlone, &[("addr", &service.addr())])
                } else {
                    say(Cmd::NotRunning, &[])
                };
                println!("{} {:<7} {note}", ui::todo_mark(), service.name());
            }
        }
    }
    Ok(())
}

/// One service's state, for `status` and `doctor`.
pub fn describe(root: &Path, service: Service) -> (bool, String) {
    let addr = service.addr();
    if service == Service::Consul
        && let Some(value) = consul_from_env()
    {
        let up = env_addr(&value).and_then(consul_leader).is_some();
        return if up {
            (true, say(Cmd::ConsulAtEnvAnswers, &[("value", &value)]))
        } else {
            (false, unreachable::no_consul_at_env(&value))
        };
    }
    let answers = service.answers(addr);
    match (running_pid(root, service), answers) {
        (Some(pid), true) => {
            let what = match service {
                Service::Consul => say(Cmd::TheEmbeddedAgent, &[]),
                Service::Redis => "redis-server".to_string(),
            };
            let args: [(&str, &dyn std::fmt::Display); 3] =
                [("addr", &addr), ("pid", &pid), ("what", &what)];
            (true, say(Cmd::UpStartedByWorkbook, &args))
        }
        (Some(pid), false) => (
            false,
            say(Cmd::StartingOrStuck, &[("pid", &pid), ("addr", &addr)]),
        ),
        (None, true) => {
            let what = match service {
                Service::Consul if is_embedded_agent(addr) => Cmd::AgentNotStartedHere,
                Service::Consul => Cmd::AConsulAgent,
                Service::Redis => Cmd::RedisNotOurs,
            };
            let what = say(what, &[]);
            (
                true,
                say(Cmd::UpNotOurs, &[("addr", &addr), ("what", &what)]),
            )
        }
        (None, false) => (
            false,
            say(
                Cmd::Down,
                &[("why", &unreachable::no_answer(service, &addr.to_string()))],
            ),
        ),
    }
}

/// `services status`.
pub fn status(root: &Path) -> Result<()> {
    for service in Service::ALL {
        let (up, text) = describe(root, service);
        let mark = if up { ui::pass_mark() } else { ui::todo_mark() };
        println!("{mark} {:<7} {text}", service.name());
    }
    Ok(())
}
