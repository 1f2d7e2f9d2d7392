//! The lab as an operator sees it: `l14-deploy image`, `up`, the nemesis and `down`, run as
//! the program they are, and checked from outside, with `docker` and HTTP requests to the
//! published gateway, as a person at a terminal would check them.
//!
//! One test does the whole story, because bringing a lab up is the slow part (seconds, and
//! the image the first time): up over mutual TLS (`up --tls`, lesson 16), an etcd cluster of
//! three and a gateway answering from every host, each host holding its own keys and its
//! services answering only callers with the lab's certificates (`tls.rs`); `up` again refused; host-c cut off, where etcd refuses writes on its side only and the
//! gateway keeps answering; healed, and host-c's member writes again; bad partitions refused;
//! down, and nothing left behind. Its lab is its own (a project, a port and a network no one
//! else uses), so it runs beside a learner's lab and beside other tests.
//!
//! Where Docker is missing or its daemon does not answer, the test says why and passes: the
//! lab needs Docker, the rest of the course does not.
//!
//! A second story does the same with Consul as the registry, over mutual TLS too (`up
//! --registry consul --tls`): an agent on each host, each host holding its own keys and its
//! services answering only callers with the lab's certificates, services found across
//! hosts, and a stopped host that leaves against a killed one that fails. The two stories'
//! labs run side by side. (The plaintext lab is chapter 14's own, which verify runs.)
//!
//! The first story then holds the promise of chapter 14 under faults (`faults.rs`), over
//! TLS (chapter 14's own runs of the load, checked by verify, are in plaintext): the
//! load through the three hosts' gateways while every host is restarted in turn (host-a
//! too), host-b is cut off and host-c is killed costs no call, and its p99 stays within
//! four per-try timeouts; last, with every service cut off from host-a's
//! gateway, every call fails and the gateway's retries stay within its budget.
//!
//! Meanwhile the lab's Prometheus is asked what chapter 15 shows of it (`prometheus.rs`):
//! it finds every host's service through host-a's gateway, and sees the killed host's
//! targets go down.
//!
//! The first story also deploys a service of a learner's own: the crate `l11-micro new`
//! writes, built into an image with the Dockerfile it wrote and run on host-b with
//! `l14-deploy run --tls-as NAME`, with a certificate of its own, answers through the
//! gateway (`service.rs`).
//!
//! Apart from the stories, `fallback.rs` builds the image where Docker Hub cannot be
//! reached, on the local base.
//!
//! This file is the stories; the image they run is made in `image.rs`, the lab they drive
//! is `lab.rs`, and each step, with the waiting it needs, is in `checks.rs` (etcd's),
//! `consul.rs` and `service.rs`.

mod checks;
mod consul;
mod fallback;
mod faults;
mod image;
mod lab;
mod prometheus;
mod service;
mod tls;

use std::process::{Command, Stdio};
use std::time::Instant;

use image::test_image;
use lab::TestLab;

/// The lesson's program, as cargo built it for this test.
const PROGRAM: &str = env!("CARGO_BIN_EXE_l14-deploy");

#[test]
fn the_lab_comes_up_survives_a_partition_heals_and_goes_away() {
    let started = Instant::now();
    let Some(image) = image_or_skip() else {
        return;
    };
    let image_done = started.elapsed();
    // The service's image is built while the story runs, and its step comes last: the build
    // may wait for other builds into the course's target folder (l11-micro's tests/new.rs).
    let building = std::thread::spawn(service::build_service_image);

    let lab = TestLab::new(&image, 0);
    lab.up_over_tls_is_answered_by_every_host();
    let up_done = started.elapsed();
    lab.each_host_holds_its_own_keys_and_never_the_cas();
    lab.every_user_node_in_etcd_says_it_speaks_tls();
    lab.only_a_caller_with_the_labs_certificate_is_answered();
    // Asked of the lab's Prometheus meanwhile, and awaited before host-c is stopped.
    let found_by_prometheus = lab.prometheus_finds_every_service();
    lab.up_again_is_refused();
    lab.a_partition_leaves_host_c_alone_and_the_rest_serving();
    lab.heal_lets_host_c_write_again();
    found_by_prometheus.holds();
    lab.a_stopped_host_leaves_the_registry_at_once();
    lab.bad_partitions_are_refused();
    lab.slow_works_or_says_why_not();
    lab.a_rolling_deploy_costs_no_call();
    lab.a_partition_costs_at_most_one_call();
    let seen_down_by_prometheus = lab.a_killed_host_costs_no_call();
    let joined = Instant::now();
    // deadline: each step of the build is bounded (cargo's and docker's by BUILD_PATIENCE)
    let service = building
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
    lab.a_new_service_answers_through_the_gateway(&service);
    eprintln!(
        "the service `l11-micro new` wrote: answered {:.1} s after the steps before it (the \
         wait for its image included)",
        joined.elapsed().as_secs_f64()
    );
    lab.every_host_cut_off_retries_within_the_budget();
    seen_down_by_prometheus.holds();
    lab.down_leaves_nothing();

    eprintln!(
        "the lab test took {:.1} s: the image {:.1} s, up {:.1} s, the rest {:.1} s",
        started.elapsed().as_secs_f64(),
        image_done.as_secs_f64(),
        (up_done - image_done).as_secs_f64(),
        (started.elapsed() - up_done).as_secs_f64(),
    );
}

#[test]
fn the_consul_lab_finds_services_across_hosts_and_tells_leaving_from_failing() {
    let Some(image) = image_or_skip() else {
        return;
    };
    let lab = TestLab::new(&image, 1);
    lab.consul_up_over_tls_is_answered_by_every_host();
    lab.each_host_holds_its_own_keys_and_never_the_cas();
    lab.every_user_instance_in_consul_says_it_speaks_tls();
    lab.only_a_caller_with_the_labs_certificate_is_answered();
    lab.a_service_on_host_b_is_found_through_host_cs_agent();
    lab.a_partitioned_host_fails_and_is_back_when_healed();
    lab.a_stopped_host_leaves_the_consul_cluster();
    lab.a_killed_host_fails_and_keeps_its_services();
    lab.down_leaves_nothing();
}

/// The image the stories' labs run, or `None` after saying why there can be none here.
fn image_or_skip() -> Option<String> {
    if let Some(why) = why_no_docker() {
        eprintln!("skipped: {why}");
        return None;
    }
    match test_image() {
        Ok(image) => Some(image),
        Err(Skip(why)) => {
            eprintln!("skipped: {why}");
            None
        }
    }
}

/// Why the test cannot run here: Docker missing, or its daemon not answering.
fn why_no_docker() -> Option<String> {
    let mut version = Command::new("docker");
    version.args(["version", "--format", "{{.Server.Version}}"]);
    version.stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = match version.stdin(Stdio::null()).spawn() {
        Err(error) => return Some(format!("no docker here ({error}); the lab needs Docker")),
        Ok(child) => child,
    };
    let answered = testkit::child_output_within("`docker version`", child, checks::DOCKER_PATIENCE);
    match answered {
        out if !out.status.success() => Some(format!(
            "the Docker daemon does not answer ({}); the lab needs it",
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        _ => None,
    }
}

/// A reason to skip the test, printed.
struct Skip(String);
