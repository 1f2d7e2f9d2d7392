//! `up`, `status`, `down`: the whole system of lessons 09–10 in the background.
//!
//! `up` starts, in this order and each only once the one before it answers: Consul (the one
//! `CONSUL_HTTP_ADDR` names, else whatever agent answers on its port, else the embedded
//! agent), Redis (one that answers on its port, else `redis-server`), two instances of
//! lesson 09's captcha service, and lesson 10's gateway, the web page in front of them. It
//! builds the lessons' executables with one cargo invocation, runs them directly, and waits
//! until Consul calls each captcha instance passing before it starts the gateway.
//!
//! What `up` started is written down in `.workbook/system/started.json`, with every
//! process's log beside it; `status` and `down` read it. `down` stops only what `up`
//! started: SIGTERM first (a lesson server then leaves Consul by itself), SIGKILL after a
//! while, then it deregisters any instance of ours that is still in Consul.
//!
//! `--base-port N` runs another copy of the system on N..N+4 (Consul, Redis, the two
//! captcha instances, the gateway), with its own folder `.workbook/system-N/`: the tests
//! use it to stay off the ports a learner's system uses.

use std::collections::HashMap;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use consul_ext::{CheckStatus, ServiceEntry};
use serde::{Deserialize, Serialize};

use crate::common::environment;
use crate::common::ui;
use crate::learner::state::STATE_DIR;
use crate::system::probe::{
    consul_from_env, consul_leader, env_addr, http_get, port_taken, redis_pings,
};
use crate::system::services::{self, Service};

/// Lesson 09's package: the captcha service.
pub const CAPTCHA_PACKAGE: &str = "l09-captcha";
/// Lesson 10's package: the gateway, the page in front of the captcha service.
pub const GATEWAY_PACKAGE: &str = "l10-gateway";
/// The name the captcha instances register under, and the gateway looks for.
const CAPTCHA_SERVICE: &str = "captcha";

/// How long a started process may take to answer (Consul, Redis, the gateway's page).
const START_PATIENCE: Duration = Duration::from_secs(20);
/// How long a captcha instance may take until Consul's check of it passes.
const HEALTH_PATIENCE: Duration = Duration::from_secs(30);
/// How long `down` waits after SIGTERM before it sends SIGKILL. A lesson server drains
/// calls for up to 5 s (`--grace`).
const STOP_PATIENCE: Duration = Duration::from_secs(10);
/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(100);

/// The loopback ports of the system's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ports {
    pub consul: u16,
    pub redis: u16,
    pub captchas: [u16; 2],
    pub gateway: u16,
}

impl Ports {
    /// The course's own ports: Consul's and Redis's usual ones, lesson 09 on 7009 and its
    /// second instance on 7109, lesson 10 on 7010.
    pub const STANDARD: Ports = Ports {
        consul: 8500,
        redis: 6379,
        captchas: [7009, 7109],
        gateway: 7010,
    };

    /// Five ports in a row from `base`.
    pub fn from_base(base: u16) -> Result<Ports> {
        if base == 0 || base > u16::MAX - 4 {
            bail!(
                "--base-port must leave room for five ports: 1..={}",
                u16::MAX - 4
            );
        }
        Ok(Ports {
            consul: base,
            redis: base + 1,
            captchas: [base + 2, base + 3],
            gateway: base + 4,
        })
    }
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// One copy of the system: its ports and the folder of its logs and record.
pub struct System {
    pub ports: Ports,
    pub dir: PathBuf,
    /// The folder as the learner knows it: `.workbook/system`.
    shown: String,
    /// Whether this is the course's own copy, on the standard ports (`services up` may
    /// have started its Consul and Redis).
    standard: bool,
}

impl System {
    pub fn new(root: &Path, base_port: Option<u16>) -> Result<System> {
        let (ports, folder, standard) = match base_port {
            None => (Ports::STANDARD, "system".to_string(), true),
            Some(base) => (Ports::from_base(base)?, format!("system-{base}"), false),
        };
        Ok(System {
            ports,
            dir: root.join(STATE_DIR).join(&folder),
            shown: format!("{STATE_DIR}/{folder}"),
            standard,
        })
    }

