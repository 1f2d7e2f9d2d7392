//! `deploy`: the course as a stack (`lab/stack.yaml`), given to a manager with
//! `docker stack deploy`, and the wait until every replica of every service runs and is
//! healthy.
//!
//! The file is read by the manager's own `docker` (sent on its stdin), as a person logged in
//! on a manager would deploy it; the image it names is the course's, in the lab's registry
//! (`SERVICE_IMAGE`, set for that one command). From there on the swarm does the work: it
//! places each replica on a node, the node pulls the image and starts it, and a replica
//! counts as running once its health check says ready. The deploy is over when every replica
//! runs and Prometheus scrapes each one ([`super::metrics`]).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use anyhow::bail;

use super::status::{ServiceState, Update, parse_service, parse_update, table};
use super::stopping::Ended;
use super::{ANSWER_PATIENCE, Swarm, counted, paths, wait};

/// The stack's name: its services are `course_captcha`, `course_api`, ….
pub const STACK: &str = "course";
/// Where the stack's files are copied to on the manager that deploys them.
const ON_MANAGER: &str = "/etc/lab";
/// How long every replica may take to run and be healthy: each node pulls the image
/// first (hundreds of megabytes), and etcd's members must find each other.
pub const DEPLOY_PATIENCE: Duration = Duration::from_secs(240);

impl Swarm {
    /// Deploys the stack from a manager and waits for every replica; returns the services.
    /// With `tls`, over lesson 16's mutual TLS, the keys as swarm secrets
    /// (`lab/stack-tls.yaml`, [`super::secrets`]).
    ///
    /// Ctrl-C or SIGTERM stops it, and the wait with it: what the manager took stays
    /// deployed, and the swarm goes on placing its replicas, as it would for a person who
    /// ran `docker stack deploy` and walked away.
    pub fn deploy(&self, tls: bool) -> anyhow::Result<String> {
        let stopping = "deploy is stopping (a second signal ends it at once)";
        match self.stoppable(stopping, || self.deploy_and_wait(tls))? {
            Ended::Done(said) => said,
            Ended::Stopped => bail!(
                "deploy was stopped: what the manager took of the stack stays deployed, and the \
                 swarm goes on placing its replicas (`l17-orchestrate status` shows them; \
                 `deploy` again waits for them)"
            ),
        }
    }

    /// [`Swarm::deploy`], which a signal stops.
    fn deploy_and_wait(&self, tls: bool) -> anyhow::Result<String> {
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
        let image = self.push_course_image()?;
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
            "every replica runs and is healthy ({:.1} s):\n{}",
            started.elapsed().as_secs_f64(),
            table(&services)
        );
        for (name, update) in &updates {
            if update.rolled_back() && before.get(name) != Some(update) {
                said += &format!(
                    "the swarm rolled {name}'s update back: it runs its version before this \
                     deploy ({update})\n"
                );
            }
        }
        // Lesson 15's metrics: the stack is watched once Prometheus scrapes all of it.
        said += &self.wait_for_scrapes(&services)?;
        said.push('\n');
        Ok(said)
    }

    /// The first manager whose engine answers as part of the swarm.
    pub fn a_manager(&self) -> anyhow::Result<String> {
        let managers = self.managers()?;
        for manager in &managers {
            let asked = self.on_node_within(manager, &["node", "ls", "--quiet"], ANSWER_PATIENCE);
            if asked.is_ok() {
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
        self.list_services(manager, None)
    }

    /// [`Swarm::services`], given up after `patience`.
    pub fn services_within(
        &self,
        manager: &str,
        patience: Duration,
    ) -> anyhow::Result<Vec<ServiceState>> {
        self.list_services(manager, Some(patience))
    }

    /// `docker service ls` of the stack's services: each one's name and replicas.
    fn list_services(
        &self,
        manager: &str,
        patience: Option<Duration>,
    ) -> anyhow::Result<Vec<ServiceState>> {
        let filter = format!("label=com.docker.stack.namespace={STACK}");
        let args = [
            "service",
            "ls",
            "--filter",
            &filter,
            "--format",
            "{{.Name}} {{.Replicas}}",
        ];
        let listed = match patience {
            Some(patience) => self.on_node_within(manager, &args, patience)?,
            None => self.on_node(manager, &args)?,
        };
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
