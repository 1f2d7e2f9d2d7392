//! The promise kept under faults: the load through the gateways, one on each host, run as
//! the program it is, while hosts are restarted one after another, cut off, and killed. Its
//! history says what each fault cost the caller; a gateway tries a call that got no answer
//! in time on another node (the user service declares `Say.Hello` idempotent), and the load
//! sends a call a gateway did not take (refused: a host restarted, or killed) to the next
//! gateway, so the figures are those the chapter gives: no failed call (one at most for a
//! partition, which may catch a call whose try was cut off mid-way after the budget was
//! spent). The chapter's latencies (a p99 of tens of milliseconds, half a second when a
//! call pays the per-try timeout) are what its own runs show, on a quiet machine; here the
//! p99 is held only to [`MOST_P99`], a bound on the mechanism that holds beside the suite.
//!
//! Each run is short, a few seconds of load around its fault, and waits on what the
//! history shows (calls made), never on time.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use l14_deploy::history::Call;
use l14_deploy::load::Run;

use crate::PROGRAM;
use crate::checks::{DOCKER_PATIENCE, wait_until};
use crate::lab::{TestLab, docker, target_dir};
use crate::prometheus::Watch;

/// How many calls the load makes around a fault, after the fault began (20 a second).
const CALLS_AFTER: usize = 40;

/// The p99 a fault may cost at most: four of the gateway's per-try timeouts (half a second
/// each). A call re-sent by the load or tried again by a gateway pays one, so what passes
/// this bound is a call that waited through several: a dead node not set aside, a refused
/// call not sent on. It is not the chapter's figure (tens of milliseconds on a quiet
/// machine): that figure is a run's of its own, where a test's bound must hold on a machine
/// busy with the rest of the suite (beside a swarm on two cores, a rolling deploy's p99 was
/// 3.3 s: the swarm's story and this one run one at a time).
const MOST_P99: Duration = Duration::from_secs(2);

/// What one run of the load cost its calls.
struct Cost {
    calls: usize,
    failed: Vec<String>,
    p99: Duration,
    /// The five slowest calls, slowest first: what a p99 over its bound is made of.
    slowest: Vec<String>,
}

impl Cost {
    fn of(calls: &[Call]) -> Cost {
        let mut latencies: Vec<Duration> = calls.iter().map(|call| call.latency).collect();
        latencies.sort();
        let p99 = latencies
            .get((latencies.len() * 99).div_ceil(100).saturating_sub(1))
            .copied()
            .unwrap_or_default();
        let failed = calls
            .iter()
            .filter(|call| !call.answered())
            .map(|call| format!("{call:?}"))
            .collect();
        let mut by_latency: Vec<&Call> = calls.iter().collect();
        by_latency.sort_by_key(|call| std::cmp::Reverse(call.latency));
        let slowest = by_latency
            .iter()
            .take(5)
            .map(|call| format!("{call:?}"))
            .collect();
        Cost {
            calls: calls.len(),
            failed,
            p99,
            slowest,
        }
    }

    fn holds(&self, what: &str, most_failed: usize) {
        eprintln!(
            "{what}: {} calls, {} failed, p99 {:?}",
            self.calls,
            self.failed.len(),
            self.p99
        );
        assert!(
            self.failed.len() <= most_failed,
            "{what}: {} of {} calls failed:\n{}",
            self.failed.len(),
            self.calls,
            self.failed.join("\n")
        );
        assert!(
            self.p99 <= MOST_P99,
            "{what}: p99 {:?}, over {MOST_P99:?}; the slowest calls:\n{}",
            self.p99,
            self.slowest.join("\n")
        );
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
        wait_until("the load's calls", || {
            let calls = self.calls();
            (calls >= since + more)
                .then_some(())
                .ok_or_else(|| format!("{calls} calls"))
        });
    }