    fn record_path(&self) -> PathBuf {
        self.dir.join("started.json")
    }

    fn log_path(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.log"))
    }

    /// The flag that names this copy in a command, for messages: `` or ` --base-port N`.
    fn flag(&self) -> String {
        if self.standard {
            String::new()
        } else {
            format!(" --base-port {}", self.ports.consul)
        }
    }
}

/// What `up` started and where the system's Consul and Redis are.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Record {
    /// The base URL of the Consul the lesson servers register in.
    consul_url: String,
    redis_url: String,
    started: Vec<Started>,
}

/// A process `up` started.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Started {
    /// `consul`, `redis`, `captcha-1`, `captcha-2`, `gateway`.
    name: String,
    pid: u32,
    /// What its command line contains, to tell it from a stranger that got its pid later.
    marker: String,
}

impl Started {
    fn is_alive(&self) -> bool {
        services::is_alive(self.pid, &self.marker)
    }
}

impl Record {
    fn load(system: &System) -> Option<Record> {
        let text = fs::read_to_string(system.record_path()).ok()?;
        serde_json::from_str(&text).ok()
    }

    fn save(&self, system: &System) -> Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        fs::write(system.record_path(), text).context("writing .workbook's record of `up`")
    }

    fn running(&self, name: &str) -> Option<&Started> {
        self.started
            .iter()
            .find(|started| started.name == name && started.is_alive())
    }

    /// Writes down a process as soon as it runs, so that `down` finds it even if `up`
    /// fails later.
    fn add(&mut self, system: &System, started: Started) -> Result<()> {
        self.started.retain(|known| known.name != started.name);
        self.started.push(started);
        self.save(system)
    }
}

/// Whether lesson 10 is in the workspace yet.
pub fn gateway_exists(root: &Path) -> bool {
    root.join("lessons/10-gateway/Cargo.toml").is_file()
}

/// A line of `up`'s, `status`'s or `down`'s report: a mark, the part's name, the text.
fn say(mark: String, name: &str, text: &str) {
    println!("{mark} {name:<9} {text}");
}

/// For `doctor`: the process of the course's own system that `up` started on `port`, if
/// it runs.
pub fn started_on(root: &Path, port: u16) -> Option<String> {
    let system = System::new(root, None).ok()?;
    let ports = system.ports;
    let name = match port {
        _ if port == ports.captchas[0] => "captcha-1",
        _ if port == ports.captchas[1] => "captcha-2",
        _ if port == ports.gateway => "gateway",
        _ => return None,
    };
    let record = Record::load(&system)?;
    let started = record.running(name)?;
    Some(format!("{name}, started by `up` (pid {})", started.pid))
}

// ---------------------------------------------------------------------------------------
// up

