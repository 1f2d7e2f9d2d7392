//! Lesson 17: orchestrate — the course's services on a real scheduler, on nodes that fail.
//!
//! Lesson 14 put the services on three hosts and drove them by hand: a program started with
//! `docker exec`, a host restarted by the lesson's own `restart`. The field hands that work to
//! an orchestrator, a scheduler that keeps a declared number of replicas running, moves them
//! off a node that fails or is drained, rolls a new version out one replica at a time and back
//! when its health checks fail. Every Docker Engine carries one built in, swarm mode. This
//! lesson makes a swarm of real nodes (each a container running its own engine), deploys the
//! course on it as a stack, and does to it what happens to clusters:
//!
//! - [`swarm`]: the nodes, the lab's image registry, the stack, and the faults.

pub mod swarm;

/// The learner's files, or with `--features solution` the reference answers in
/// `solutions/`. The tests use `l17_orchestrate::exercises::…` and cannot tell which.
#[cfg_attr(
    not(feature = "solution"),
    allow(unused_variables, unused_imports, dead_code)
)]
pub mod exercises {
    #[cfg_attr(feature = "solution", path = "../../solutions/ready.rs")]
    pub mod ready;

    #[cfg_attr(feature = "solution", path = "../../solutions/grace.rs")]
    pub mod grace;

    #[cfg_attr(feature = "solution", path = "../../solutions/update_policy.rs")]
    pub mod update_policy;
}
