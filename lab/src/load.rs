//! The load: the seed's curl, made by a program at a steady rate, every call written down.
//!
//! A person with curl sees one answer at a time and cannot tell a two-second gap from a
//! slow terminal. The load sends `GET /user/say/hello` through the gateways on a fixed
//! schedule — not one call after another, which would slow down exactly when the system
//! does and hide the fault — and records when each call was sent, how long it took and
//! which node answered (the user service says so: `Hello load from user-10.14.0.12-7021`).
//! Each record is appended as soon as the call ends, so a load stopped with Ctrl-C keeps
//! what it saw.
//!
//! It sends each call to the next of the lab's gateways in turn, and on to the one after when
//! a gateway does not take it, as a load balancer would: the [`balancer`](crate::balancer).

use std::future::Future;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio::time::{Instant, MissedTickBehavior};

use crate::balancer::Gateways;
use crate::history::{self, Call, Fault, Outcome, to_micros, unix_ms};

/// How long one call may take before it counts as failed: longer than any deadline of the
/// gateway (5 s by default), so the gateway's own answer is what the history shows.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(6);

/// How long a connection to a gateway may take to open before the call counts as never
/// sent, and goes to the next gateway. A gateway whose host has gone (a node killed, its
/// address still in this machine's neighbour cache) does not refuse a connection: nothing
/// answers, and without this bound every call sent there would wait out [`CALL_TIMEOUT`]
/// and fail. A gateway that is up opens one in a millisecond, even on a busy machine.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// What to call, how often and for how long.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The gateways' base URLs, `http://127.0.0.1:8080`, called in turn.
    pub gateways: Vec<String>,
    /// Calls per second.
    pub rate: u32,
    pub duration: Duration,
    /// The lab's containers behind the gateway (their ids; none for a gateway of no lab),
    /// kept in the history so that its report reads what happened to them, and to no
    /// container of an earlier lab.
    pub containers: Vec<String>,
}

/// The history file's first line: when the load began and what it called.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Start {
    pub started_unix_ms: u64,
    /// The gateways it called (an older history names one, as `gateway`).
    #[serde(alias = "gateway", deserialize_with = "one_or_more")]
    pub gateways: Vec<String>,
    pub rate: u32,
    /// [`Plan::containers`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub containers: Vec<String>,
}

/// A load's whole record: when it began, and every call.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub start: Start,
    /// The calls, in the order they were sent.
    pub calls: Vec<Call>,
    /// How long the load ran.
    pub length: Duration,
}

/// A fault, on the load's clock: from and to counted from the load's start.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub what: String,
    pub from: Duration,
    pub to: Duration,
}

// ANCHOR: run
/// Calls `plan.gateways` in turn on a fixed schedule until `plan.duration` has passed or
/// `stop` ends, writes each call to `history` as it ends, and returns the whole run.
pub async fn run(
    plan: &Plan,
    history: &Path,
    stop: impl Future<Output = ()>,
) -> anyhow::Result<Run> {
    anyhow::ensure!(
        (1..=1000).contains(&plan.rate),
        "--rate {} is not a rate this load keeps: give 1 to 1000 calls a second",
        plan.rate
    );
    anyhow::ensure!(!plan.gateways.is_empty(), "the load has no gateway to call");
    let gateways = Gateways::new(&plan.gateways);
    // A connection a call: one kept from an earlier call may be closing as a gateway stops,
    // and a new one is refused at once when no gateway is there to take it.
    let client = reqwest::Client::builder()
        .timeout(CALL_TIMEOUT)
        .connect_timeout(CONNECT_TIMEOUT)
        .pool_max_idle_per_host(0)
        .build()
        .context("cannot make an HTTP client")?;
    let start = Start {
        started_unix_ms: unix_ms(SystemTime::now()),
        gateways: plan.gateways.clone(),
        rate: plan.rate,
        containers: plan.containers.clone(),
    };
    let mut file = std::fs::File::create(history)
        .with_context(|| format!("cannot write {}", history.display()))?;
    writeln!(file, "{}", serde_json::to_string(&start)?)?;

    // Every call is a task of its own, so that a slow answer does not delay the next call;
    // the ended calls come back through a channel to be written down in one place.
    let (ended, mut ended_calls) = mpsc::unbounded_channel::<Call>();
    let began = Instant::now();
    // A call that is late is sent late, not skipped: a load that skips calls when the
    // machine is busy sends fewer of them exactly when things go wrong.
    let mut schedule = tokio::time::interval(Duration::from_secs(1) / plan.rate);
    schedule.set_missed_tick_behavior(MissedTickBehavior::Burst);
    let mut stop = std::pin::pin!(stop);
    let mut calls = Vec::new();
    let mut sent = 0;
    loop {
        tokio::select! {
            sent_at = schedule.tick() => {
                if sent_at.duration_since(began) >= plan.duration {
                    break;
                }
                let (client, gateways, ended) = (client.clone(), gateways.clone(), ended.clone());
                let first = sent % gateways.len();
                sent += 1;
                tokio::spawn(async move {
                    let at = began.elapsed();
                    let outcome = call(&client, &gateways, first).await;
                    let latency = to_micros(began.elapsed() - at);
                    let _ = ended.send(Call { at: to_micros(at), latency, outcome });
                });
            }
            Some(call) = ended_calls.recv() => calls.push(write(&mut file, call)?),
            () = &mut stop => break,
        }
    }
    // The calls still out end within their timeout; wait for them, so none is lost.
    drop(ended);
    while let Some(call) = ended_calls.recv().await {
        calls.push(write(&mut file, call)?);
    }
    calls.sort_by_key(|call| call.at);
    Ok(Run {
        start,
        calls,
        length: began.elapsed(),
    })
}
// ANCHOR_END: run

