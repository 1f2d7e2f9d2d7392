//! `up`: the lab's network, its image registry, the nodes, and the swarm they make.
//!
//! Each node is a container running a Docker Engine of its own (`dockerd`, its main
//! process), its `/var/lib/docker` on a volume of its own. The first manager makes the swarm
//! (`docker swarm init`); the others join it with the tokens it hands out, as a person would
//! type on each machine. Beside the nodes, the lab's registry, and the course's image in it
//! ([`super::registry`]).

use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use super::nodes::Removed;
use super::plan::plan;
use super::stopping::Ended;
use super::{PROJECT_LABEL, Role, Swarm, counted, wait};

/// How long the nodes may take to be Ready in the swarm once they joined.
const READY_PATIENCE: Duration = Duration::from_secs(60);

impl Swarm {
    /// Brings up a lab of `managers` managers and `workers` workers; returns what the swarm
    /// says of its nodes. The last two nodes (the workers, by default) run the gateways.
    ///
    /// Ctrl-C or SIGTERM stops it: the commands it runs are ended, and what it had made is
    /// removed, as `down` removes a lab ([`super::commands`]); a second signal ends it at
    /// once. A failure on the way removes what it had made too, then says what failed.
    pub fn up(&self, managers: usize, workers: usize) -> anyhow::Result<String> {
        let plan = plan(managers, workers)?;
        let started = Instant::now();
        if !self.nodes()?.is_empty() {
            bail!(
                "the lab {} is up already: `l17-orchestrate status`, or `down` first",
                self.options.project
            )
        }
        if let Some(remains) = self.remains()? {
            bail!("{}", remains_said(&self.options.project, &remains))
        }
        let node_image = &self.options.node_image;
        if !self.docker()?.has_image(node_image) {
            bail!("no image {node_image}: `l17-orchestrate image` builds it")
        }
        let course_image = self.course_image_id()?;
        // From here on `up` makes things, and a signal stops it: `up` ends the commands it
        // runs itself, in order, and removes what they made.
        let stopping = "up is stopping: what it made is being removed (a second signal ends it \
                        at once and leaves that behind: `l17-orchestrate down` removes it then)";
        match self.stoppable(stopping, || self.make(&plan, &course_image, started))? {
            Ended::Done(made) => made.or_else(|error| bail!("{}", self.unmade(&error))),
            Ended::Stopped => {
                let removed = self.remove_lab()?;
                bail!(
                    "up was stopped before the swarm {} was made; what it had made is removed \
                     ({removed})",
                    self.options.project
                )
            }
        }
    }

    /// What `up` says when making the lab failed: the error, once what it had made is
    /// removed, so that the next `up` begins from nothing; one line either way.
    fn unmade(&self, error: &anyhow::Error) -> String {
        let project = &self.options.project;
        match self.remove_lab() {
            Ok(removed) => unmade_said(project, error, &removed.to_string()),
            Err(left) => format!(
                "up failed to make the swarm {project}: {error:#}; removing what it had made \
                 failed too ({left:#}): `l17-orchestrate down` removes it"
            ),
        }
    }

    /// The lab of `plan`, made: its network, its registry, its nodes, their swarm, and the
    /// course's image (`course_image`, its id) in the registry.
    fn make(
        &self,
        plan: &[(String, Role, u8)],
        course_image: &str,
        started: Instant,
    ) -> anyhow::Result<String> {
        let gateways = plan.len().saturating_sub(2);
        self.make_network()?;
        self.start_registry()?;
        for (index, (name, role, last)) in plan.iter().enumerate() {
            self.start_node(name, *role, *last, index >= gateways)?;
        }
        let names: Vec<&str> = plan.iter().map(|(name, ..)| name.as_str()).collect();
        for name in &names {
            self.wait_for_engine(name)?;
        }
        let answer = if names.len() == 1 {
            "answers"
        } else {
            "answer"
        };
        println!(
            "{} {answer} ({:.1} s)",
            counted(names.len(), "engine"),
            secs(started)
        );
        // The image goes to the registry while the swarm forms.
        let (first, _, first_last) = &plan[0];
        std::thread::scope(|scope| -> anyhow::Result<()> {
            let pushing = scope.spawn(|| self.push_image(course_image));
            self.form_swarm(first, self.address(*first_last)?, plan)?;
            let pushed = pushing.join().expect("the push does not panic")?;
            println!("pushed {pushed} ({:.1} s)", secs(started));
            Ok(())
        })?;
        for (index, (name, ..)) in plan.iter().enumerate() {
            if index >= gateways {
                self.on_node(
                    first,
                    &["node", "update", "--label-add", "gateway=true", name],
                )?;
            }
        }
        let listed = wait::until("every node Ready", READY_PATIENCE, |seen| {
            let listed = self.on_node(first, &["node", "ls"])?;
            let ready = listed
                .lines()
                .filter(|line| line.contains(" Ready "))
                .count();
            *seen = listed.clone();
            Ok((ready == plan.len()).then_some(listed))
        })?;
        Ok(format!(
            "the swarm {} is up in {:.1} s:\n{listed}",
            self.options.project,
            secs(started)
        ))
    }

