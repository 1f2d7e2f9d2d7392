//! The faults Docker makes: a host killed or stopped by hand, and started again.
//!
//! The nemesis writes down what it does, but a learner also takes hosts away with Compose
//! itself (`docker compose kill host-b`, `stop`, `start`), and no program of the lesson's
//! is there to write it down. Docker does, though: its daemon publishes an event for everything
//! that happens to a container (`docker events`), among them `die` when a container's
//! process ends and `start` when it runs again. A host is down from its `die` to its next
//! `start`, and that is a fault like the nemesis's, for the same report.
//!
//! The daemon keeps only its latest events (256 in Docker 20.10), of every kind, and each
//! `docker exec` makes three of them; so the events of a run may be gone when its history is
//! read again later. Then the answer is an error, not "no host went down": the oldest event
//! the daemon still holds says whether it still holds the whole run.

use std::collections::HashMap;
use std::time::SystemTime;

use anyhow::{Context as _, bail};
use serde::Deserialize;

use super::Lab;
use super::docker::{Docker, run};
use crate::history::{Fault, unix_ms};

/// The label Compose puts on each container: which service of the Compose file it is.
const SERVICE_LABEL: &str = "com.docker.compose.service";

/// One line of `docker events --format '{{json .}}'`: the fields read here, of many.
#[derive(Debug, Deserialize)]
struct Event {
    /// When it happened, in nanoseconds since the Unix epoch.
    #[serde(rename = "timeNano")]
    time_nano: u64,
    /// What happened: `die`, `start`…
    #[serde(rename = "Action")]
    action: String,
    /// The container it happened to: its labels, and for `die` its `exitCode`.
    #[serde(rename = "Actor", default)]
    actor: Actor,
}

#[derive(Debug, Default, Deserialize)]
struct Actor {
    /// The container's id: a lab brought up again has hosts of the same names in new
    /// containers, and an earlier lab's events are no part of this one's history.
    #[serde(rename = "ID", default)]
    id: String,
    #[serde(rename = "Attributes", default)]
    attributes: HashMap<String, String>,
}

impl Event {
    fn unix_ms(&self) -> u64 {
        self.time_nano / 1_000_000
    }

    /// The Compose service of the container: the host's name, `host-b`.
    fn host(&self) -> Option<&str> {
        self.actor.attributes.get(SERVICE_LABEL).map(String::as_str)
    }

    fn exit_code(&self) -> Option<i32> {
        self.actor.attributes.get("exitCode")?.parse().ok()
    }
}

impl Lab {
    // ANCHOR: container_faults
    /// The hosts of this lab that Docker saw down between `from_unix_ms` and `to_unix_ms`,
    /// as faults: `kill host-b` from its `die` to its next `start` (`None` if it has not
    /// started again). Only the events of `containers` count, when they are given: those of
    /// the lab the load called. An error when Docker cannot be asked, or no longer holds the
    /// events of that time.
    pub fn container_faults(
        &self,
        from_unix_ms: u64,
        to_unix_ms: u64,
        containers: &[String],
    ) -> anyhow::Result<Vec<Fault>> {
        let project = self.project()?;
        let docker = self.docker()?;
        // An `--until` still to come would make `docker events` wait for it.
        let until = seconds(to_unix_ms.min(unix_ms(SystemTime::now())));
        // `--since 0`, everything the daemon still holds: a host that died before
        // `from_unix_ms` and was still down then is a fault of this time too.
        let mut events = docker.docker();
        events
            .args(["events", "--since", "0", "--until", &until])
            .args(["--filter", "type=container", "--filter"])
            .arg(format!("label=com.docker.compose.project={project}"))
            .args(["--filter", "event=die", "--filter", "event=start"])
            .args(["--format", "{{json .}}"]);
        let mut events = parse(&run(&mut events)?)?;
        events.retain(|event| containers.is_empty() || containers.contains(&event.actor.id));

        // Asked after the events, so that an event dropped in between counts as gone.
        let held_from = oldest_event(docker, &until)?;
        if held_from.is_none_or(|oldest| oldest > from_unix_ms) {
            bail!(
                "Docker keeps only its latest events (256 in Docker 20.10), and those of that \
                 time are gone"
            )
        }

        let faults = hosts_down(&events)
            .into_iter()
            .filter(|fault| fault.from_unix_ms < to_unix_ms)
            .filter(|fault| fault.to_unix_ms.is_none_or(|to| to > from_unix_ms))
            .collect();
        Ok(faults)
    }
    // ANCHOR_END: container_faults
}

