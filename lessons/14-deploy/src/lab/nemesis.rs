//! The nemesis: faults of the network between the hosts, made and undone on purpose.
//!
//! `docker stop` can take a host away, but nothing in `docker` cuts the link between two
//! hosts that both keep running, and that is the fault a cluster finds hardest: each side
//! sees the other as gone, and each must decide alone whether it may still act. So the
//! nemesis changes each host's own network, as root of the host can (the lab's containers
//! have NET_ADMIN for it), with iproute2:
//!
//! - `partition`: on each side, a *blackhole route* to every address of the other side
//!   (`ip route add blackhole 10.14.0.13/32`): what a host sends there is dropped, by both
//!   sides, so nothing crosses. Names still resolve, because Docker's DNS answers at
//!   `127.0.0.11`, inside each host, not at an address of the lab.
//! - `slow`: a queueing discipline that holds every packet the host sends for a while
//!   (`tc qdisc replace dev eth0 root netem delay 200ms`). It needs the kernel's netem.
//! - `heal`: removes every blackhole route and every netem discipline.
//!
//! Each fault is written down in the journal ([`Fault`](crate::history::Fault)) when it begins, and marked ended
//! when `heal` undoes it, so a load that runs meanwhile can tell which of its calls fell
//! in which fault.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, SystemTime};

use anyhow::{Context, bail};

use super::docker::{Docker, describe, output, run};
use super::hosts::{HOST_NAMES, Host, known, named_by_address};
use crate::history;

/// The network interface of a host on the lab's network (its only one).
const INTERFACE: &str = "eth0";

/// What `tc` says when the kernel has no netem.
const NO_NETEM: [&str; 2] = ["Specified qdisc kind is unknown", "Unknown qdisc"];

// ANCHOR: partition
/// Cuts `names` off from the lab's other hosts: each side drops what it sends to the other.
pub fn partition(
    docker: &Docker,
    hosts: &[Host],
    names: &[String],
    journal: &Path,
) -> anyhow::Result<String> {
    let cut_off = sides(names)?;
    let rest: Vec<&str> = HOST_NAMES
        .iter()
        .copied()
        .filter(|name| !cut_off.contains(name))
        .collect();
    // The hosts cut off must be running: a partition of a stopped host would be undone
    // the moment it starts again. On the other side, a stopped host sends and receives
    // nothing, so it has no link to cut (a kill is a fault of its own). Every end of every
    // link is found first, so that a refusal comes before anything has changed.
    for name in &cut_off {
        running(hosts, name)?;
    }
    let is_up = |name: &str| hosts.iter().any(|host| host.name == name && host.running);
    let mut routes = Vec::new();
    for (here, there) in links_between(&cut_off, &rest) {
        if is_up(here) && is_up(there) {
            routes.push((running(hosts, here)?, address_of(hosts, there)?));
        }
    }
    for (host, address) in routes {
        // `replace`, not `add`: cutting a link that is cut already changes nothing.
        let blackhole = format!("{address}/32");
        exec(
            docker,
            host,
            &["ip", "route", "replace", "blackhole", &blackhole],
        )?;
    }
    let what = format!("partition {}", cut_off.join(" "));
    history::begin_fault(journal, &what)?;
    Ok(format!(
        "partitioned {} from {} (packets between them are dropped; heal undoes it)",
        cut_off.join(", "),
        rest.join(", ")
    ))
}
// ANCHOR_END: partition

/// The hosts named, checked: known, at least one, and not every host (there must be an
/// other side). In the lab's order, each once.
fn sides(names: &[String]) -> anyhow::Result<Vec<&'static str>> {
    if names.is_empty() {
        bail!(
            "name the hosts to cut off from the others (the lab's hosts are {})",
            HOST_NAMES.join(", ")
        )
    }
    let mut named = BTreeSet::new();
    for name in names {
        named.insert(known(name)?);
    }
    if named.len() == HOST_NAMES.len() {
        bail!(
            "cannot partition {}: that is every host, so there is nothing to cut them off \
             from (name one or two of them)",
            HOST_NAMES.join(", ")
        )
    }
    Ok(HOST_NAMES
        .iter()
        .copied()
        .filter(|name| named.contains(name))
        .collect())
}

/// Every (host, other host) pair across the cut, in both directions: a link is cut only
/// when neither end sends through it.
fn links_between<'a>(one: &[&'a str], other: &[&'a str]) -> Vec<(&'a str, &'a str)> {
    let mut links = Vec::new();
    for a in one {
        for b in other {
            links.push((*a, *b));
            links.push((*b, *a));
        }
    }
    links
}