/// `up`: starts what is not running yet, waits until each part answers or passes its
/// health check, and prints the page's address.
pub async fn up(root: &Path, base_port: Option<u16>, solution: bool) -> Result<()> {
    let system = System::new(root, base_port)?;
    fs::create_dir_all(&system.dir)
        .with_context(|| format!("creating {}", system.dir.display()))?;
    let mut record = Record::load(&system).unwrap_or_default();
    record.started.retain(Started::is_alive);

    let consul_url = consul_up(root, &system, &mut record)?;
    let redis_url = redis_up(&system, &mut record)?;
    record.consul_url = consul_url.clone();
    record.redis_url = redis_url.clone();
    record.save(&system)?;

    let with_gateway = gateway_exists(root);
    let mut packages = vec![CAPTCHA_PACKAGE];
    if with_gateway {
        packages.push(GATEWAY_PACKAGE);
    }
    let executables = build(root, &packages, solution)?;
    let lesson_env = [("CONSUL_HTTP_ADDR", &consul_url), ("REDIS_URL", &redis_url)];

    // Both captcha instances start at once, then each is waited for.
    let mut waiting = Vec::new();
    for (index, port) in system.ports.captchas.into_iter().enumerate() {
        let name = format!("captcha-{}", index + 1);
        let addr = loopback(port);
        if let Some(started) = record.running(&name) {
            say(
                ui::pass_mark(),
                &name,
                &format!("already running on {addr} (pid {})", started.pid),
            );
            continue;
        }
        let child = start_lesson(
            &system,
            &mut record,
            &name,
            &executables[CAPTCHA_PACKAGE],
            addr,
            &lesson_env,
        )?;
        waiting.push((name, addr, child));
    }
    for (name, addr, mut child) in waiting {
        let log = system.log_path(&name);
        wait_until(&mut child, &name, &log, HEALTH_PATIENCE, || {
            passing_in_consul(&consul_url, CAPTCHA_SERVICE, addr.port())
        })
        .await?;
        say(
            ui::pass_mark(),
            &name,
            &format!(
                "{addr}, passing in Consul as `{CAPTCHA_SERVICE}` (pid {})",
                child.id()
            ),
        );
    }

    let addr = loopback(system.ports.gateway);
    let page = format!("http://{addr}/");
    if !with_gateway {
        say(
            ui::yellow("!"),
            "gateway",
            "lesson 10 is not in the workspace yet (no lessons/10-gateway/Cargo.toml): \
             started everything else",
        );
    } else if let Some(started) = record.running("gateway") {
        say(
            ui::pass_mark(),
            "gateway",
            &format!("already running on {page} (pid {})", started.pid),
        );
    } else {
        let mut child = start_lesson(
            &system,
            &mut record,
            "gateway",
            &executables[GATEWAY_PACKAGE],
            addr,
            &lesson_env,
        )?;
        let log = system.log_path("gateway");
        wait_until(&mut child, "gateway", &log, START_PATIENCE, || async move {
            http_get(addr, "/").is_some()
        })
        .await?;
        say(
            ui::pass_mark(),
            "gateway",
            &format!("{page} answers (pid {})", child.id()),
        );
    }

    println!();
    if with_gateway {
        println!("  The page: {}", ui::bold(&page));
    }
    println!(
        "  Logs in {}; see the system with {}, stop it with {}",
        system.shown,
        ui::cmd(&format!("status{}", system.flag())),
        ui::cmd(&format!("down{}", system.flag()))
    );
    Ok(())
}

/// Finds or starts Consul; returns its base URL.
fn consul_up(root: &Path, system: &System, record: &mut Record) -> Result<String> {
    if let Some(value) = consul_from_env() {
        if env_addr(&value).and_then(consul_leader).is_none() {
            bail!(
                "CONSUL_HTTP_ADDR is {value}, but no Consul answers there: start it, or unset \
                 CONSUL_HTTP_ADDR to use the embedded agent"
            );
        }
        say(
            ui::pass_mark(),
            "consul",
            &format!("using the Consul at {value} (CONSUL_HTTP_ADDR)"),
        );
        return consul_ext::normalise_address(&value).map_err(Into::into);
    }
    let addr = loopback(system.ports.consul);
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
            &format!(
                "{} already answers on {addr}; using it",
                who_answers(root, system, Service::Consul)
            ),
        );
        return Ok(url);
    }
    if port_taken(addr) {
        bail!(
            "port {} is taken by something that is not Consul",
            addr.port()
        );
    }
    let program = std::env::current_exe().context("finding the workbook binary")?;
    let mut command = Command::new(program);
    command.args(["services", "run-agent", "--addr", &addr.to_string()]);
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
fn redis_up(system: &System, record: &mut Record) -> Result<String> {
    let addr = loopback(system.ports.redis);
    let url = format!("redis://{addr}");
    if let Some(started) = record.running("redis") {
        say(
            ui::pass_mark(),
            "redis",
            &format!("already running on {addr} (pid {})", started.pid),
        );
        return Ok(url);
    }
    if redis_pings(addr) {
        say(
            ui::pass_mark(),
            "redis",
            &format!("a Redis server already answers on {addr}; using it"),
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
        &format!("started redis-server on {addr} (pid {})", child.id()),
    );
    Ok(url)
}

/// Who runs the Consul or Redis that answers on the standard ports, when `up` did not
/// start it.
fn who_answers(root: &Path, system: &System, service: Service) -> &'static str {
    let by_services_up = system.standard && services::running_pid(root, service).is_some();
    match service {
        Service::Consul if by_services_up => "the embedded agent started by `services up`",
        Service::Consul => "a Consul agent",
        Service::Redis if by_services_up => "the redis-server started by `services up`",
        Service::Redis => "a Redis server",
    }
}