/// When the oldest event the daemon still holds, of any kind, happened (Unix milliseconds);
/// `None` when it holds none up to `until`.
fn oldest_event(docker: &Docker, until: &str) -> anyhow::Result<Option<u64>> {
    let mut events = docker.docker();
    events
        .args(["events", "--since", "0", "--until", until])
        .args(["--format", "{{.TimeNano}}"]);
    let times = run(&mut events)?;
    let first = times.lines().next().map(str::trim);
    let nanos = first.map(|time| time.parse::<u64>()).transpose();
    let nanos = nanos.with_context(|| format!("not a time of `docker events`: {first:?}"))?;
    Ok(nanos.map(|nanos| nanos / 1_000_000))
}

/// Each host's `die` paired with its next `start`: the time it was down. A `start` with no
/// `die` before it is a host coming up for the first time; a `die` with no `start` after it,
/// a host still down.
fn hosts_down(events: &[Event]) -> Vec<Fault> {
    let mut events: Vec<&Event> = events.iter().collect();
    events.sort_by_key(|event| event.time_nano);
    let mut faults: Vec<Fault> = Vec::new();
    // For each host that is down, its fault's place in `faults`.
    let mut down: HashMap<&str, usize> = HashMap::new();
    for event in events {
        let Some(host) = event.host() else {
            continue;
        };
        match event.action.as_str() {
            "die" if !down.contains_key(host) => {
                down.insert(host, faults.len());
                faults.push(Fault {
                    what: how_it_ended(host, event.exit_code()),
                    from_unix_ms: event.unix_ms(),
                    to_unix_ms: None,
                });
            }
            "start" => {
                if let Some(index) = down.remove(host) {
                    faults[index].to_unix_ms = Some(event.unix_ms());
                }
            }
            _ => {}
        }
    }
    faults
}

/// What a person did to `host`, read from its exit code: 137 is 128 + 9, ended by SIGKILL,
/// which `docker kill` sends (and `docker stop` too, after ten seconds of grace); 143 is
/// 128 + 15, SIGTERM, which `docker stop` sends first. Anything else, the host's own
/// program ended.
fn how_it_ended(host: &str, exit_code: Option<i32>) -> String {
    match exit_code {
        Some(137) => format!("kill {host}"),
        Some(143) | Some(0) | None => format!("stop {host}"),
        Some(code) => format!("{host} exited {code}"),
    }
}

/// One event a line; any field not read here is passed over.
fn parse(text: &str) -> anyhow::Result<Vec<Event>> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            serde_json::from_str(line)
                .with_context(|| format!("not an event of `docker events`: {line}"))
        })
        .collect()
}

