//! NATS, lesson 12's broker, as `services up` starts it: the system's `nats-server` (Debian
//! puts it in /usr/sbin, off a user's PATH: the `programs` finder looks there too), bound to
//! loopback, with JetStream on, since the lesson's durable subscribers keep their place in
//! a JetStream stream, and its store in this copy's `.workbook/services/nats/`.
//!
//! A copy without `nats-server` still gets Consul and Redis: only lesson 12 needs NATS, so
//! `up` says what to install and goes on.

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;

use anyhow::{Result, bail};

use super::{Here, Service, start_detached};
use crate::system::install;
use crate::system::probe::{nats_answers, nats_has_jetstream, port_taken};
use workbook_core::language::messages::{Cmd, say};
use workbook_core::ui;

/// `services up`'s NATS: the one this copy started, else one that already answers on its
/// port, else a new `nats-server`.
pub(super) fn up(here: &Here) -> Result<()> {
    let addr = here.addr(Service::Nats);
    if let Some(pid) = here.running_pid(Service::Nats) {
        let running = say(Cmd::AlreadyRunningOn, &[("addr", &addr), ("pid", &pid)]);
        println!("{} nats    {running}", ui::pass_mark());
        return Ok(());
    }
    if nats_answers(addr) {
        let using = if nats_has_jetstream(addr) {
            say(Cmd::NatsAlreadyAnswers, &[("addr", &addr)])
        } else {
            say(Cmd::NatsAnswersWithoutJetStream, &[("addr", &addr)])
        };
        println!("{} nats    {using}", ui::pass_mark());
        return Ok(());
    }
    // A `NATS_SERVER` that names no file is no nats-server either.
    let Some(program) = programs::find_nats_server().filter(|path| path.is_file()) else {
        let command = install::install_command(&[("nats-server", "nats-server")]);
        let missing = say(Cmd::NatsNotInstalled, &[("command", &command)]);
        println!("{} nats    {missing}", ui::yellow("!"));
        return Ok(());
    };
    let store = here.dir().join("nats");
    let command = nats_server(&program, addr, Some(here.layout.nats_monitor()), &store)?;
    let pid = start_detached(here, Service::Nats, command)?;
    let started = say(
        Cmd::StartedNats,
        &[("addr", &addr), ("pid", &pid), ("store", &store.display())],
    );
    println!("{} nats    {started}", ui::pass_mark());
    Ok(())
}

/// The command that runs `program` (a `nats-server`) on `addr` with JetStream on and its
/// store in `store`, once nothing else holds that port; with `monitor`, its monitoring port
/// there too (`-m`, on `addr`'s host: chapter 12 reads `/jsz` on it), unless something
/// holds that one: NATS then starts without it rather than not at all.
pub fn nats_server(
    program: &Path,
    addr: SocketAddr,
    monitor: Option<SocketAddr>,
    store: &Path,
) -> Result<Command> {
    if port_taken(addr) {
        bail!(say(Cmd::PortNotNats, &[("port", &addr.port())]));
    }
    let mut command = Command::new(program);
    command
        .args(["-a", &addr.ip().to_string()])
        .args(["-p", &addr.port().to_string()])
        .arg("-js")
        .arg("-sd")
        .arg(store);
    if let Some(monitor) = monitor.filter(|monitor| !port_taken(*monitor)) {
        command.args(["-m", &monitor.port().to_string()]);
    }
    Ok(command)
}