/// Builds the packages' executables with one `cargo build`, as a shell would run it (so
/// that it shares every build with the learner's own cargo commands); with `solution`,
/// with the reference answers switched in, as `cargo test --workspace --all-features`
/// builds them. Returns each package's executable.
fn build(root: &Path, packages: &[&str], solution: bool) -> Result<HashMap<String, PathBuf>> {
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
    let answers = if solution {
        "the reference answers (--mine: yours)"
    } else {
        "your answers"
    };
    println!("  building {} with {answers} ...", packages.join(", "));
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
            "the build of {} failed (cargo's messages are above)",
            packages.join(", ")
        );
    }
    for package in packages {
        if !executables.contains_key(*package) {
            bail!("cargo built no executable named {package}");
        }
    }
    Ok(executables)
}

/// Starts a lesson's server on `addr`, with the system's Consul and Redis.
fn start_lesson(
    system: &System,
    record: &mut Record,
    name: &str,
    executable: &Path,
    addr: SocketAddr,
    env: &[(&str, &String)],
) -> Result<Child> {
    if port_taken(addr) {
        bail!(
            "port {} is taken (by a server of yours? `ss -ltnp 'sport = :{}'` shows what)",
            addr.port(),
            addr.port()
        );
    }
    let mut command = Command::new(executable);
    command.args(["server", "--addr", &addr.to_string()]);
    for (variable, value) in env {
        command.env(variable, value);
    }
    let marker = executable
        .file_name()
        .map(|file| file.to_string_lossy().into_owned())
        .unwrap_or_default();
    start(system, record, name, command, &marker)
}

