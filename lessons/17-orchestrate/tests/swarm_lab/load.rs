//! Lesson 14's load, run by the lesson's program through the lab's gateways while a fault
//! is made: a process of its own, writing every call to a history file, read when it ends.

use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use lab::history::Call;
use lab::load::Run;

use crate::lab::TestLab;
use crate::{DOCKER_PATIENCE, STEP};

/// How many calls the load makes after a fault is undone before it is ended: a second of
/// calls at its rate, so that what the fault left behind shows in the history.
pub(crate) const CALLS_AFTER: usize = 20;

impl TestLab {
    /// The nodes a replica of the user service (what the load calls) runs on.
    pub(crate) fn user_nodes(&self) -> Vec<String> {
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
    pub(crate) fn start_load(&self, name: &str) -> Load {
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

/// The load running in the background, writing its history.
pub(crate) struct Load {
    child: Child,
    history: PathBuf,
}

impl Load {
    /// How many calls the history holds so far (its first line is the load's start).
    pub(crate) fn calls(&self) -> usize {
        std::fs::read_to_string(&self.history)
            .map(|text| text.lines().count().saturating_sub(1))
            .unwrap_or(0)
    }

    /// Waits until the load made `more` calls after the `since`-th, within the story's
    /// [`STEP`]: a second at its rate on a quiet machine, but its first calls wait for the
    /// program to ask the swarm where the gateways are.
    pub(crate) fn until_calls(&self, since: usize, more: usize) {
        let deadline = Instant::now() + STEP;
        let _waiting = testkit::hang::waiting_for(format!("{more} calls of the load"));
        loop {
            let calls = self.calls();
            if calls >= since + more {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the load made {calls} calls, not {} within {STEP:?}",
                since + more
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Ends the load as Ctrl-C does, and reads its history from the file.
    pub(crate) fn end(self) -> Run {
        // The load ends within its 5 s drain of a Ctrl-C.
        let ended = testkit::interrupt_within("the load", self.child, DOCKER_PATIENCE);
        let status = ended.status;
        assert!(status.success(), "the load ended with {status}");
        let run = Run::read(&self.history).expect("the load's history");
        let _ = std::fs::remove_file(&self.history);
        run
    }
}

/// The calls of `run` nobody answered, each as its history line says it.
fn failed(run: &Run) -> Vec<&Call> {
    run.calls.iter().filter(|call| !call.answered()).collect()
}

/// Ends the load of `fault` and holds it to the goal: at most `most` calls failed,
/// each shown if more did. Says how many calls, and how many failed.
pub(crate) fn ends_costing_at_most(load: Load, most: usize, fault: &str) {
    let run = load.end();
    let failed = failed(&run);
    eprintln!(
        "{fault}: {} calls, {} failed",
        run.calls.len(),
        failed.len()
    );
    assert!(
        failed.len() <= most,
        "{fault}: {} calls failed, not at most {most}: {failed:#?}",
        failed.len()
    );
}

/// Says how long a step took: what it adds to the test's time.
pub(crate) fn took(what: &str, started: Instant) {
    eprintln!("{what} took {:.1} s", started.elapsed().as_secs_f64());
}
