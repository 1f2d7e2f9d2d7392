//! The swarm lab as an operator sees it: `l17-orchestrate image`, `up`, `deploy`, the
//! faults and `down`, run as the program they are, and checked from outside with `docker`,
//! HTTP calls to the published gateways and lesson 14's load, as a person at a terminal
//! would check them.
//!
//! One story on one swarm, because a swarm is slow to make (half a minute to come up, as
//! long again for each deploy):
//!
//! - the images (built only when their inputs changed), a swarm of three managers and two
//!   workers where every node is Ready with its role and one manager leads (`checks.rs`);
//! - the course deployed as a stack over mutual TLS (lesson 16's keys as swarm secrets),
//!   every replica healthy and registered as speaking TLS, each gateway answering the
//!   seed's call, and lesson 15's Prometheus scraping every replica (the services over
//!   TLS) and counting those calls;
//! - on that stack, each fault under the load: a node drained, a worker's engine killed, a
//!   rolling update, an update whose health check fails, a manager cut off, two of three
//!   managers stopped; what each cost is counted from the load's history, call by call
//!   (`faults.rs`, `load.rs`);
//! - `down`, leaving nothing of the lab behind; a failed assertion takes the lab down too.
//!
//! Each command of the lesson's program that succeeds is said on the test's output
//! (`testkit::ran`): the chapter's block of faults is these commands, and `workbook-dev
//! verify`, reading the story's report, does not run them again on a swarm of its own.
//!
//! The stack is deployed once, over TLS, and not again in the clear as the chapter first
//! deploys it: `workbook-dev verify` runs the chapter's plain `deploy` as the book prints
//! it, and a second deploy here cost half a minute and taught the faults nothing. The load
//! works on either stack, because TLS protects the calls between the services, and the
//! gateways publish plain HTTP in both. The TLS check comes before the faults because it
//! counts the user service's replicas in etcd: on a fresh registry that count is the
//! replicas', with nothing left over from a fault. The lab is its own (a project and a
//! subnet no one else uses), so it runs beside a reader's lab and beside lesson 14's.
//!
//! Every wait on the swarm's work (a replica placed again, a stack converging, a manager
//! seeing a node go and come back, a gateway answering) is bounded by [`STEP`], the story's
//! own deadline: on two loaded cores that work takes many times its quiet length, and a
//! shorter bound would fail a swarm that is only slow. The one shorter bound is a goal the
//! story asserts: a killed engine's replicas back within 30 s (`faults.rs`).
//!
//! Where Docker is missing or its daemon does not answer, or the lab's base image cannot be
//! made here, the test says why and passes: the lab needs Docker, the rest of the course
//! does not.

mod checks;
mod faults;
mod lab;
mod load;
mod machine;

use std::time::{Duration, Instant};

use lab::TestLab;
use load::took;
use machine::why_not_here;

/// The lesson's program, as cargo built it for this test.
const PROGRAM: &str = env!("CARGO_BIN_EXE_l17-orchestrate");
/// The longest a step may take, and a wait on the swarm's work: an image built, a swarm
/// made, a stack deployed, a node's replicas placed again, a gateway answering. The test's
/// own deadline, as the runner holds it (`.config/nextest.toml`).
const STEP: Duration = testkit::deadline::SWARM_LAB;
/// How long a question to this machine alone may take, which no swarm's work is behind:
/// `docker version`, what this machine's Docker holds, the load's end after Ctrl-C (its
/// drain is 5 s).
const DOCKER_PATIENCE: Duration = Duration::from_secs(60);

#[test]
fn a_swarm_comes_up_runs_the_course_through_its_faults_and_goes_away() {
    if let Some(why) = why_not_here() {
        eprintln!("skipped: {why}");
        return;
    }
    let started = Instant::now();
    let lab = TestLab::new();
    let built = lab.ok(&["image"]);
    eprintln!("{built}");
    took("the images", started);

    let up_started = Instant::now();
    eprintln!("{}", lab.ok(&["up"]));
    took("up", up_started);
    lab.every_node_is_ready_with_its_role_and_one_leads();

    let tls_started = Instant::now();
    eprintln!("{}", lab.ok(&["deploy", "--tls"]));
    took("deploy --tls", tls_started);
    lab.every_user_replica_is_registered_as_speaking_tls();
    lab.each_gateway_answers_the_seeds_call();
    lab.prometheus_scrapes_every_replica_and_counts_the_seeds_calls();

    lab.a_drain_costs_no_call();
    lab.a_killed_engine_costs_at_most_one_call_and_its_replicas_are_back_within_30_s();
    lab.a_rolling_update_costs_no_call();
    lab.a_failing_update_is_rolled_back_by_the_swarm_and_costs_no_call();
    lab.a_partitioned_manager_costs_no_call();
    lab.a_lost_quorum_refuses_changes_and_costs_no_call();

    let down_started = Instant::now();
    lab.down_leaves_nothing();
    took("down", down_started);
    took("the swarm's story", started);
}
