//! The faults of lesson 17 against a real swarm, each under lesson 14's load: a node
//! drained, a worker's engine killed, a rolling update, an update whose health check fails,
//! and two of three managers stopped. Each is done by the lesson's program, as a person
//! would type it, and measured from outside: the load is a process of its own, and what
//! it cost is counted from the history file it writes, call by call (`faults.rs`).
//!
//! One lab for them all, since a swarm is slow to make; its own project and subnet, so it
//! runs beside a reader's. Where Docker is missing or the lab's base image cannot be made
//! here, the test says why and passes.

#[path = "../swarm_lab/machine.rs"]
mod machine;

mod faults;

use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use lab::history::Call;
use lab::load::Run;
use machine::{built_beside, why_not_here};

/// The lesson's program, as cargo built it for this test.
const PROGRAM: &str = env!("CARGO_BIN_EXE_l17-orchestrate");
/// The longest a whole step may take (an image built, a swarm made, a stack deployed).
const STEP: Duration = testkit::deadline::LAB_THAT_BUILDS_IMAGES;
/// How long one `docker` command, or the load's end after Ctrl-C, may take.
const DOCKER_PATIENCE: Duration = Duration::from_secs(60);
/// How many calls the load makes after a fault is undone before it is ended: a second of
/// calls at its rate, so that what the fault left behind shows in the history.
const CALLS_AFTER: usize = 20;

#[test]
fn each_fault_of_the_swarm_costs_what_the_issue_allows() {
    if let Some(why) = why_not_here() {
        eprintln!("skipped: {why}");
        return;
    }
    let started = Instant::now();
    let lab = TestLab::new();
    lab.ok(&["image"]);
    eprintln!("{}", lab.ok(&["up"]));
    eprintln!("{}", lab.ok(&["deploy"]));
    took("the lab", started);
    lab.a_drain_costs_no_call();
    lab.a_killed_engine_costs_at_most_one_call_and_its_replicas_are_back_within_30_s();
    lab.a_rolling_update_costs_no_call();
    lab.a_failing_update_is_rolled_back_by_the_swarm_and_costs_no_call();
    lab.a_lost_quorum_refuses_changes_and_costs_no_call();
    lab.ok(&["down"]);
    took("the faults' story", started);
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
        let project = format!("l17faults{pid}");
        let mut down = Command::new(PROGRAM);
        down.args(["--project", &project, "down"]);
        let taken_down = testkit::hang::on_end(format!("the lab {project} taken down"), down);
        TestLab {
            project,
            // Beside the swarm story's 10.150-199: 10.200 and up are lesson 14's tests',
            // so these take 10.100-149.
            subnet_prefix: format!("10.{}.{}", 100 + pid % 50, (pid / 50) % 256),
            micro: built_beside("l11-micro"),
            _taken_down: taken_down,
        }
    }

    /// `l17-orchestrate ARGS…` on this lab, with the test's images and journal.
    fn command(&self, args: &[&str]) -> Command {
        let mut program = Command::new(PROGRAM);
        program
            .args(["--project", &self.project])
            .args(["--subnet-prefix", &self.subnet_prefix])
            .args(["--node-image", "l17-node-test"])
            .args(["--service-image", "l17-service-test"])
            .args(args)
            .env("L17_MICRO_BINARY", &self.micro)
            .stdin(Stdio::null());
        program
    }

    fn program(&self, args: &[&str]) -> Output {
        let what = format!("`l17-orchestrate {}`", args.join(" "));
        testkit::output_within(&what, &mut self.command(args), STEP)
    }

    /// `ARGS` succeed; what they printed.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.program(args);
        assert!(
            out.status.success(),
            "`l17-orchestrate {}` failed:\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `docker ARGS…` run by manager-1's engine; what it printed.
    fn on_manager(&self, args: &[&str]) -> String {
        let container = format!("{}-manager-1", self.project);
        let mut command = Command::new("docker");
        command.args(["exec", &container, "docker"]).args(args);
        let out = testkit::output_within(
            &format!("`docker {}` on manager-1", args.join(" ")),
            &mut command,
            DOCKER_PATIENCE,
        );
        assert!(
            out.status.success(),
            "`docker {}` on manager-1: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The nodes a replica of the user service (what the load calls) runs on.
    fn user_nodes(&self) -> Vec<String> {
        let listed = self.on_manager(&[
            "service",
            "ps",
            "course_user",
            "--filter",
            "desired-state=running",
            "--format",
            "{{.Node}}",
        ]);
        listed.lines().map(str::to_string).collect()
    }

    /// The load through the lab's gateways, started, its history in a file of its own;
    /// returns once it has made its first calls.
    fn start_load(&self, name: &str) -> Load {
        let history = std::env::temp_dir().join(format!("{}-{name}.jsonl", self.project));
        let _ = std::fs::remove_file(&history);
        let child = self
            .command(&["load", "--for", "600s", "--history"])
            .arg(&history)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start l17-orchestrate load");
        let load = Load { child, history };
        load.until_calls(0, CALLS_AFTER);
        load
    }
}

impl Drop for TestLab {
    fn drop(&mut self) {
        // A failed assertion too takes the lab down; after `down`, this finds nothing.
        let _ = self.program(&["down"]);
    }
}

/// The load running in the background, writing its history.
struct Load {
    child: Child,
    history: PathBuf,
}

impl Load {
    /// How many calls the history holds so far (its first line is the load's start).
    fn calls(&self) -> usize {
        std::fs::read_to_string(&self.history)
            .map(|text| text.lines().count().saturating_sub(1))
            .unwrap_or(0)
    }

    /// Waits until the load made `more` calls after the `since`-th.
    fn until_calls(&self, since: usize, more: usize) {
        let deadline = Instant::now() + DOCKER_PATIENCE;
        let _waiting = testkit::hang::waiting_for(format!("{more} calls of the load"));
        loop {
            let calls = self.calls();
            if calls >= since + more {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the load made {calls} calls, not {} within {DOCKER_PATIENCE:?}",
                since + more
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Ends the load as Ctrl-C does, and reads its history from the file.
    fn end(self) -> Run {
        let pid = self.child.id().to_string();
        let interrupted = testkit::output_within(
            &format!("`kill -INT {pid}`"),
            Command::new("kill").args(["-INT", &pid]),
            DOCKER_PATIENCE,
        );
        assert!(interrupted.status.success(), "kill -INT {pid}");
        let ended =
            testkit::child_output_within("the load after Ctrl-C", self.child, DOCKER_PATIENCE);
        assert!(
            ended.status.success(),
            "the load ended with {}",
            ended.status
        );
        let run = Run::read(&self.history).expect("the load's history");
        let _ = std::fs::remove_file(&self.history);
        run
    }
}

/// The calls of `run` nobody answered, each as its history line says it.
fn failed(run: &Run) -> Vec<&Call> {
    run.calls.iter().filter(|call| !call.answered()).collect()
}

/// Says how long a step took: what it adds to the test's time.
fn took(what: &str, started: Instant) {
    eprintln!("{what} took {:.1} s", started.elapsed().as_secs_f64());
}
