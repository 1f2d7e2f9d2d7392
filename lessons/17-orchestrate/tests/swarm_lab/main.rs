//! The swarm lab as an operator sees it: `l17-orchestrate image`, `up`, `deploy` and `down`,
//! run as the program they are, and checked from outside with `docker` and HTTP calls to
//! the published gateways, as a person at a terminal would check them.
//!
//! One story, because a swarm is slow to make: the images (built only when their inputs
//! changed), a swarm of three managers and two workers where every node is Ready with its
//! role and one manager leads, the course deployed as a stack over mutual TLS (lesson 16's
//! keys as swarm secrets) with every replica healthy and registered as speaking TLS, each
//! gateway answering the seed's call, and `down` leaving nothing of the lab behind.
//! The lab is its own (a project and a subnet no one else uses), so it runs beside a
//! reader's lab.
//!
//! Where Docker is missing or its daemon does not answer, or the lab's base image cannot be
//! made here, the test says why and passes: the lab needs Docker, the rest of the course
//! does not.

mod machine;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use machine::{built_beside, why_not_here};
use std::time::{Duration, Instant};

/// The lesson's program, as cargo built it for this test.
const PROGRAM: &str = env!("CARGO_BIN_EXE_l17-orchestrate");
/// The longest a whole step may take (an image built, a swarm made, a stack deployed): the
/// test's own deadline, as the runner holds it (`.config/nextest.toml`).
const STEP: Duration = testkit::deadline::LAB_THAT_BUILDS_IMAGES;
/// How long one `docker` command may take.
const DOCKER_PATIENCE: Duration = Duration::from_secs(60);

#[test]
fn a_swarm_comes_up_runs_the_course_and_goes_away() {
    if let Some(why) = why_not_here() {
        eprintln!("skipped: {why}");
        return;
    }
    let started = Instant::now();
    let lab = TestLab::new();
    let built = lab.ok(&["image"]);
    eprintln!("{built}images: {:.1} s", started.elapsed().as_secs_f64());
    let up_started = Instant::now();
    eprintln!("{}", lab.ok(&["up"]));
    let up_took = up_started.elapsed();
    lab.every_node_is_ready_with_its_role_and_one_leads();
    let deploy_started = Instant::now();
    eprintln!("{}", lab.ok(&["deploy", "--tls"]));
    let deploy_took = deploy_started.elapsed();
    lab.every_user_replica_is_registered_as_speaking_tls();
    lab.each_gateway_answers_the_seeds_call();
    lab.down_leaves_nothing();
    eprintln!(
        "the swarm test took {:.1} s: up {:.1} s, deploy {:.1} s",
        started.elapsed().as_secs_f64(),
        up_took.as_secs_f64(),
        deploy_took.as_secs_f64()
    );
}

/// A lab of this test's own, taken down when dropped, whatever happened.
struct TestLab {
    project: String,
    subnet_prefix: String,
    micro: PathBuf,
    _taken_down: testkit::hang::CleanUpGuard,
}

impl TestLab {
    fn new() -> TestLab {
        let pid = std::process::id();
        let project = format!("l17test{pid}");
        let mut down = Command::new(PROGRAM);
        down.args(["--project", &project, "down"]);
        let taken_down = testkit::hang::on_end(format!("the lab {project} taken down"), down);
        TestLab {
            project,
            // Far from the lab's own 10.17.0, from lesson 14's tests' 10.200-249, from the
            // stack's 10.117.0 and from Docker's 172.17-31 and 192.168.
            subnet_prefix: format!("10.{}.{}", 150 + pid % 50, (pid / 50) % 256),
            micro: built_beside("l11-micro"),
            _taken_down: taken_down,
        }
    }

    /// `l17-orchestrate COMMAND…` on this lab, with the test's own images.
    fn program(&self, command: &[&str]) -> Output {
        let mut program = Command::new(PROGRAM);
        program
            .args([
                "--project",
                &self.project,
                "--subnet-prefix",
                &self.subnet_prefix,
            ])
            .args([
                "--node-image",
                "l17-node-test",
                "--service-image",
                "l17-service-test",
            ])
            .args(command)
            .env("L17_MICRO_BINARY", &self.micro)
            .stdin(Stdio::null());
        let what = format!("`l17-orchestrate {}`", command.join(" "));
        testkit::output_within(&what, &mut program, STEP)
    }

