//! `deploy`: the course as a stack (`lab/stack.yaml`), given to a manager with
//! `docker stack deploy`, and the wait until every replica of every service runs and is
//! healthy.
//!
//! The file is read by the manager's own `docker` (sent on its stdin), as a person logged in
//! on a manager would deploy it; the image it names is the course's, in the lab's registry
//! (`SERVICE_IMAGE`, set for that one command). From there on the swarm does the work: it
//! places each replica on a node, the node pulls the image and starts it, and a replica
//! counts as running once its health check says ready.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Deserialize;

use super::{Swarm, counted, paths, wait};

/// The stack's name: its services are `course_captcha`, `course_api`, ….
pub const STACK: &str = "course";
/// Where the stack's files are copied to on the manager that deploys them.
const ON_MANAGER: &str = "/etc/lab";
/// How long every replica may take to run and be healthy: each node pulls the image
/// first (hundreds of megabytes), and etcd's members must find each other.
pub const DEPLOY_PATIENCE: Duration = Duration::from_secs(240);

/// One service of the stack as `docker service ls` shows it: `course_captcha`, and how many
/// of its replicas run out of how many are wanted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceState {
    pub name: String,
    pub running: u32,
    pub wanted: u32,
}

impl Swarm {
    /// Deploys the stack from a manager and waits for every replica; returns the services.
    /// With `tls`, over lesson 16's mutual TLS, the keys as swarm secrets
    /// (`lab/stack-tls.yaml`, [`super::secrets`]).
    pub fn deploy(&self, tls: bool) -> anyhow::Result<String> {
        let started = Instant::now();
        let managers = self.managers()?;
        if managers.len() < 3 {
            bail!(
                "the stack pins one etcd member to each of manager-1, manager-2 and manager-3, \
                 and this lab has {}: `down`, then `up --managers 3`",
                counted(managers.len(), "manager")
            )
        }
        let manager = self.a_manager()?;
        let image = self.push_course_image(&manager)?;
        // The files are copied into the manager, where its `docker` reads them.
        let mut files = vec!["stack.yaml"];
        if tls {
            self.make_secrets(&manager)?;
            files.push("stack-tls.yaml");
        }
        // What each service's last update was before this deploy: a rollback seen after it
        // is this deploy's only if it is new.
        let before = self.updates(&manager)?;
        let mut deploy = vec!["docker", "stack", "deploy", "--prune"];
        for file in &files {
            let mut copy = std::process::Command::new("docker");
            copy.arg("cp")
                .arg(paths::lab_dir().join(file))
                .arg(format!("{}:{ON_MANAGER}/", self.container(&manager)));
            self.commands.run(&mut copy)?;
            deploy.extend(["--compose-file", file]);
        }
        deploy.push(STACK);
        let mut command = std::process::Command::new("docker");
        command
            .args(["exec", "--workdir", ON_MANAGER])
            .args(["--env", &format!("SERVICE_IMAGE={image}")])
            .arg(self.container(&manager))
            .args(&deploy);
        self.commands.run(&mut command)?;
        println!(
            "deployed {STACK} from {manager} with {image}{}",
            if tls { ", over mutual TLS" } else { "" }
        );
        // A service deployed over an older version of itself counts its old replicas as
        // running while the swarm replaces them: it is done once its update is over too.
        let (services, updates) = wait::until(
            "every replica of the stack running and healthy, no update under way",
            DEPLOY_PATIENCE,
            |seen| {
                let services = self.services(&manager)?;
                let done = !services.is_empty()
                    && services
                        .iter()
                        .all(|s| s.wanted > 0 && s.running == s.wanted);
                if !done {
                    *seen = self.tasks_not_running(&manager)?;
                    return Ok(None);
                }
                let updates = self.updates(&manager)?;
                let under_way: Vec<String> = updates
                    .iter()
                    .filter(|(_, update)| !update.settled())
                    .map(|(name, update)| format!("{name}: {update}"))
                    .collect();
                if !under_way.is_empty() {
                    *seen = under_way.join("\n");
                    return Ok(None);
                }
                Ok(Some((services, updates)))
            },
        )?;
        let mut said = format!(
            "every replica runs and is healthy ({:.1} s):\n",
            started.elapsed().as_secs_f64()
        );
        for service in services {
            said += &format!(
                "  {:<16} {}/{}\n",
                service.name, service.running, service.wanted
            );
        }
        for (name, update) in &updates {
            if update.rolled_back() && before.get(name) != Some(update) {
                said += &format!(
                    "the swarm rolled {name}'s update back: it runs its version before this \
                     deploy ({update})\n"
                );
            }
        }
        Ok(said)
    }

    /// The first manager whose engine answers as part of the swarm.
    pub fn a_manager(&self) -> anyhow::Result<String> {
        let managers = self.managers()?;
        for manager in &managers {
            if self.on_node(manager, &["node", "ls", "--quiet"]).is_ok() {
                return Ok(manager.clone());
            }
        }
        bail!(
            "no manager of the lab {} answers (managers: {managers:?})",
            self.options.project
        )
    }

