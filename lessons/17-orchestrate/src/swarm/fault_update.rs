//! `update`: a new version rolled out by the swarm, one replica at a time, and a version
//! whose health check fails, rolled back by the swarm itself.
//!
//! The stack says how a service is updated (`lab/stack.yaml`, `update_config`): one replica
//! at a time, the new one started and healthy before the old one is stopped (start-first),
//! and a replica that does not become healthy makes the swarm roll the whole update back
//! (`failure_action: rollback`). `update` asks for the new version and waits while the
//! swarm does the rest, reading the service's update status as it goes: `completed`, or
//! `rollback_completed` with the swarm's own reason.
//!
//! The failing version is the course's image with one change: its health check never says
//! ready (its `ready` script replaced by one that says so and fails), built on a manager
//! as a tag of the same image and pushed to the lab's registry. Its service runs as the
//! last one did; only the swarm's question, "are you ready?", gets a no, which is what a
//! version that cannot reach what it needs answers.

use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use lab::history;

use super::fault::end_fault;
use super::stack::STACK;
use super::status::ServiceState;
use super::{Swarm, wait};

/// How long an update (or its rollback) may take: three replicas, each started, healthy
/// within its start period, and watched (`monitor`) before the next.
const UPDATE_PATIENCE: Duration = Duration::from_secs(240);

/// The failing version's Dockerfile, on the image it is a tag of.
fn unready_dockerfile(image: &str) -> String {
    format!(
        "FROM {image}\n\
         RUN printf '#!/bin/sh\\necho \"this version is never ready\" >&2\\nexit 1\\n' \
         > /usr/local/bin/ready && chmod +x /usr/local/bin/ready\n"
    )
}

/// What `update` was asked.
#[derive(Debug, Clone, clap::Args)]
pub struct UpdateOptions {
    /// The service to update (the stack's name for it, without `course_`).
    #[arg(long, default_value = "user")]
    pub service: String,
    /// The image's tag in the lab's registry; without it, every replica is replaced by one
    /// of the same version (`--force`).
    #[arg(long, conflicts_with = "failing")]
    pub image: Option<String>,
    /// A version whose health check fails: the swarm rolls it back.
    #[arg(long)]
    pub failing: bool,
}

impl Swarm {
    /// Updates a service as `options` say; returns once the swarm has finished, saying what
    /// it did. An update that does not end as asked (completed, or for `--failing` rolled
    /// back) is an error.
    pub fn update(&self, options: &UpdateOptions) -> anyhow::Result<String> {
        let started = Instant::now();
        let manager = self.a_manager()?;
        let service = stack_service(&self.services(&manager)?, &options.service)?;
        let current = self.on_node(
            &manager,
            &[
                "service",
                "inspect",
                "--format",
                "{{.Spec.TaskTemplate.ContainerSpec.Image}}",
                &service,
            ],
        )?;
        // The image as the stack named it, without the digest the swarm pinned it to.
        let current = current
            .trim()
            .split('@')
            .next()
            .unwrap_or_default()
            .to_string();
        let mut args = vec!["service", "update", "--detach"];
        let image;
        let what = if options.failing {
            image = self.build_unready(&manager, &current)?;
            args.extend(["--image", &image]);
            format!("update {} to a failing version", options.service)
        } else if let Some(tag) = &options.image {
            let repository = current.rsplit_once(':').map_or(&*current, |(r, _)| r);
            image = format!("{repository}:{tag}");
            args.extend(["--image", &image]);
            format!("update {} to {tag}", options.service)
        } else {
            args.push("--force");
            format!("update {}", options.service)
        };
        args.push(&service);
        self.on_node(&manager, &args)?;
        history::begin_fault(&self.journal(), &what)?;
        let wanted = if options.failing {
            "rollback_completed"
        } else {
            "completed"
        };
        let (state, message) = wait::until(
            &format!("the swarm's update of {service} to end"),
            UPDATE_PATIENCE,
            |seen| {
                let status = self.on_node(
                    &manager,
                    &[
                        "service",
                        "inspect",
                        "--format",
                        "{{if .UpdateStatus}}{{.UpdateStatus.State}}|{{.UpdateStatus.Message}}{{end}}",
                        &service,
                    ],
                )?;
                *seen = status.trim().to_string();
                let (state, message) = seen.split_once('|').unwrap_or((seen.as_str(), ""));
                let ended = [
                    "completed",
                    "rollback_completed",
                    "paused",
                    "rollback_paused",
                ];
                Ok(ended
                    .contains(&state)
                    .then(|| (state.to_string(), message.to_string())))
            },
        )?;
        end_fault(&self.journal(), &what)?;
        if state != wanted {
            bail!("the update of {service} ended {state}, not {wanted}: {message}")
        }
        self.until_replicas_back(&manager)?;
        Ok(format!(
            "{what}: the swarm says {state} after {:.1} s{}",
            started.elapsed().as_secs_f64(),
            if message.is_empty() {
                String::new()
            } else {
                format!(" ({message})")
            }
        ))
    }

    /// Builds the failing version of `image` on `manager` and pushes it; its name.
    fn build_unready(&self, manager: &str, image: &str) -> anyhow::Result<String> {
        let tag = format!("{image}-unready");
        let mut build = self.on_node_command(manager, &["build", "--quiet", "--tag", &tag, "-"]);
        build
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut building = build.spawn().context("cannot run `docker build`")?;
        {
            use std::io::Write;
            let mut stdin = building.stdin.take().expect("piped");
            stdin.write_all(unready_dockerfile(image).as_bytes())?;
        }
        let built = building.wait_with_output()?;
        if !built.status.success() {
            bail!("{}", lab::docker::failure(&build, &built))
        }
        self.on_node(manager, &["push", &tag])?;
        Ok(tag)
    }
}

/// The swarm's name of the stack's service `asked` (`user`: `course_user`), among the
/// `services` the stack has; or that there is no such service, naming those there are.
fn stack_service(services: &[ServiceState], asked: &str) -> anyhow::Result<String> {
    if services.is_empty() {
        bail!("the stack {STACK} is not deployed: `l17-orchestrate deploy` deploys it")
    }
    let service = format!("{STACK}_{asked}");
    if services.iter().any(|s| s.name == service) {
        return Ok(service);
    }
    let prefix = format!("{STACK}_");
    let names: Vec<&str> = services
        .iter()
        .map(|s| s.name.strip_prefix(&prefix).unwrap_or(&s.name))
        .collect();
    bail!(
        "no service {asked} in the stack {STACK}: its services are {}",
        names.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack(names: &[&str]) -> Vec<ServiceState> {
        names
            .iter()
            .map(|name| ServiceState {
                name: name.to_string(),
                running: 1,
                wanted: 1,
            })
            .collect()
    }

    #[test]
    fn a_service_is_named_as_the_stack_names_it() {
        let services = stack(&["course_captcha", "course_user"]);
        assert_eq!(stack_service(&services, "user").unwrap(), "course_user");
    }

    #[test]
    fn no_such_service_is_said_in_one_line_with_those_there_are() {
        let services = stack(&["course_api", "course_captcha", "course_user"]);
        let said = format!("{:#}", stack_service(&services, "nosuch").unwrap_err());
        assert_eq!(
            said,
            "no service nosuch in the stack course: its services are api, captcha, user"
        );
        let said = format!("{:#}", stack_service(&[], "user").unwrap_err());
        assert_eq!(
            said,
            "the stack course is not deployed: `l17-orchestrate deploy` deploys it"
        );
    }
}