// ANCHOR: slow
/// Holds every packet `name` sends for `delay` before it leaves.
pub fn slow(
    docker: &Docker,
    hosts: &[Host],
    name: &str,
    delay: Duration,
    journal: &Path,
) -> anyhow::Result<String> {
    let name = known(name)?;
    if delay.is_zero() {
        bail!("a delay of 0 slows nothing: give one such as 200ms")
    }
    let host = running(hosts, name)?;
    let delay_text = tc_time(delay);
    let netem = [
        "tc", "qdisc", "replace", "dev", INTERFACE, "root", "netem", "delay",
    ];
    let mut command = docker.docker();
    command
        .args(["exec", &host.container])
        .args(netem)
        .arg(&delay_text);
    let out = output(&mut command).with_context(|| format!("cannot run {}", describe(&command)))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr);
        if NO_NETEM.iter().any(|words| said.contains(words)) {
            bail!(
                "cannot slow {name}: this machine's kernel has no netem, the queueing \
                 discipline `tc` delays packets with (`modprobe sch_netem` on the Docker host, \
                 where the kernel has it as a module); partition and heal work without it"
            )
        }
        bail!("{}", super::docker::failure(&command, &out))
    }
    history::begin_fault(journal, &format!("slow {name} {delay_text}"))?;
    Ok(format!(
        "slowed {name}: every packet it sends waits {delay_text} (heal undoes it)"
    ))
}
// ANCHOR_END: slow

/// A delay as `tc` reads it: `200ms`, or `500us` below a millisecond.
fn tc_time(delay: Duration) -> String {
    if delay.subsec_micros().is_multiple_of(1000) {
        format!("{}ms", delay.as_millis())
    } else {
        format!("{}us", delay.as_micros())
    }
}

// ANCHOR: heal
/// Removes every blackhole route and every netem discipline from every running host.
pub fn heal(docker: &Docker, hosts: &[Host], journal: &Path) -> anyhow::Result<String> {
    let mut undone = Vec::new();
    for host in hosts.iter().filter(|host| host.running) {
        let cut = blackholes(docker, host)?;
        for address in &cut {
            exec(docker, host, &["ip", "route", "del", "blackhole", address])?;
        }
        if !cut.is_empty() {
            let others: Vec<&str> = cut
                .iter()
                .map(|address| named_by_address(hosts, address).unwrap_or(address))
                .collect();
            undone.push(format!(
                "{} no longer drops packets to {}",
                host.name,
                others.join(", ")
            ));
        }
        if let Some(delay) = delay(docker, host)? {
            exec(
                docker,
                host,
                &["tc", "qdisc", "del", "dev", INTERFACE, "root"],
            )?;
            undone.push(format!(
                "{} no longer delays its packets by {delay}",
                host.name
            ));
        }
    }
    let closed = history::close_open_faults(journal, history::unix_ms(SystemTime::now()))?;
    if undone.is_empty() && closed == 0 {
        return Ok("nothing to heal".to_string());
    }
    if undone.is_empty() {
        return Ok(format!(
            "nothing to heal on the hosts; {closed} fault(s) marked ended in the journal"
        ));
    }
    Ok(format!("healed: {}", undone.join("; ")))
}
// ANCHOR_END: heal

/// The addresses `host` has a blackhole route to (`ip route show type blackhole` prints
/// `blackhole 10.14.0.13`).
pub fn blackholes(docker: &Docker, host: &Host) -> anyhow::Result<Vec<String>> {
    let routes = exec(docker, host, &["ip", "route", "show", "type", "blackhole"])?;
    Ok(routes
        .lines()
        .filter_map(|line| line.split_whitespace().nth(1))
        .map(|address| address.trim_end_matches("/32").to_string())
        .collect())
}

/// The delay netem adds to what `host` sends, if any (`tc qdisc show` prints
/// `qdisc netem 8001: root refcnt 2 limit 1000 delay 200ms`).
pub fn delay(docker: &Docker, host: &Host) -> anyhow::Result<Option<String>> {
    let qdiscs = exec(docker, host, &["tc", "qdisc", "show", "dev", INTERFACE])?;
    Ok(qdiscs
        .lines()
        .filter(|line| line.split_whitespace().nth(1) == Some("netem"))
        .find_map(|line| {
            let mut words = line.split_whitespace().skip_while(|word| *word != "delay");
            words.nth(1).map(str::to_string)
        }))
}

/// Runs `command` inside `host`; what it printed.
fn exec(docker: &Docker, host: &Host, command: &[&str]) -> anyhow::Result<String> {
    let mut exec = docker.docker();
    exec.args(["exec", &host.container]).args(command);
    run(&mut exec)
}

fn running<'a>(hosts: &'a [Host], name: &str) -> anyhow::Result<&'a Host> {
    match hosts.iter().find(|host| host.name == name) {
        Some(host) if host.running => Ok(host),
        Some(_) => bail!(
            "{name} is stopped, and the nemesis changes running hosts only (`down`, then `up`, \
             makes the lab anew)"
        ),
        None => bail!("{name} is missing from the lab (take the lab down and up)"),
    }
}

fn address_of<'a>(hosts: &'a [Host], name: &str) -> anyhow::Result<&'a str> {
    match running(hosts, name)?.address.as_deref() {
        Some(address) => Ok(address),
        None => bail!("{name} has no address on the lab's network"),
    }
}

#[cfg(test)]
mod tests;
