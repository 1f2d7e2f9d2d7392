//! Redis, where lessons 09–10 keep their captcha codes, as `services up` starts it: the
//! system's `redis-server`, bound to loopback, keeping nothing on disk (a course's codes
//! live five minutes; nothing is worth a file).

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;

use anyhow::{Result, bail};

use super::{Here, Service, start_detached};
use crate::system::install;
use crate::system::probe::{port_taken, redis_pings};
use workbook_core::language::messages::{Cmd, say};
use workbook_core::ui;

/// `services up`'s Redis: the one this copy started, else one that already answers on its
/// port, else a new `redis-server`.
pub(super) fn up(here: &Here) -> Result<()> {
    let addr = here.addr(Service::Redis);
    if let Some(pid) = here.running_pid(Service::Redis) {
        let running = say(Cmd::AlreadyRunningOn, &[("addr", &addr), ("pid", &pid)]);
        println!("{} redis   {running}", ui::pass_mark());
        return Ok(());
    }
    if redis_pings(addr) {
        let using = say(Cmd::RedisAlreadyAnswers, &[("addr", &addr)]);
        println!("{} redis   {using}", ui::pass_mark());
        return Ok(());
    }
    let command = redis_server(addr, &here.dir())?;
    let pid = start_detached(here, Service::Redis, command)?;
    let started = say(Cmd::StartedRedis, &[("addr", &addr), ("pid", &pid)]);
    println!("{} redis   {started}", ui::pass_mark());
    Ok(())
}

/// The command that starts a `redis-server` on `addr`, keeping nothing on disk, in `dir`;
/// an error that says what to do when the port is taken or Redis is not installed.
pub fn redis_server(addr: SocketAddr, dir: &Path) -> Result<Command> {
    if port_taken(addr) {
        bail!(say(Cmd::PortNotRedis, &[("port", &addr.port())]));
    }
    if programs::find_on_path("redis-server").is_none() {
        let command = install::install_command(&[("redis-server", "redis")]);
        bail!(say(Cmd::RedisNotInstalled, &[("command", &command)]));
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