    /// The lab's network, with a subnet of its own so that each node has a fixed address.
    fn make_network(&self) -> anyhow::Result<()> {
        let docker = self.docker()?;
        let mut create = docker.docker();
        create
            .args(["network", "create", "--label", &self.project_label()])
            .arg(format!("--subnet={}.0/24", self.options.subnet_prefix))
            .arg(self.network());
        self.commands
            .run(&mut create)
            .context("the lab's network")?;
        Ok(())
    }

    /// `swarm init` on `first`, then every other node joins, with the token of its role.
    /// Managers join one at a time (each is a change to the Raft group), workers at once.
    fn form_swarm(
        &self,
        first: &str,
        first_address: std::net::Ipv4Addr,
        plan: &[(String, Role, u8)],
    ) -> anyhow::Result<()> {
        let advertise = first_address.to_string();
        self.on_node(first, &["swarm", "init", "--advertise-addr", &advertise])?;
        let token = |role: Role| -> anyhow::Result<String> {
            let token = self.on_node(first, &["swarm", "join-token", "-q", role.as_str()])?;
            Ok(token.trim().to_string())
        };
        let (manager_token, worker_token) = (token(Role::Manager)?, token(Role::Worker)?);
        let join = |name: &str, role: Role, last: u8| -> anyhow::Result<()> {
            let token = if role == Role::Manager {
                &manager_token
            } else {
                &worker_token
            };
            let own = self.address(last)?.to_string();
            let leader = format!("{advertise}:2377");
            self.on_node(
                name,
                &[
                    "swarm",
                    "join",
                    "--advertise-addr",
                    &own,
                    "--token",
                    token,
                    &leader,
                ],
            )
            .with_context(|| format!("{name} joining as a {}", role.as_str()))?;
            Ok(())
        };
        let others = &plan[1..];
        std::thread::scope(|scope| -> anyhow::Result<()> {
            let workers: Vec<_> = others
                .iter()
                .filter(|(_, role, _)| *role == Role::Worker)
                .map(|(name, role, last)| scope.spawn(move || join(name, *role, *last)))
                .collect();
            for (name, role, last) in others.iter().filter(|(_, role, _)| *role == Role::Manager) {
                join(name, *role, *last)?;
            }
            for worker in workers {
                worker.join().expect("a join does not panic")?;
            }
            Ok(())
        })
    }

    /// `l17.project=PROJECT`, the label on everything the lab makes.
    pub fn project_label(&self) -> String {
        format!("{PROJECT_LABEL}={}", self.options.project)
    }
}

/// What `up` says of a lab's remains (`remains`, counted) found before it made anything.
fn remains_said(project: &str, remains: &Removed) -> String {
    format!("remains of a lab {project} are here ({remains}): `l17-orchestrate down` removes them")
}

/// A failed `up`'s line, once what it had made (`removed`) is removed.
fn unmade_said(project: &str, error: &anyhow::Error, removed: &str) -> String {
    format!(
        "up failed to make the swarm {project}, and what it had made is removed ({removed}): {error:#}"
    )
}

fn secs(since: Instant) -> f64 {
    since.elapsed().as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_up_says_its_error_and_what_it_removed_in_one_line() {
        let error = anyhow::anyhow!("`docker run …` failed (exit status: 125): no room")
            .context("the node worker-1");
        assert_eq!(
            unmade_said("l17", &error, "3 containers, 2 volumes, 1 network"),
            "up failed to make the swarm l17, and what it had made is removed (3 containers, \
             2 volumes, 1 network): the node worker-1: `docker run …` failed (exit status: \
             125): no room"
        );
    }

    #[test]
    fn remains_are_counted_with_what_removes_them() {
        let remains = Removed {
            containers: 0,
            volumes: 5,
            networks: 1,
        };
        assert_eq!(
            remains_said("out17", &remains),
            "remains of a lab out17 are here (0 containers, 5 volumes, 1 network): \
             `l17-orchestrate down` removes them"
        );
    }
}