/// Starts `command` in the background: in its own process group (Ctrl-C in this
/// terminal does not reach it), with a shell's environment, no terminal input, its
/// output in `<name>.log`, and written down in the record.
fn start(
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
async fn wait_until<F, Ready>(
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
fn block_until(
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

fn check_still_running(
    child: &mut Child,
    name: &str,
    log: &Path,
    deadline: Instant,
    patience: Duration,
) -> Result<()> {
    if let Ok(Some(status)) = child.try_wait() {
        bail!(
            "{name} stopped at once ({status}); the end of its log:\n{}",
            ui::indent(&log_tail(log, 10), "    ")
        );
    }
    if Instant::now() >= deadline {
        bail!(
            "{name} was not ready within {} s; see {} (`down` stops what was started)",
            patience.as_secs(),
            log.display()
        );
    }
    Ok(())
}

fn log_tail(log: &Path, lines: usize) -> String {
    let text = fs::read_to_string(log).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Whether Consul hands out the instance of `service` on `port` as healthy.
async fn passing_in_consul(consul_url: &str, service: &str, port: u16) -> bool {
    consul_ext::healthy_instances(consul_url, service, None)
        .await
        .is_ok_and(|entries| entries.iter().any(|entry| entry.service.port == port))
}

// ---------------------------------------------------------------------------------------
// status

/// Every instance of `service` Consul knows, passing or not, with its worst check.
fn instances_in_consul(consul_url: &str, service: &str) -> Option<Vec<ServiceEntry>> {
    let addr = env_addr(consul_url)?;
    match http_get(addr, &format!("/v1/health/service/{service}"))? {
        (200, body) => serde_json::from_str(&body).ok(),
        _ => None,
    }
}

/// The health Consul gives the instance of `service` on `port`: its worst check.
fn health_in_consul(consul_url: &str, service: &str, port: u16) -> Option<(String, CheckStatus)> {
    let entries = instances_in_consul(consul_url, service)?;
    let entry = entries
        .into_iter()
        .find(|entry| entry.service.port == port)?;
    let worst = entry
        .checks
        .iter()
        .map(|check| check.status)
        .max_by_key(|status| match status {
            CheckStatus::Passing => 0,
            CheckStatus::Warning => 1,
            CheckStatus::Critical => 2,
        })
        .unwrap_or(CheckStatus::Passing);
    Some((entry.service.id, worst))
}

fn status_word(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Passing => "passing",
        CheckStatus::Warning => "warning",
        CheckStatus::Critical => "critical",
    }
}

/// What `status` says of a process `up` started: `pid N`, or that it is gone.
fn process_note(record: &Record, name: &str) -> (bool, String) {
    match record.started.iter().find(|started| started.name == name) {
        Some(started) if started.is_alive() => (true, format!("pid {} alive", started.pid)),
        Some(started) => (false, format!("pid {} NOT running", started.pid)),
        None => (true, "not started by `up`".to_string()),
    }
}

/// `status`: each part, its health from Consul, and whether each process `up` started is
/// alive. `Ok(false)` when some part is not up.
pub fn status(root: &Path, base_port: Option<u16>) -> Result<bool> {
    let system = System::new(root, base_port)?;
    let Some(record) = Record::load(&system) else {
        println!(
            "{} nothing started by {} here (no {}/started.json)",
            ui::todo_mark(),
            ui::cmd(&format!("up{}", system.flag())),
            system.shown
        );
        return Ok(false);
    };
    let mut all_up = true;
    let mut show = |up: bool, name: &str, text: String| {
        all_up &= up;
        let mark = if up { ui::pass_mark() } else { ui::fail_mark() };
        say(mark, name, &text);
    };

    let consul_answers = env_addr(&record.consul_url)
        .and_then(consul_leader)
        .is_some();
    let (alive, note) = process_note(&record, "consul");
    let what = if consul_answers {
        "answers"
    } else {
        "does not answer"
    };
    show(
        consul_answers && alive,
        "consul",
        format!("{}  {what}  ({note})", record.consul_url),
    );

    let redis_answers = record
        .redis_url
        .strip_prefix("redis://")
        .and_then(|addr| addr.parse().ok())
        .is_some_and(redis_pings);
    let (alive, note) = process_note(&record, "redis");
    let what = if redis_answers {
        "answers"
    } else {
        "does not answer"
    };
    show(
        redis_answers && alive,
        "redis",
        format!("{}  {what}  ({note})", record.redis_url),
    );

    for (index, port) in system.ports.captchas.into_iter().enumerate() {
        let name = format!("captcha-{}", index + 1);
        let (alive, note) = process_note(&record, &name);
        let (passing, health) = match health_in_consul(&record.consul_url, CAPTCHA_SERVICE, port) {
            Some((id, status)) => (
                status == CheckStatus::Passing,
                format!("{} in Consul as {id}", status_word(status)),
            ),
            None => (false, "not registered in Consul".to_string()),
        };
        show(
            passing && alive,
            &name,
            format!("{}  {health}  ({note})", loopback(port)),
        );
    }

    let addr = loopback(system.ports.gateway);
    if record
        .started
        .iter()
        .any(|started| started.name == "gateway")
    {
        let (alive, note) = process_note(&record, "gateway");
        let answers = http_get(addr, "/").is_some();
        let what = if answers {
            "answers"
        } else {
            "does not answer"
        };
        show(
            answers && alive,
            "gateway",
            format!("http://{addr}/  {what}  ({note})"),
        );
    } else if gateway_exists(root) {
        show(false, "gateway", format!("http://{addr}/  not started"));
    } else {
        say(
            ui::yellow("!"),
            "gateway",
            "lesson 10 is not in the workspace yet",
        );
    }
    Ok(all_up)
}

// ---------------------------------------------------------------------------------------
// down

/// `down`: stops what `up` started, the lesson servers first (SIGTERM, SIGKILL after
/// [`STOP_PATIENCE`]), deregisters what they left in Consul, then Redis and Consul.
pub fn down(root: &Path, base_port: Option<u16>) -> Result<()> {
    let system = System::new(root, base_port)?;
    let Some(record) = Record::load(&system) else {
        println!(
            "{} nothing started by {} here (no {}/started.json)",
            ui::todo_mark(),
            ui::cmd(&format!("up{}", system.flag())),
            system.shown
        );
        return Ok(());
    };
    for name in ["gateway", "captcha-2", "captcha-1"] {
        stop(&record, name);
    }
    deregister_leftovers(&system, &record);
    for name in ["redis", "consul"] {
        stop(&record, name);
    }
    fs::remove_file(system.record_path()).context("removing the record of `up`")?;
    println!("  Their logs stay in {}", system.shown);
    Ok(())
}

/// Stops the process `up` started as `name`, if it still runs.
fn stop(record: &Record, name: &str) {
    let Some(started) = record.started.iter().find(|started| started.name == name) else {
        if matches!(name, "consul" | "redis") {
            say(ui::todo_mark(), name, "not started by `up`: left alone");
        }
        return;
    };
    if !started.is_alive() {
        say(
            ui::todo_mark(),
            name,
            &format!("pid {} had already stopped", started.pid),
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
            &format!(
                "killed (pid {pid}): it did not stop within {} s of SIGTERM",
                STOP_PATIENCE.as_secs()
            ),
        );
    } else {
        say(ui::pass_mark(), name, &format!("stopped (pid {pid})"));
    }
}

/// Deregisters the captcha instances on this system's ports that are still registered
/// with the agent (a server killed before it could leave). The gateway registers nothing.
fn deregister_leftovers(system: &System, record: &Record) {
    let Some(addr) = env_addr(&record.consul_url) else {
        return;
    };
    let Some((200, body)) = http_get(addr, "/v1/agent/services") else {
        return;
    };
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct AgentService {
        #[serde(rename = "ID")]
        id: String,
        service: String,
        port: u16,
    }
    let Ok(services) = serde_json::from_str::<HashMap<String, AgentService>>(&body) else {
        return;
    };
    for service in services.values() {
        if service.service != CAPTCHA_SERVICE || !system.ports.captchas.contains(&service.port) {
            continue;
        }
        let path = format!("/v1/agent/service/deregister/{}", service.id);
        let done = http_put(addr, &path).is_some_and(|status| status == 200);
        let text = if done {
            format!("deregistered {} (it had not left Consul)", service.id)
        } else {
            format!("could not deregister {}", service.id)
        };
        let mark = if done {
            ui::pass_mark()
        } else {
            ui::fail_mark()
        };
        say(mark, &service.service, &text);
    }
}

/// A bodiless HTTP/1.0 PUT; the answer's status.
fn http_put(addr: SocketAddr, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_millis(300)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        stream,
        "PUT {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut status_line = String::new();
    BufReader::new(stream).read_line(&mut status_line).ok()?;
    status_line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_port_gives_five_ports_in_a_row() {
        let ports = Ports::from_base(20000).unwrap();
        assert_eq!(
            ports,
            Ports {
                consul: 20000,
                redis: 20001,
                captchas: [20002, 20003],
                gateway: 20004,
            }
        );
        assert!(Ports::from_base(u16::MAX - 3).is_err());
        assert!(Ports::from_base(0).is_err());
    }

    #[test]
    fn each_copy_has_its_own_folder() {
        let root = Path::new("/course");
        let standard = System::new(root, None).unwrap();
        assert_eq!(standard.dir, Path::new("/course/.workbook/system"));
        assert_eq!(standard.ports, Ports::STANDARD);
        let other = System::new(root, Some(20000)).unwrap();
        assert_eq!(other.dir, Path::new("/course/.workbook/system-20000"));
        assert_eq!(other.flag(), " --base-port 20000");
    }
}