/// A Unix time in milliseconds as `docker events` reads it: `1795646742.454` seconds.
fn seconds(unix_ms: u64) -> String {
    format!("{}.{:03}", unix_ms / 1000, unix_ms % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    // As `docker events --format '{{json .}}'` printed them (Docker 20.10, Compose 1.29):
    // host-b started by `up`, then `docker-compose kill host-b`.
    const STARTED: &str = r#"{"status":"start","id":"7347af9b85f620f00f1f713f1fd75d9ed679d4d314603fd62bfbc0bd39493aba","from":"l14-host","Type":"container","Action":"start","Actor":{"ID":"7347af9b85f620f00f1f713f1fd75d9ed679d4d314603fd62bfbc0bd39493aba","Attributes":{"com.docker.compose.config-hash":"f2256608370f671576bdc865fcfab165489e0351381ae6596892d7980f78386c","com.docker.compose.container-number":"1","com.docker.compose.oneoff":"False","com.docker.compose.project":"l14","com.docker.compose.project.config_files":"/work/main/lessons/14-deploy/lab/compose.yaml","com.docker.compose.project.working_dir":"/work/main/lessons/14-deploy/lab","com.docker.compose.service":"host-b","com.docker.compose.version":"1.29.2","image":"l14-host","name":"l14_host-b_1"}},"scope":"local","time":1795646723,"timeNano":1795646723015380885}"#;
    const KILLED: &str = r#"{"status":"die","id":"7347af9b85f620f00f1f713f1fd75d9ed679d4d314603fd62bfbc0bd39493aba","from":"l14-host","Type":"container","Action":"die","Actor":{"ID":"7347af9b85f620f00f1f713f1fd75d9ed679d4d314603fd62bfbc0bd39493aba","Attributes":{"com.docker.compose.config-hash":"f2256608370f671576bdc865fcfab165489e0351381ae6596892d7980f78386c","com.docker.compose.container-number":"1","com.docker.compose.oneoff":"False","com.docker.compose.project":"l14","com.docker.compose.project.config_files":"/work/main/lessons/14-deploy/lab/compose.yaml","com.docker.compose.project.working_dir":"/work/main/lessons/14-deploy/lab","com.docker.compose.service":"host-b","com.docker.compose.version":"1.29.2","exitCode":"137","image":"l14-host","name":"l14_host-b_1"}},"scope":"local","time":1795646742,"timeNano":1795646742454452932}"#;

    /// An event cut down to the fields read here, and `status`, which is not.
    fn event(action: &str, host: &str, exit_code: Option<&str>, unix_ms: u64) -> String {
        let exit_code = exit_code.map_or(String::new(), |code| format!(r#","exitCode":"{code}""#));
        format!(
            r#"{{"status":"{action}","Action":"{action}","Actor":{{"Attributes":{{"{SERVICE_LABEL}":"{host}"{exit_code}}}}},"timeNano":{}}}"#,
            unix_ms * 1_000_000
        )
    }

    #[test]
    fn a_kill_is_a_fault_until_the_host_starts_again() {
        let events = parse(&format!("{STARTED}\n{KILLED}\n")).unwrap();
        assert_eq!(
            hosts_down(&events),
            [Fault {
                what: "kill host-b".into(),
                from_unix_ms: 1_795_646_742_454,
                to_unix_ms: None,
            }]
        );

        let started_again = event("start", "host-b", None, 1_795_646_750_000);
        let events = parse(&format!("{STARTED}\n{KILLED}\n{started_again}")).unwrap();
        assert_eq!(hosts_down(&events)[0].to_unix_ms, Some(1_795_646_750_000));
    }

    #[test]
    fn each_host_s_die_pairs_with_its_own_next_start() {
        let lines = [
            event("die", "host-c", Some("143"), 1_000),
            event("die", "host-b", Some("137"), 2_000),
            event("start", "host-c", None, 3_000),
            event("die", "host-a", Some("1"), 3_500),
            event("start", "host-b", None, 4_000),
            event("die", "host-c", Some("137"), 5_000),
        ];
        // In any order: the daemon's is by time, and so is the pairing.
        let text = lines.iter().rev().cloned().collect::<Vec<_>>().join("\n");
        let faults: Vec<(String, u64, Option<u64>)> = hosts_down(&parse(&text).unwrap())
            .into_iter()
            .map(|fault| (fault.what, fault.from_unix_ms, fault.to_unix_ms))
            .collect();
        assert_eq!(
            faults,
            [
                ("stop host-c".to_string(), 1_000, Some(3_000)),
                ("kill host-b".to_string(), 2_000, Some(4_000)),
                ("host-a exited 1".to_string(), 3_500, None),
                ("kill host-c".to_string(), 5_000, None),
            ]
        );
    }

    #[test]
    fn a_line_that_is_not_an_event_is_an_error_quoting_it() {
        let error = parse("Error response from daemon\n").unwrap_err();
        assert!(
            error.to_string().contains("Error response from daemon"),
            "{error}"
        );
    }

    #[test]
    fn times_are_given_to_docker_in_seconds() {
        assert_eq!(seconds(1_795_646_742_454), "1795646742.454");
        assert_eq!(seconds(1_795_646_742_004), "1795646742.004");
    }
}