    /// `COMMAND` succeeds; what it printed.
    fn ok(&self, command: &[&str]) -> String {
        let out = self.program(command);
        assert!(
            out.status.success(),
            "`l17-orchestrate {}` failed:\n{}{}",
            command.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `docker node ls` on manager-1: five nodes Ready, the three managers Leader or
    /// Reachable, the workers neither, and exactly one leader.
    fn every_node_is_ready_with_its_role_and_one_leads(&self) {
        let container = format!("{}-manager-1", self.project);
        let listed = docker(&[
            "exec",
            &container,
            "docker",
            "node",
            "ls",
            "--format",
            "{{.Hostname}} {{.Status}} {{.ManagerStatus}}",
        ]);
        let mut lines: Vec<&str> = listed.lines().collect();
        lines.sort();
        let roles: Vec<(&str, &str, &str)> = lines
            .iter()
            .map(|line| {
                let mut words = line.split_whitespace();
                let name = words.next().unwrap_or_default();
                let status = words.next().unwrap_or_default();
                (name, status, words.next().unwrap_or(""))
            })
            .collect();
        let names: Vec<&str> = roles.iter().map(|(name, ..)| *name).collect();
        assert_eq!(
            names,
            [
                "manager-1",
                "manager-2",
                "manager-3",
                "worker-1",
                "worker-2"
            ],
            "the swarm's nodes:\n{listed}"
        );
        for (name, status, manager) in &roles {
            assert_eq!(*status, "Ready", "{name} is not Ready:\n{listed}");
            let expected: &[&str] = if name.starts_with("manager") {
                &["Leader", "Reachable"]
            } else {
                &[""]
            };
            assert!(
                expected.contains(manager),
                "{name}'s manager status:\n{listed}"
            );
        }
        let leaders = roles.iter().filter(|(.., m)| *m == "Leader").count();
        assert_eq!(leaders, 1, "one leader among the managers:\n{listed}");
    }

    /// The user service's three replicas in etcd, each marked `secure` (it serves mutual TLS
    /// only), as etcd-1's member on manager-1 holds them.
    fn every_user_replica_is_registered_as_speaking_tls(&self) {
        let node = format!("{}-manager-1", self.project);
        let member = docker(&[
            "exec",
            &node,
            "docker",
            "ps",
            "--quiet",
            "--filter",
            "name=course_etcd-1",
        ]);
        let registered = docker(&[
            "exec",
            &node,
            "docker",
            "exec",
            member.trim(),
            "etcdctl",
            "get",
            "--prefix",
            "/micro/registry/user/",
            "--print-value-only",
        ]);
        let nodes: Vec<&str> = registered.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(
            nodes.len(),
            3,
            "the user service's replicas in etcd:\n{registered}"
        );
        for node in nodes {
            assert!(
                node.contains(r#""secure":"true""#),
                "a user replica registered without TLS: {node}"
            );
        }
    }

    /// The seed's call through each published gateway (worker-1's and worker-2's port 8080),
    /// answered. A gateway just healthy may not have heard of every replica yet: each is
    /// asked again until it answers, within a deadline.
    fn each_gateway_answers_the_seeds_call(&self) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        for last in [21, 22] {
            let gateway = format!("{}.{last}:8080", self.subnet_prefix);
            let deadline = Instant::now() + Duration::from_secs(30);
            let _waiting = testkit::hang::waiting_for(format!("an answer from {gateway}"));
            loop {
                let answer =
                    runtime.block_on(testkit::http_get(&gateway, "/user/say/hello?name=swarm"));
                match answer {
                    Ok((200, body)) if body.contains("swarm") => break,
                    seen => assert!(
                        Instant::now() < deadline,
                        "the gateway at {gateway} did not answer the seed's call within 30 s; \
                         last: {seen:?}"
                    ),
                }
                std::thread::sleep(Duration::from_millis(250));
            }
        }
    }

    /// `down`, then nothing with the lab's label: no container, volume or network.
    fn down_leaves_nothing(&self) {
        self.ok(&["down"]);
        let label = format!("label=l17.project={}", self.project);
        for what in [&["ps", "--all"][..], &["volume", "ls"], &["network", "ls"]] {
            let mut args = what.to_vec();
            args.extend(["--quiet", "--filter", &label]);
            let left = docker(&args);
            assert!(
                left.trim().is_empty(),
                "left after down ({}): {left}",
                what.join(" ")
            );
        }
    }
}

impl Drop for TestLab {
    fn drop(&mut self) {
        // Already down after a whole story: then this finds nothing and says so.
        let _ = self.program(&["down"]);
    }
}

/// `docker ARGS`, which must succeed; what it printed.
fn docker(args: &[&str]) -> String {
    let out = testkit::output_within(
        &format!("`docker {}`", args.join(" ")),
        Command::new("docker").args(args),
        DOCKER_PATIENCE,
    );
    assert!(
        out.status.success(),
        "`docker {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
