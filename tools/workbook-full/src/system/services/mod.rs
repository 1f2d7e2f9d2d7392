//! `services up|down|status`: the Consul registry, the Redis server and the NATS broker the
//! later lessons talk to, started once per copy of the course and left running in the
//! background.
//!
//! Consul is whatever already answers (`CONSUL_HTTP_ADDR`, or an agent on its port), else
//! the embedded development agent, run by this very binary (`services run-agent`) so that
//! nothing else needs building. Redis is the system's `redis-server`, NATS its
//! `nats-server` with JetStream (`nats.rs`); each is used as it is when one already answers
//! on its port. All bind loopback only, on 8500, 6379 and 4222, or on the ports of this
//! copy's base port when it has one (`ports.rs`); their logs and pid files live in this
//! copy's `.workbook/services/`, and `services down` stops only what those pid files name.

use std::fs;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::system::ports::Layout;
use crate::system::probe::{
    consul_from_env, consul_leader, env_addr, is_embedded_agent, nats_answers, nats_has_jetstream,
    port_taken, redis_pings,
};
use crate::system::unreachable;
use workbook_core::language::messages::{Cmd, say, tell};
use workbook_core::ui;

mod agent;
mod detached;
mod nats;
mod redis;

pub use agent::run_agent;
pub use detached::{is_alive, running_pid, running_pid_on};
use detached::{pid_file, services_dir, start_detached};
pub use nats::nats_server;
pub use redis::redis_server;

pub use workbook::cli::CONSUL_ADDR;

/// How long `up` waits for a freshly started service to answer.
const START_PATIENCE: Duration = Duration::from_secs(10);

/// One service the runner can start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Consul,
    Redis,
    Nats,
}

impl Service {
    pub const ALL: [Service; 3] = [Service::Consul, Service::Redis, Service::Nats];

    pub fn name(self) -> &'static str {
        match self {
            Service::Consul => "consul",
            Service::Redis => "redis",
            Service::Nats => "nats",
        }
    }

    /// Where the service runs in `layout`.
    pub fn addr_in(self, layout: Layout) -> SocketAddr {
        match self {
            Service::Consul => layout.consul(),
            Service::Redis => layout.redis(),
            Service::Nats => layout.nats(),
        }
    }

    /// What the process's command line contains, to tell our process from a stranger
    /// that inherited its pid.
    fn process_marker(self) -> &'static str {
        match self {
            Service::Consul => "run-agent",
            Service::Redis => "redis-server",
            Service::Nats => "nats-server",
        }
    }

    /// Whether the service answers on `addr` as it should.
    pub fn answers(self, addr: SocketAddr) -> bool {
        match self {
            Service::Consul => consul_leader(addr).is_some(),
            Service::Redis => redis_pings(addr),
            Service::Nats => nats_answers(addr),
        }
    }
}

/// The services of the copy of the course here: its folder, and the ports of its layout.
pub struct Here {
    pub root: PathBuf,
    pub layout: Layout,
}

impl Here {
    /// This copy, with the base port it was given, if any.
    pub fn of(root: &Path) -> Result<Here> {
        Ok(Here {
            root: root.to_path_buf(),
            layout: Layout::of(root, None)?,
        })
    }

    /// Where `service` runs in this copy.
    pub fn addr(&self, service: Service) -> SocketAddr {
        service.addr_in(self.layout)
    }

    fn dir(&self) -> PathBuf {
        services_dir(&self.root)
    }

    fn pid_file(&self, service: Service) -> PathBuf {
        pid_file(&self.root, service)
    }

    fn log_file(&self, service: Service) -> PathBuf {
        self.dir().join(format!("{}.log", service.name()))
    }

    /// The pid of the service this copy started on its port, if it is still running.
    pub fn running_pid(&self, service: Service) -> Option<u32> {
        running_pid_on(&self.root, service, self.addr(service))
    }
}

/// `services up`.
pub fn up(here: &Here) -> Result<()> {
    fs::create_dir_all(here.dir()).context("creating .workbook/services")?;
    let mut failures = 0;
    for service in Service::ALL {
        let result = match service {
            _ if here.running_pid(service).is_none()
                && running_pid(&here.root, service).is_some() =>
            {
                Err(started_elsewhere(here, service))
            }
            Service::Consul => consul_up(here),
            Service::Redis => redis::up(here),
            Service::Nats => nats::up(here),
        };
        if let Err(err) = result {
            failures += 1;
            println!("{} {:<7} {err:#}", ui::fail_mark(), service.name());
        }
    }
    if failures > 0 {
        bail!(say(Cmd::ServicesFailed, &[("count", &failures)]));
    }
    let (down, status) = (ui::cmd("services down"), ui::cmd("services status"));
    tell(
        Cmd::ServicesStopSee,
        &[("down", &down), ("status", &status)],
    );
    // With a base port, the lessons' own defaults (8500, 6379, 4222) are not this copy's.
    if here.layout.base().is_some() {
        tell(Cmd::ServicesYourShell, &[]);
        println!("    {}", here.layout.env_lines());
    }
    Ok(())
}