    /// Ends the load as Ctrl-C does, and reads its history.
    fn end(self) -> Run {
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
    /// `l14-deploy load` on this lab, through every host's gateway (as the load calls them
    /// unless told), started, with its history in the target folder.
    fn start_load(&self, name: &str) -> Load {
        self.start_load_through(name, &[])
    }

    /// `l14-deploy load` through the gateways `gateways` alone (`--gateway`, each).
    fn start_load_through(&self, name: &str, gateways: &[String]) -> Load {
        let history = history_file(&self.project, name);
        let _ = std::fs::remove_file(&history);
        let port = self.api_port.to_string();
        let child = Command::new(PROGRAM)
            .args(["--project", &self.project, "--api-port", &port])
            .args(["load", "--for", "120s", "--history"])
            .arg(&history)
            .args(
                gateways
                    .iter()
                    .flat_map(|gateway| ["--gateway", gateway.as_str()]),
            )
            .env("L14_SUBNET_PREFIX", &self.subnet_prefix)
            .env("CARGO_TARGET_DIR", target_dir())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start l14-deploy load");
        let load = Load { child, history };
        load.until_calls(0, 20);
        load
    }

    /// host-c, stopped by an earlier step, is started again by `restart`, with what was
    /// deployed on it; then a rolling deploy — each host restarted in turn while the load
    /// runs — costs no call. host-a too: its gateway drains as it goes, and the load sends
    /// what it refuses meanwhile to the next host's.
    pub(crate) fn a_rolling_deploy_costs_no_call(&self) {
        let started = Instant::now();
        let printed = self.ok(&["restart", "host-c"]);
        assert!(printed.contains("host-c restarted"), "{printed}");
        let load = self.start_load("rolling");
        for host in ["host-a", "host-b", "host-c"] {
            let printed = self.ok(&["restart", host]);
            assert!(printed.contains(&format!("{host} restarted")), "{printed}");
        }
        let since = load.calls();
        load.until_calls(since, 20);
        Cost::of(&load.end().calls).holds("a rolling deploy", 0);
        took("host-c's restart and the rolling deploy", started);
    }

    /// A service host cut off from the others while the load runs: the calls sent to it
    /// go to another node after the per-try timeout, and it is set aside.
    pub(crate) fn a_partition_costs_at_most_one_call(&self) {
        let started = Instant::now();
        let load = self.start_load("partition");
        let since = load.calls();
        self.ok(&["partition", "host-b"]);
        load.until_calls(since, CALLS_AFTER);
        self.ok(&["heal"]);
        Cost::of(&load.end().calls).holds("a partition of host-b", 1);
        took("the partition", started);
    }

    /// A host killed while the load runs (SIGKILL: no goodbye, its node still registered
    /// until its lease runs out). Prometheus, meanwhile, is to see the host's targets go
    /// down: the question, whose answer the story awaits later.
    pub(crate) fn a_killed_host_costs_no_call(&self) -> Watch {
        let started = Instant::now();
        let load = self.start_load("kill");
        let since = load.calls();
        docker(&["kill", &self.container("host-c")]);
        let seen_down = self.prometheus_sees_host_c_down(Instant::now());
        load.until_calls(since, CALLS_AFTER);
        Cost::of(&load.end().calls).holds("a kill of host-c", 0);
        took("the kill", started);
        seen_down
    }
}

impl TestLab {
    /// Every service cut off from a gateway: host-a cut off from the others, and its own
    /// service stopped in its tracks (SIGSTOP: it takes connections and says nothing, as a
    /// host cut off does), while host-c is still dead; the load calls host-a's gateway
    /// alone. Every call fails, and the gateway's retries stay within what its budget
    /// earned: 10 saved, a tenth of the calls, 3 a second. The last step before `down`: the
    /// lab is not put back together.
    pub(crate) fn every_host_cut_off_retries_within_the_budget(&self) {
        let started = Instant::now();
        let host_a = format!("http://127.0.0.1:{}", self.api_port);
        let load = self.start_load_through("cut-off", &[host_a]);
        let retries_before = self.gateway_retries();
        let stopped = self.on("host-a", &["pkill", "-STOP", "-f", "user-server"]);
        assert!(stopped.is_ok(), "pkill -STOP on host-a: {stopped:?}");
        self.ok(&["partition", "host-a"]);
        let since = load.calls();
        load.until_calls(since, CALLS_AFTER);
        let retries = self.gateway_retries() - retries_before;
        let run = load.end();
        let seconds = started.elapsed().as_secs_f64();
        let most = 10.0 + 0.1 * run.calls.len() as f64 + 3.0 * seconds;
        // The calls sent half a second after the cut and later: none answered.
        let after: Vec<&Call> = run.calls.iter().skip(since + 10).collect();
        let answered = after.iter().filter(|call| call.answered()).count();
        eprintln!(
            "every host cut off: {} calls after the cut, {answered} answered; {retries} retries, \
             at most {most:.0}",
            after.len()
        );
        assert_eq!(answered, 0, "every service is cut off from the gateway");
        assert!(
            retries as f64 <= most,
            "{retries} retries: more than the budget's {most:.0}"
        );
        took("every host cut off", started);
    }

    /// `micro_api_retries_total`, from the gateway's `/metrics`.
    fn gateway_retries(&self) -> u64 {
        let (status, body) = self
            .gateway_get("/metrics")
            .expect("the gateway's /metrics");
        assert_eq!(status, 200, "{body}");
        body.lines()
            .find_map(|line| line.strip_prefix("micro_api_retries_total "))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or_else(|| panic!("no micro_api_retries_total in:\n{body}"))
    }
}

/// Says how long a step took: what these runs add to the test's time.
fn took(what: &str, started: Instant) {
    eprintln!("{what} took {:.1} s", started.elapsed().as_secs_f64());
}

/// Where a run's history goes: beside the lab's journal, in the target folder.
fn history_file(project: &str, name: &str) -> PathBuf {
    let folder: &Path = &target_dir().join("l14-lab").join(project);
    std::fs::create_dir_all(folder).expect("the lab's folder");
    folder.join(format!("{name}.jsonl"))
}
