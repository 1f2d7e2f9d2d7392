//! The lab's Prometheus (chapter 15), asked through its API as an operator would: it finds
//! every host's service through host-a's gateway (its targets), and a killed host's targets
//! go `up == 0` (a query).
//!
//! Prometheus changes on its own clock, a scrape a second, and the story's steps wait for
//! seconds on the lab anyway. So each question is asked in the background, from a thread
//! of its own, while the steps after it run, and its answer is awaited only where the story
//! needs it: it costs the test the time it is still waiting then, most often none.
//!
//! Where this machine has no Prometheus, the lab comes up without one (`up` says so), and
//! these checks say so and pass.

use std::collections::BTreeSet;
use std::thread::JoinHandle;
use std::time::Instant;

use testkit::PrometheusApi;

use crate::checks::PATIENCE;
use crate::lab::TestLab;

/// A question put to Prometheus in the background; [`Watch::holds`] awaits its answer.
pub(crate) struct Watch {
    what: &'static str,
    started: Instant,
    thread: Option<JoinHandle<()>>,
}

impl Watch {
    fn start(what: &'static str, check: impl FnOnce() + Send + 'static) -> Watch {
        Watch {
            what,
            started: Instant::now(),
            thread: Some(std::thread::spawn(check)),
        }
    }

    /// No watch: the lab has no Prometheus.
    fn none(what: &'static str) -> Watch {
        Watch {
            what,
            started: Instant::now(),
            thread: None,
        }
    }

    /// Waits for the answer: a failure of the check fails the test here.
    pub(crate) fn holds(self) {
        let Some(thread) = self.thread else {
            return;
        };
        let waited = Instant::now();
        // deadline: the check asks Prometheus within its own (`wait_at_most`, PATIENCE)
        if let Err(panic) = thread.join() {
            std::panic::resume_unwind(panic);
        }
        eprintln!(
            "prometheus: {} ({:.1} s after the question, {:.1} s of it waited for here)",
            self.what,
            self.started.elapsed().as_secs_f64(),
            waited.elapsed().as_secs_f64()
        );
    }
}

impl TestLab {
    /// The lab's Prometheus, published on the port after host-c's gateway's; `None`, said
    /// once, where this machine has none to run.
    fn prometheus(&self) -> Option<PrometheusApi> {
        match l14_deploy::lab::find_prometheus() {
            Ok(_) => Some(PrometheusApi::at(format!(
                "127.0.0.1:{}",
                self.api_port + 3
            ))),
            Err(why) => {
                eprintln!("prometheus: skipped, the lab has none ({why})");
                None
            }
        }
    }

    /// In the background: Prometheus finds each host's user service through host-a's gateway
    /// (HTTP service discovery), and scrapes it and each gateway. Each target needs to be
    /// seen up once: a partition of host-c, the next step, takes its service out of the
    /// registry for a while.
    pub(crate) fn prometheus_finds_every_service(&self) -> Watch {
        const WHAT: &str = "found every host's service through host-a's gateway";
        let Some(prometheus) = self.prometheus() else {
            return Watch::none(WHAT);
        };
        // (host, "job instance"): each host's service, found through the gateway, and its
        // gateway, named in the configuration.
        let mut wanted = BTreeSet::new();
        for host in ["host-a", "host-b", "host-c"] {
            let service = format!("micro {}:7021", self.address(host));
            wanted.insert((host.to_string(), service));
            wanted.insert((host.to_string(), format!("micro-api {host}:8080")));
        }
        Watch::start(WHAT, move || {
            let mut seen = BTreeSet::new();
            ask(
                &prometheus,
                "every host's targets, up",
                |prometheus| async move { prometheus.targets().await },
                |targets| {
                    for target in targets.iter().filter(|target| target["health"] == "up") {
                        let labels = &target["labels"];
                        let (Some(host), Some(job), Some(instance)) = (
                            labels["host"].as_str(),
                            labels["job"].as_str(),
                            labels["instance"].as_str(),
                        ) else {
                            continue;
                        };
                        // A service's target carries what the gateway said of it.
                        if job == "micro" && labels["service"] != "user" {
                            continue;
                        }
                        seen.insert((host.to_string(), format!("{job} {instance}")));
                    }
                    wanted.is_subset(&seen)
                },
            );
        })
    }

    /// In the background, from the moment host-c was killed (`killed`): each of its targets,
    /// its gateway's and its service's, is scraped as down (`up == 0`). Its service's target
    /// is scraped until the registry lets the node go (its lease runs out after 10 s), and
    /// its gateway's for as long as Prometheus runs, so the query looks at every scrape
    /// since the kill, not at the last alone.
    pub(crate) fn prometheus_sees_host_c_down(&self, killed: Instant) -> Watch {
        const WHAT: &str = "saw host-c's gateway and service go up == 0";
        let Some(prometheus) = self.prometheus() else {
            return Watch::none(WHAT);
        };
        Watch::start(WHAT, move || {
            let down_since_the_kill = |samples: &Vec<serde_json::Value>| {
                let down = |job: &str| {
                    samples
                        .iter()
                        .any(|sample| sample["metric"]["job"] == job && sample["value"][1] == "0")
                };
                down("micro") && down("micro-api")
            };
            ask(
                &prometheus,
                "host-c's targets down since the kill",
                move |prometheus| async move {
                    // Whole seconds since the kill: no scrape from before it counts.
                    let seconds = killed.elapsed().as_secs();
                    if seconds == 0 {
                        return Vec::new();
                    }
                    let promql =
                        format!(r#"min by (job) (min_over_time(up{{host="host-c"}}[{seconds}s]))"#);
                    prometheus.query(&promql).await
                },
                down_since_the_kill,
            );
        })
    }
}

/// Asks `question` of `prometheus` every 100 ms until `good` holds for its answer, for at
/// most the story's patience (a busy machine runs Prometheus late).
fn ask<T: std::fmt::Debug, F: Future<Output = T>>(
    prometheus: &PrometheusApi,
    what: &str,
    mut question: impl FnMut(PrometheusApi) -> F,
    good: impl FnMut(&T) -> bool,
) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the questions to Prometheus");
    runtime.block_on(prometheus.wait_at_most(
        PATIENCE,
        what,
        || question(prometheus.clone()),
        good,
    ));
}