    /// The stack's services as `manager` sees them.
    pub fn services(&self, manager: &str) -> anyhow::Result<Vec<ServiceState>> {
        let listed = self.on_node(
            manager,
            &[
                "service",
                "ls",
                "--filter",
                &format!("label=com.docker.stack.namespace={STACK}"),
                "--format",
                "{{.Name}} {{.Replicas}}",
            ],
        )?;
        Ok(listed.lines().filter_map(parse_service).collect())
    }

    /// The last rolling update of each of the stack's services as `manager` sees it
    /// (`docker service inspect`, its `UpdateStatus`), by service; none before a deploy.
    fn updates(&self, manager: &str) -> anyhow::Result<BTreeMap<String, Update>> {
        let names: Vec<String> = self
            .services(manager)?
            .into_iter()
            .map(|s| s.name)
            .collect();
        if names.is_empty() {
            return Ok(BTreeMap::new());
        }
        let format = "{{.Spec.Name}} {{json .UpdateStatus}}";
        let mut inspect = vec!["service", "inspect", "--format", format];
        inspect.extend(names.iter().map(String::as_str));
        let listed = self.on_node(manager, &inspect)?;
        listed
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(parse_update)
            .collect()
    }

    /// Each task that should run and does not yet, with its state and error: what a wait
    /// for the stack says when it runs out of patience.
    fn tasks_not_running(&self, manager: &str) -> anyhow::Result<String> {
        let listed = self.on_node(
            manager,
            &[
                "stack",
                "ps",
                STACK,
                "--no-trunc",
                "--filter",
                "desired-state=running",
                "--format",
                "{{.Name}} on {{.Node}}: {{.CurrentState}} {{.Error}}",
            ],
        )?;
        Ok(listed
            .lines()
            .filter(|line| !line.contains(": Running"))
            .collect::<Vec<_>>()
            .join("\n"))
    }
}

/// A service's last rolling update, `UpdateStatus` in `docker service inspect`: absent
/// before its first, then `updating`, and `completed`; or `paused`, `rollback_started`,
/// `rollback_paused`, `rollback_completed` when its new replicas failed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Update {
    #[serde(rename = "State", default)]
    pub state: String,
    #[serde(rename = "Message", default)]
    pub message: String,
    #[serde(rename = "StartedAt", default)]
    pub started_at: String,
}

impl Update {
    /// No update under way: none ever, or one that ended (a rollback that ended too).
    pub fn settled(&self) -> bool {
        matches!(self.state.as_str(), "" | "completed" | "rollback_completed")
    }

    /// The swarm put the version before back.
    pub fn rolled_back(&self) -> bool {
        self.state == "rollback_completed"
    }
}

impl std::fmt::Display for Update {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = if self.state.is_empty() {
            "no update"
        } else {
            &self.state
        };
        if self.message.is_empty() {
            write!(f, "{state}")
        } else {
            write!(f, "{state}: {}", self.message)
        }
    }
}

/// `course_user {"State":"updating",…}` (or `course_user null`) as a service and its
/// [`Update`].
fn parse_update(line: &str) -> anyhow::Result<(String, Update)> {
    let (name, json) = line
        .trim()
        .split_once(' ')
        .with_context(|| format!("not a service and its update: {line:?}"))?;
    let update: Option<Update> = serde_json::from_str(json)
        .with_context(|| format!("{name}'s UpdateStatus is not what it should be: {json}"))?;
    Ok((name.to_string(), update.unwrap_or_default()))
}

/// `course_captcha 2/3` (or `2/3 (max 1 per node)`) as a [`ServiceState`].
fn parse_service(line: &str) -> Option<ServiceState> {
    let mut words = line.split_whitespace();
    let name = words.next()?.to_string();
    let (running, wanted) = words.next()?.split_once('/')?;
    Some(ServiceState {
        name,
        running: running.parse().ok()?,
        wanted: wanted.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_is_settled_once_its_update_is_over() {
        let (name, none) = parse_update("course_user null").unwrap();
        assert_eq!(name, "course_user");
        assert!(none.settled() && !none.rolled_back());
        let line = r#"course_api {"State":"updating","StartedAt":"2026-11-29T22:00:00Z","Message":"update in progress"}"#;
        let (_, updating) = parse_update(line).unwrap();
        assert!(!updating.settled());
        assert_eq!(updating.to_string(), "updating: update in progress");
        let (_, back) = parse_update(
            r#"course_user {"State":"rollback_completed","Message":"rollback completed"}"#,
        )
        .unwrap();
        assert!(back.settled() && back.rolled_back());
        let (_, paused) = parse_update(r#"course_user {"State":"paused"}"#).unwrap();
        assert!(!paused.settled());
        assert!(parse_update("course_user {").is_err());
    }

    #[test]
    fn a_service_line_is_read() {
        assert_eq!(
            parse_service("course_captcha 2/3"),
            Some(ServiceState {
                name: "course_captcha".into(),
                running: 2,
                wanted: 3
            })
        );
        assert_eq!(
            parse_service("course_api 0/2 (max 1 per node)")
                .unwrap()
                .wanted,
            2
        );
        assert_eq!(parse_service("nonsense"), None);
    }
}
