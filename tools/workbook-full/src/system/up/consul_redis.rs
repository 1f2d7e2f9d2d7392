//! Consul and Redis for the system: the one that answers already on the system's port
//! (or Consul at `CONSUL_HTTP_ADDR`) is used, else one is started as the lessons' are.

use std::path::Path;

use anyhow::{Result, bail};

use super::passed;
use super::plan::System;
use super::processes::{START_PATIENCE, block_until, start};
use super::record::Record;
use crate::system::probe::{consul_from_env, consul_leader, env_addr, redis_pings};
use crate::system::services::{self, Service};
use crate::system::unreachable;
use workbook_core::language::messages::{self, Cmd};

/// Finds or starts Consul; returns its base URL.
pub(super) fn consul_up(root: &Path, system: &System, record: &mut Record) -> Result<String> {
    let addr = system.layout.consul();
    // `CONSUL_HTTP_ADDR` naming this system's own port is no other agent: start it here.
    if let Some(value) = consul_from_env().filter(|value| env_addr(value) != Some(addr)) {
        if env_addr(&value).and_then(consul_leader).is_none() {
            bail!(unreachable::no_consul_at_env(&value));
        }
        passed("consul", Cmd::UsingConsulAtEnv, &[("value", &value)]);
        return consul_ext::normalise_address(&value).map_err(Into::into);
    }
    let url = format!("http://{addr}");
    if let Some(started) = record.running("consul") {
        passed(
            "consul",
            Cmd::AgentAlreadyRunning,
            &[("addr", &addr), ("pid", &started.pid)],
        );
        return Ok(url);
    }
    if consul_leader(addr).is_some() {
        passed(
            "consul",
            Cmd::AlreadyAnswersUsingIt,
            &[("which", &who_answers(root, system)), ("addr", &addr)],
        );
        return Ok(url);
    }
    let command = services::agent_command(addr)?;
    let mut child = start(system, record, "consul", command, "run-agent")?;
    let log = system.log_path("consul");
    block_until(&mut child, "consul", &log, START_PATIENCE, || {
        consul_leader(addr).is_some()
    })?;
    passed(
        "consul",
        Cmd::StartedAgent,
        &[
            ("addr", &addr),
            ("pid", &child.id()),
            ("url", &format!("{url}/ui/")),
        ],
    );
    Ok(url)
}

/// Finds or starts Redis; returns its URL.
pub(super) fn redis_up(system: &System, record: &mut Record) -> Result<String> {
    let addr = system.layout.redis();
    let url = format!("redis://{addr}");
    if let Some(started) = record.running("redis") {
        passed(
            "redis",
            Cmd::AlreadyRunningOn,
            &[("addr", &addr), ("pid", &started.pid)],
        );
        return Ok(url);
    }
    if redis_pings(addr) {
        passed("redis", Cmd::RedisAlreadyAnswers, &[("addr", &addr)]);
        return Ok(url);
    }
    let command = services::redis_server(addr, &system.dir)?;
    let mut child = start(system, record, "redis", command, "redis-server")?;
    let log = system.log_path("redis");
    block_until(&mut child, "redis", &log, START_PATIENCE, || {
        redis_pings(addr)
    })?;
    passed(
        "redis",
        Cmd::StartedRedis,
        &[("addr", &addr), ("pid", &child.id())],
    );
    Ok(url)
}

/// Who runs the Consul that answers on the system's port, when `up` did not start it:
/// `services up` of this copy, on the same port, or a stranger.
fn who_answers(root: &Path, system: &System) -> String {
    let addr = system.layout.consul();
    let who = if services::running_pid_on(root, Service::Consul, addr).is_some() {
        Cmd::AgentOfServicesUp
    } else {
        Cmd::AConsulAgent
    };
    messages::say(who, &[])
}
