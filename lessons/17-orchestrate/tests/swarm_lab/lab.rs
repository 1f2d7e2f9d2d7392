//! The test's own lab: its project, its subnet, the lesson's program run on it, `docker`
//! run by its manager's engine, and its `down` whatever happens.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use l17_orchestrate::swarm::image::MICRO_VARIABLE;

use crate::machine::built_beside;
use crate::{DOCKER_PATIENCE, PROGRAM, STEP};

/// A lab of this test's own, taken down when dropped, whatever happened.
pub(crate) struct TestLab {
    pub(crate) project: String,
    pub(crate) subnet_prefix: String,
    micro: PathBuf,
    _taken_down: testkit::hang::CleanUpGuard,
}

impl TestLab {
    pub(crate) fn new() -> TestLab {
        let pid = std::process::id();
        let project = format!("l17test{pid}");
        let mut down = Command::new(PROGRAM);
        down.args(["--project", &project, "down"]);
        let taken_down = testkit::hang::on_end(format!("the lab {project} taken down"), down);
        TestLab {
            project,
            // Far from the lab's own 10.17.0, from lesson 14's tests' 10.200-249 (its lab
            // runs beside this one), from the stack's 10.117.0 and from Docker's 172.17-31
            // and 192.168.
            subnet_prefix: format!("10.{}.{}", 150 + pid % 50, (pid / 50) % 256),
            // The l11-micro that goes into the course's image: the one the program's own
            // variable names, where the caller set it (the test command hands the story a
            // copy of its own, since verify builds lesson 11 with its stubs meanwhile), else
            // the one cargo built beside this test.
            micro: std::env::var_os(MICRO_VARIABLE)
                .map(PathBuf::from)
                .unwrap_or_else(|| built_beside("l11-micro")),
            _taken_down: taken_down,
        }
    }

    /// `l17-orchestrate ARGS…` on this lab, with the test's own images.
    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut program = Command::new(PROGRAM);
        program
            .args(["--project", &self.project])
            .args(["--subnet-prefix", &self.subnet_prefix])
            .args(["--node-image", "l17-node-test"])
            .args(["--service-image", "l17-service-test"])
            .args(args)
            .env(MICRO_VARIABLE, &self.micro)
            .stdin(Stdio::null());
        program
    }

    pub(crate) fn program(&self, args: &[&str]) -> Output {
        let what = format!("`l17-orchestrate {}`", args.join(" "));
        testkit::output_within(&what, &mut self.command(args), STEP)
    }

    /// `ARGS` succeed; what they printed. Each says so on the test's output, for verify:
    /// the chapter's block of faults is these commands, run here (`testkit::ran`).
    pub(crate) fn ok(&self, args: &[&str]) -> String {
        let out = self.program(args);
        assert!(
            out.status.success(),
            "`l17-orchestrate {}` failed:\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        println!("{}", testkit::ran::line("l17-orchestrate", args));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `docker ARGS…` run by the engine of `node`; what it printed. Within the story's
    /// [`STEP`]: a node's engine, a container on this machine, answers slowly while the
    /// swarm places replicas on two loaded cores, and a manager answers from the swarm's
    /// state, which its leader keeps.
    pub(crate) fn on_node(&self, node: &str, args: &[&str]) -> String {
        let out = self.on_node_within(node, args, STEP);
        assert!(
            out.status.success(),
            "`docker {}` on {node} ended with {}: {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `docker ARGS…` run by manager-1's engine; what it printed.
    pub(crate) fn on_manager(&self, args: &[&str]) -> String {
        self.on_node("manager-1", args)
    }

    /// `docker ARGS…` run by manager-1's engine for a failure's message: what it printed,
    /// or why it could not say, never a failure of its own. Given 20 s: a manager with no
    /// quorum, or frozen, never answers, and the message must still be written.
    pub(crate) fn said_by_manager(&self, args: &[&str]) -> String {
        let out = self.on_node_within("manager-1", args, Duration::from_secs(20));
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    }

    /// `docker ARGS…` run by the engine of `node`, ended by `timeout` after `patience`
    /// (its status then 124): the one way this test asks a node, so that no question of
    /// it outlives its patience, whoever asks.
    fn on_node_within(&self, node: &str, args: &[&str], patience: Duration) -> Output {
        let container = format!("{}-{node}", self.project);
        let mut command = Command::new("timeout");
        command
            .arg(format!("{}s", patience.as_secs()))
            .args(["docker", "exec", &container, "docker"])
            .args(args);
        testkit::output_within(
            &format!("`docker {}` on {node}", args.join(" ")),
            &mut command,
            patience + DOCKER_PATIENCE,
        )
    }
}

impl Drop for TestLab {
    fn drop(&mut self) {
        // A failed assertion too takes the lab down; after `down`, this finds nothing.
        let _ = self.program(&["down"]);
    }
}

/// `docker ARGS` on this machine, which must succeed; what it printed.
pub(crate) fn docker(args: &[&str]) -> String {
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