/// One call, sent to gateway `first` and on from there: which node answered, or why nothing
/// did.
async fn call(client: &reqwest::Client, gateways: &Arc<Gateways>, first: usize) -> Outcome {
    // Say.Hello, which the user service declares idempotent.
    let response = match gateways.get(client, HELLO, first, true).await {
        Ok(response) => response,
        Err(error) => {
            // Which gateway had the call last: a failure seen through one gateway alone
            // points at that gateway's node, one seen through all at what is behind them.
            let from = error.url().map(gateway_of).unwrap_or_default();
            let why = if error.is_timeout() {
                "timed out".to_string()
            } else if error.is_connect() {
                "the gateway refused the connection".to_string()
            } else {
                format!("{error}")
            };
            return Outcome::Failed(format!("{why}{from}"));
        }
    };
    let status = response.status();
    let from = gateway_of(response.url());
    let body = response.text().await.unwrap_or_default();
    if !status.is_success() {
        let body: String = body.chars().take(FAILURE_KEPT).collect();
        return Outcome::Failed(format!("{status}{from}: {}", body.trim()));
    }
    match node_of(&body) {
        Some(node) => Outcome::Answered(node),
        None => Outcome::Failed(format!("an answer that names no node: {body}")),
    }
}

/// ` (gateway HOST:PORT)`, as a failure names the gateway that had the call.
fn gateway_of(url: &reqwest::Url) -> String {
    match (url.host_str(), url.port_or_known_default()) {
        (Some(host), Some(port)) => format!(" (gateway {host}:{port})"),
        _ => String::new(),
    }
}

/// How much of a failed call's answer the history keeps: the whole of a gateway's error
/// (its message, `may_have_run`, `retry_budget`), not a page someone else's server sent.
const FAILURE_KEPT: usize = 600;

/// What the load calls: the seed's `Say.Hello`, through a gateway.
const HELLO: &str = "/user/say/hello?name=load";

/// A list given as one string (an older history's `gateway`) or as a list.
fn one_or_more<'de, D: serde::Deserializer<'de>>(names: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMore {
        One(String),
        More(Vec<String>),
    }
    Ok(match OneOrMore::deserialize(names)? {
        OneOrMore::One(name) => vec![name],
        OneOrMore::More(names) => names,
    })
}

/// The node in the user service's answer: `{"msg":"Hello load from NODE"}` → `NODE`.
pub fn node_of(body: &str) -> Option<String> {
    let answer: serde_json::Value = serde_json::from_str(body).ok()?;
    let message = answer.get("msg")?.as_str()?;
    let (_, node) = message.rsplit_once(" from ")?;
    (!node.is_empty()).then(|| node.to_string())
}

fn write(file: &mut std::fs::File, call: Call) -> anyhow::Result<Call> {
    writeln!(file, "{}", serde_json::to_string(&call)?).context("cannot write the history")?;
    Ok(call)
}

impl Run {
    /// A history written by [`run`]: its first line, then one call a line.
    pub fn read(path: &Path) -> anyhow::Result<Run> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let mut lines = text.lines().filter(|line| !line.trim().is_empty());
        let first = lines
            .next()
            .with_context(|| format!("{} is empty: not a load's history", path.display()))?;
        let start: Start = serde_json::from_str(first)
            .with_context(|| format!("{}:1: not the start of a load's history", path.display()))?;
        let mut calls = Vec::new();
        for (number, line) in lines.enumerate() {
            let call: Call = serde_json::from_str(line)
                .with_context(|| format!("{}:{}: not a call", path.display(), number + 2))?;
            calls.push(call);
        }
        calls.sort_by_key(|call| call.at);
        let length = calls
            .iter()
            .map(|call| call.at + call.latency)
            .max()
            .unwrap_or_default();
        Ok(Run {
            start,
            calls,
            length,
        })
    }

    /// The faults of the journal at `journal` that overlap this run, on its clock. A fault
    /// still on at the end is drawn to the end.
    pub fn windows(&self, journal: &Path) -> anyhow::Result<Vec<Window>> {
        let faults: Vec<Fault> = history::read_all(journal)?;
        Ok(self.windows_of(&faults))
    }

    /// [`Run::windows`] for faults already read.
    pub fn windows_of(&self, faults: &[Fault]) -> Vec<Window> {
        let began = self.start.started_unix_ms;
        let ended = began + self.length.as_millis() as u64;
        let on_this_clock = |unix_ms: u64| Duration::from_millis(unix_ms.saturating_sub(began));
        faults
            .iter()
            .filter(|fault| fault.from_unix_ms < ended)
            .filter(|fault| fault.to_unix_ms.is_none_or(|to| to > began))
            .map(|fault| Window {
                what: fault.what.clone(),
                from: on_this_clock(fault.from_unix_ms),
                to: on_this_clock(fault.to_unix_ms.unwrap_or(ended).min(ended)),
            })
            .collect()
    }
}