/// A service this copy started before its base port changed: its pid file would be
/// overwritten, and `services down` would never find it again.
fn started_elsewhere(here: &Here, service: Service) -> anyhow::Error {
    let pid = running_pid(&here.root, service).unwrap_or_default();
    let down = ui::cmd("services down");
    anyhow::anyhow!(say(
        Cmd::StartedOnAnotherPort,
        &[("pid", &pid), ("down", &down)]
    ))
}

fn consul_up(here: &Here) -> Result<()> {
    let addr = here.addr(Service::Consul);
    // A `CONSUL_HTTP_ADDR` that names this copy's own port is the line `services up`
    // prints: the agent is started here, not someone else's.
    if let Some(value) = consul_from_env().filter(|value| env_addr(value) != Some(addr)) {
        let answers = env_addr(&value).and_then(consul_leader).is_some();
        if answers {
            let using = say(Cmd::UsingConsulAtEnv, &[("value", &value)]);
            println!("{} consul  {using}", ui::pass_mark());
            return Ok(());
        }
        bail!(unreachable::no_consul_at_env(&value));
    }
    if let Some(pid) = here.running_pid(Service::Consul) {
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
    let pid = start_detached(here, Service::Consul, command)?;
    let url = format!("http://{addr}/ui/");
    let started = say(
        Cmd::StartedAgent,
        &[("addr", &addr), ("pid", &pid), ("url", &url)],
    );
    println!("{} consul  {started}", ui::pass_mark());
    Ok(())
}

/// The command that runs the embedded agent on `addr` (this binary, `services run-agent`),
/// once nothing else holds that port.
pub fn agent_command(addr: SocketAddr) -> Result<Command> {
    if port_taken(addr) {
        bail!(say(Cmd::PortNotConsul, &[("port", &addr.port())]));
    }
    let program = std::env::current_exe().context("finding the workbook binary")?;
    let mut command = Command::new(program);
    command.args(["services", "run-agent", "--addr", &addr.to_string()]);
    Ok(command)
}

/// `services down`: stops what `up` started in this copy (its own pid files, on whatever
/// port), and only that: another clone's services, even on this copy's ports, stay.
pub fn down(here: &Here) -> Result<()> {
    for service in Service::ALL {
        let addr = here.addr(service);
        match running_pid(&here.root, service) {
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
                let _ = fs::remove_file(here.pid_file(service));
                let stopped = say(Cmd::StoppedPid, &[("pid", &pid)]);
                println!("{} {:<7} {stopped}", ui::pass_mark(), service.name());
            }
            None => {
                let _ = fs::remove_file(here.pid_file(service));
                let note = if service.answers(addr) {
                    say(Cmd::NotStartedHereLeftAlone, &[("addr", &addr)])
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
pub fn describe(here: &Here, service: Service) -> (bool, String) {
    let addr = here.addr(service);
    if service == Service::Consul
        && let Some(value) = consul_from_env().filter(|value| env_addr(value) != Some(addr))
    {
        let up = env_addr(&value).and_then(consul_leader).is_some();
        return if up {
            (true, say(Cmd::ConsulAtEnvAnswers, &[("value", &value)]))
        } else {
            (false, unreachable::no_consul_at_env(&value))
        };
    }
    let answers = service.answers(addr);
    match (here.running_pid(service), answers) {
        (Some(pid), true) => {
            let what = match service {
                Service::Consul => say(Cmd::TheEmbeddedAgent, &[]),
                Service::Redis => "redis-server".to_string(),
                Service::Nats => "nats-server".to_string(),
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
                Service::Nats if nats_has_jetstream(addr) => Cmd::NatsNotOurs,
                Service::Nats => Cmd::NatsNotOursNoJetStream,
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
pub fn status(here: &Here) -> Result<()> {
    for service in Service::ALL {
        let (up, text) = describe(here, service);
        let mark = if up { ui::pass_mark() } else { ui::todo_mark() };
        println!("{mark} {:<7} {text}", service.name());
    }
    Ok(())
}
