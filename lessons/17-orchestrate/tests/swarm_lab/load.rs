//! Lesson 14's load, run by the lesson's program through the lab's gateways while a fault
//! is made: a process of its own, writing every call to a history file, read when it ends.

use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use lab::history::{Call, Outcome};
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

impl TestLab {
    /// Ends the load of `fault` and holds it to the goal: at most `most` calls
    /// failed. Says how many calls, and how many failed; if too many did, the failure says
    /// what they were and what the swarm says of the gateways and the user service, which
    /// is where a failed call comes from.
    pub(crate) fn ends_costing_at_most(&self, load: Load, most: usize, fault: &str) {
        let run = load.end();
        let failed: Vec<&Call> = run.calls.iter().filter(|call| !call.answered()).collect();
        eprintln!(
            "{fault}: {} calls, {} failed",
            run.calls.len(),
            failed.len()
        );
        if failed.len() <= most {
            return;
        }
        panic!(
            "{fault}: {} calls failed, not at most {most}:\n{}\n{}",
            failed.len(),
            the_failures(&failed),
            self.what_the_swarm_says()
        );
    }

    /// The tasks of the gateways and of the user service, with the swarm's error for each
    /// that ended, and the gateways' last log lines.
    fn what_the_swarm_says(&self) -> String {
        let tasks = self.program_on_manager(&[
            "service",
            "ps",
            "--no-trunc",
            "--format",
            "{{.Name}} on {{.Node}}: {{.CurrentState}}, to be {{.DesiredState}} {{.Error}}",
            "course_api",
            "course_user",
        ]);
        let logs = self.program_on_manager(&[
            "service",
            "logs",
            "--timestamps",
            "--tail",
            "30",
            "course_api",
        ]);
        format!("the swarm's tasks:\n{tasks}\nthe gateways' last lines:\n{logs}")
    }
}

/// The failed calls, told briefly: how many of each kind, the first and last of each.
fn the_failures(failed: &[&Call]) -> String {
    let mut kinds: Vec<(String, Vec<&Call>)> = Vec::new();
    for call in failed {
        let Outcome::Failed(why) = &call.outcome else {
            continue;
        };
        // The gateway's answer varies in its details; its first line and status do not.
        let kind: String = why.chars().take(120).collect();
        match kinds.iter_mut().find(|(seen, _)| *seen == kind) {
            Some((_, calls)) => calls.push(call),
            None => kinds.push((kind, vec![call])),
        }
    }
    kinds
        .iter()
        .map(|(kind, calls)| {
            let (first, last) = (calls[0], calls[calls.len() - 1]);
            format!(
                "  {} × {kind}: sent from {:.2} s to {:.2} s, the first failing after {:.2} s",
                calls.len(),
                first.at.as_secs_f64(),
                last.at.as_secs_f64(),
                first.latency.as_secs_f64()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Says how long a step took: what it adds to the test's time.
pub(crate) fn took(what: &str, started: Instant) {
    eprintln!("{what} took {:.1} s", started.elapsed().as_secs_f64());
}
