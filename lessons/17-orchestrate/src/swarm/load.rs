//! `load`: lesson 14's load, through the gateways the swarm publishes, and what it saw.
//!
//! A fault of the swarm is measured as lesson 14 measured one of its hosts: calls through
//! the gateways at a steady rate, every call written down as it ends (the history), the
//! faults written down by the commands that make them (the journal, [`super::fault`]), and
//! the two read together afterwards: how many calls failed, and a timeline picture of when.
//! The load itself is lesson 14's, from the `lab` crate the two lessons share
//! (`lab/src/load.rs`); what is this lesson's is where it calls (each node labelled
//! `gateway=true`, port 8080 on its address) and which replica answered.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use lab::history::{self, Call, Outcome};
use lab::load::{self, Plan, Run};
use lab::timeline;

use super::{Swarm, counted};

/// What `l17-orchestrate load` was asked.
#[derive(Debug, Clone, clap::Args)]
pub struct LoadOptions {
    /// Calls a second, spread evenly.
    #[arg(long, default_value_t = 20)]
    pub rate: u32,
    /// How long to call for (`90s`, `2m`); Ctrl-C ends it sooner, keeping what it saw.
    #[arg(long = "for", default_value = "30s", value_parser = parse_duration)]
    pub duration: Duration,
    /// Where every call is written down, one JSON line each (an earlier file there is kept
    /// beside it, renamed).
    #[arg(long, default_value = "history.jsonl")]
    pub history: PathBuf,
    /// Where to draw the timeline: the calls, replica by replica, and the faults behind them.
    #[arg(long)]
    pub svg: Option<PathBuf>,
}

impl Swarm {
    /// Refuses a load on a lab whose managers say no stack is deployed: every call would be
    /// refused, which says nothing of a fault. A manager that cannot say (the swarm has lost
    /// its quorum, an engine is frozen) does not hold the load back: a load under faults is
    /// what it is for.
    fn the_course_is_deployed(&self) -> anyhow::Result<()> {
        for manager in self.managers()? {
            match self.services_within(&manager, Duration::from_secs(3)) {
                Ok(services) if services.is_empty() => bail!(
                    "the course is not deployed on the lab {}: `l17-orchestrate deploy` first",
                    self.options.project
                ),
                Ok(_) => return Ok(()),
                Err(_) => continue,
            }
        }
        Ok(())
    }

    /// Where the fault commands write down what they did, for the load's report:
    /// `target/l17-lab/PROJECT/faults.jsonl`.
    pub fn journal(&self) -> PathBuf {
        let project = self.options.project.replace(['/', '\\'], "_");
        super::paths::target_dir()
            .join("l17-lab")
            .join(project)
            .join("faults.jsonl")
    }

    /// Runs the load through the lab's gateways until its time is up or Ctrl-C; returns
    /// what it saw, in a few lines, and draws the timeline if asked.
    pub fn load(&self, options: &LoadOptions) -> anyhow::Result<String> {
        let gateways: Vec<String> = self
            .gateways()?
            .into_iter()
            .map(|address| format!("http://{address}"))
            .collect();
        if gateways.is_empty() {
            bail!(
                "the lab {} has no gateway to call: `l17-orchestrate up` and `deploy` first",
                self.options.project
            )
        }
        self.the_course_is_deployed()?;
        let mut said = String::new();
        if let Some(kept) = history::keep_earlier(&options.history)? {
            said += &format!(
                "the earlier history at {} is kept as {}\n",
                options.history.display(),
                kept.display()
            );
        }
        let plan = Plan {
            gateways,
            rate: options.rate,
            duration: options.duration,
            containers: Vec::new(),
        };
        let runtime = tokio::runtime::Runtime::new().context("cannot start a runtime")?;
        let run = runtime.block_on(async {
            // Installed before the first call, so that a Ctrl-C during it ends the load.
            let stop = shared::signal::shutdown();
            load::run(&plan, &options.history, stop).await
        })?;
        said += &self.report(&run, &options.history, options.svg.as_deref())?;
        Ok(said)
    }

    /// What a run saw: its calls, how many failed and why, the faults it ran through.
    pub fn report(&self, run: &Run, history: &Path, svg: Option<&Path>) -> anyhow::Result<String> {
        let windows = run.windows(&self.journal())?;
        let failed: Vec<&Call> = run.calls.iter().filter(|call| !call.answered()).collect();
        // Whole seconds: the run's length is its window and then its last call's answer,
        // so a tenth more or less says nothing about the service.
        let mut said = format!(
            "{} in {:.0} s through {}: {} answered, {} failed\n",
            counted(run.calls.len(), "call"),
            run.length.as_secs_f64(),
            run.start.gateways.join(", "),
            run.calls.len() - failed.len(),
            failed.len()
        );
        for call in failed.iter().take(10) {
            if let Outcome::Failed(why) = &call.outcome {
                said += &format!("  at {:.1} s: {why}\n", call.at.as_secs_f64());
            }
        }
        for window in &windows {
            said += &format!(
                "  fault {} from {:.1} s to {:.1} s\n",
                window.what,
                window.from.as_secs_f64(),
                window.to.as_secs_f64()
            );
        }
        if let Some(svg) = svg {
            timeline::write(svg, &run.calls, &windows)?;
            said += &format!("the timeline: {}\n", svg.display());
        }
        said += &format!("the history: {}\n", history.display());
        Ok(said)
    }
}

/// `90s`, `1500ms`, `2m` or a bare number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit() && c != '.') {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let number: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration: write 30s, 1500ms or 2m"))?;
    let seconds = match unit {
        "ms" => number / 1000.0,
        "s" => number,
        "m" => number * 60.0,
        _ => return Err(format!("{text:?}: the unit is ms, s or m")),
    };
    Ok(Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_read_as_a_person_writes_them() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1500ms"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("5"), Ok(Duration::from_secs(5)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("3h").is_err());
    }
}
