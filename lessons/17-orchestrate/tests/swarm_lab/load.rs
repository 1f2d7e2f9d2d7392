//! Lesson 14's load, run by the lesson's program through the lab's gateways while a fault
//! is made: a process of its own, writing every call to a history file, read when it ends.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use lab::history::unix_ms;
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
        let file =
            |what: &str| std::env::temp_dir().join(format!("{}-{name}.{what}", self.project));
        let (history, report) = (file("jsonl"), file("report"));
        let _ = std::fs::remove_file(&history);
        let said = std::fs::File::create(&report).expect("a file for the load's report");
        let started = SystemTime::now();
        let child = self
            .command(&["load", "--for", "600s", "--history"])
            .arg(&history)
            .stdout(said)
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start l17-orchestrate load");
        let load = Load {
            child,
            history,
            report,
            started,
        };
        load.until_calls(0, CALLS_AFTER);
        load
    }
}

/// The load running in the background, writing its history.
pub(crate) struct Load {
    child: Child,
    history: PathBuf,
    /// What the program prints when it ends: its report, with the faults on its clock.
    report: PathBuf,
    /// When it was started, on this machine's clock (Docker's events are asked from then).
    started: SystemTime,
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

    /// Ends the load as Ctrl-C does, and reads its history from the file; with the
    /// faults its report places on the load's clock, and when it began.
    pub(crate) fn end(self) -> Ended {
        // The load ends within its 5 s drain of a Ctrl-C.
        let ended = testkit::interrupt_within("the load", self.child, DOCKER_PATIENCE);
        let status = ended.status;
        assert!(status.success(), "the load ended with {status}");
        let run = Run::read(&self.history).expect("the load's history");
        let report = std::fs::read_to_string(&self.report).unwrap_or_default();
        let faults = report
            .lines()
            .filter(|line| line.trim_start().starts_with("fault "))
            .map(|line| line.trim().to_string())
            .collect();
        let _ = std::fs::remove_file(&self.history);
        let _ = std::fs::remove_file(&self.report);
        Ended {
            run,
            faults,
            started: self.started,
        }
    }
}

/// An ended load: every call, the faults it ran through (`fault drain manager-2 from 1.1 s
/// to 28.0 s`, as its report says), and when it began.
pub(crate) struct Ended {
    run: Run,
    faults: Vec<String>,
    started: SystemTime,
}

impl TestLab {
    /// Ends the load of `fault` and holds it to the goal: at most `most` calls
    /// failed. Says how many calls, and how many failed; if too many did, the failure says
    /// what they were and what the swarm says of the gateways and the user service, which
    /// is where a failed call comes from.
    pub(crate) fn ends_costing_at_most(&self, load: Load, most: usize, fault: &str) {
        let ended = load.end();
        let calls = &ended.run.calls;
        let failed = calls.iter().filter(|call| !call.answered()).count();
        eprintln!("{fault}: {} calls, {failed} failed", calls.len());
        if failed <= most {
            return;
        }
        let kinds = lab::brief::told(&lab::brief::kinds(calls), 160);
        panic!(
            "{fault}: {failed} calls failed, not at most {most}:\n{kinds}\n{}\n{}\n{}",
            ended.faults.join("\n"),
            what_else_this_machine_did(&self.project, ended.started),
            self.what_the_swarm_says()
        );
    }

    /// The tasks of the gateways and of the user service, with the swarm's error for each
    /// that ended, and the gateways' last log lines.
    fn what_the_swarm_says(&self) -> String {
        let tasks = self.said_by_manager(&[
            "service",
            "ps",
            "--no-trunc",
            "--format",
            "{{.Name}} on {{.Node}}: {{.CurrentState}}, to be {{.DesiredState}} {{.Error}}",
            "course_api",
            "course_user",
        ]);
        let logs = self.said_by_manager(&[
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

/// What this machine's Docker did since `since` besides this lab: containers started,
/// stopped, killed, networks made (another lab's, beside this one), and how loaded the
/// machine is. Never a failure of its own: it is read for a failure's message.
fn what_else_this_machine_did(project: &str, since: SystemTime) -> String {
    // `docker events --since/--until` take whole seconds of the Unix clock.
    let since = unix_ms(since) / 1000;
    let now = unix_ms(SystemTime::now()) / 1000;
    let out = testkit::output_within(
        "`docker events` since the load began",
        Command::new("timeout").args([
            "20",
            "docker",
            "events",
            "--since",
            &since.to_string(),
            "--until",
            &now.to_string(),
            "--filter",
            "type=container",
            "--filter",
            "type=network",
            "--format",
            "{{.Time}} {{.Type}} {{.Action}} {{.Actor.Attributes.name}}",
        ]),
        DOCKER_PATIENCE,
    );
    let events = String::from_utf8_lossy(&out.stdout);
    let others: Vec<String> = events
        .lines()
        .filter(|line| !line.contains(project))
        .filter(|line| !line.contains(" exec_"))
        .map(|line| match line.split_once(' ') {
            Some((at, rest)) => match at.parse::<u64>() {
                Ok(at) => format!("  {:+} s {rest}", at as i64 - since as i64),
                Err(_) => format!("  {line}"),
            },
            None => format!("  {line}"),
        })
        .collect();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let shown = others.len().min(40);
    format!(
        "this machine's load average: {}\nthis machine's Docker beside the lab since the load \
         began ({} events{}):\n{}",
        load.trim(),
        others.len(),
        if shown < others.len() {
            ", the first 40"
        } else {
            ""
        },
        others[..shown].join("\n")
    )
}

/// Says how long a step took: what it adds to the test's time.
pub(crate) fn took(what: &str, started: Instant) {
    eprintln!("{what} took {:.1} s", started.elapsed().as_secs_f64());
}
