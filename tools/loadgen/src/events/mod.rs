//! `loadgen events`: how long lesson 12's brokers take to carry a message from the service
//! that publishes it to the one that subscribed, and how many they carry per second.
//!
//! Unlike the other subcommands, nothing answers here: a publisher hands a message to the
//! broker and goes on, and the message turns up later in a subscriber's handler. So both
//! ends run in this process, on two brokers of lesson 12's own code (two connections to
//! NATS, or two HTTP brokers sharing a registry), each message's body carries the moment it
//! was published, and the subscriber's handler takes the difference ([`tally`]).
//!
//! A run publishes `--warmup` messages and waits for them (not measured), then `--messages`
//! more with `--concurrency` publishes in flight (and at most `--rate` a second, if given),
//! and waits up to [`DRAIN`] after the last publish for the deliveries still on their way.

pub mod tally;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{Context as _, bail, ensure};
use micro::broker::flags::BrokerFlags;
use micro::broker::{Broker, Message, SubscribeOptions, handler};
use micro::registry::Registry;
use tokio::time::Instant;

use crate::runner::{DRAIN, LONGEST_RUN};
use crate::stats::{Recorder, Report, RunInfo};
use tally::{EventsReport, Tally};

/// At most this many messages in one run (the tally keeps a byte for each).
pub const MOST_MESSAGES: u64 = 10_000_000;

/// At most this many publishes in flight at once.
pub const MOST_CONCURRENCY: usize = 4096;

/// What the command line asked for.
#[derive(Clone)]
pub struct EventsOptions {
    /// Which broker, and where: lesson 12's `--broker` and `--broker-address`.
    pub broker: BrokerFlags,
    /// The registry the http broker finds its subscriber in (one registry for both ends).
    pub registry: Option<Arc<dyn Registry>>,
    /// Messages measured.
    pub messages: u64,
    /// Messages published and awaited before the measured ones.
    pub warmup: u64,
    /// Publishes in flight at once.
    pub concurrency: usize,
    /// Messages per second at most, over all publishes; `None`: as fast as they go.
    pub rate: Option<f64>,
}

impl EventsOptions {
    /// Bounds the numbers and refuses a NATS server that is not on this machine.
    pub async fn check(&self) -> anyhow::Result<()> {
        ensure!(
            (1..=MOST_MESSAGES).contains(&self.messages),
            "--messages must be between 1 and {MOST_MESSAGES}"
        );
        ensure!(
            self.warmup <= MOST_MESSAGES - self.messages,
            "--warmup and --messages together must be at most {MOST_MESSAGES}"
        );
        ensure!(
            (1..=MOST_CONCURRENCY).contains(&self.concurrency),
            "--concurrency must be between 1 and {MOST_CONCURRENCY}"
        );
        if let Some(rate) = self.rate {
            ensure!(rate >= 1.0 && rate.is_finite(), "--rate must be 1 or more");
            let takes = (self.warmup + self.messages) as f64 / rate;
            ensure!(
                takes <= LONGEST_RUN.as_secs_f64(),
                "refusing a run of {takes:.0}s at --rate {rate}: at most {LONGEST_RUN:?}"
            );
        }
        match self.broker.name.as_str() {
            "nats" => {
                let url = micro::broker::nats::server_url(self.broker.address.as_deref());
                for server in url.split(',') {
                    crate::target::loopback(&host_and_port(server)).await?;
                }
            }
            "http" => {
                ensure!(self.registry.is_some(), "the http broker needs a registry");
                if let Some(listen) = &self.broker.address {
                    crate::target::loopback(listen).await?;
                }
            }
            other => bail!("unknown broker {other:?}: use nats or http"),
        }
        Ok(())
    }
}

/// `HOST:PORT` of a NATS URL such as `nats://user:pass@127.0.0.1:4222` (4222 if none).
fn host_and_port(url: &str) -> String {
    let url = url.trim();
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, rest)| rest);
    let rest = rest.trim_end_matches('/');
    if rest
        .rsplit_once(':')
        .is_some_and(|(_, port)| !port.contains(']'))
    {
        rest.to_owned()
    } else {
        format!("{rest}:4222")
    }
}

/// One events run: subscribe, warm up, publish the measured messages, collect.
pub async fn run(options: &EventsOptions) -> anyhow::Result<EventsReport> {
    options.check().await?;
    let open = || async {
        let broker = options.broker.open(options.registry.clone()).await;
        broker.context("cannot open the broker (is it running?)")
    };
    // Two brokers: the subscribing service and the publishing one, as two programs would.
    let subscriber_side = open().await?;
    let publisher_side = open().await?;
    // A topic of this run alone: no other run's messages land in its tally.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    let nanos = now.map_or(0, |since| since.as_nanos());
    let topic = format!("loadgen.events.{}.{nanos}", std::process::id());
    let total = options.warmup + options.messages;
    let clock = Instant::now();
    let tally = Tally::new(total, options.warmup, clock);
    let counting = tally.clone();
    let count = handler(move |event| {
        counting.delivered(&event.message.body);
        async { Ok(()) }
    });
    let subscription = subscriber_side
        .subscribe(&topic, SubscribeOptions::default(), count)
        .await?;

    let warmup_started = Instant::now();
    let mut record = publish(&publisher_side, &topic, 0..options.warmup, options, clock).await;
    tally.wait_for(options.warmup, DRAIN).await;
    let warmup_took = warmup_started.elapsed();

    let started = Instant::now();
    record.merge(
        publish(
            &publisher_side,
            &topic,
            options.warmup..total,
            options,
            clock,
        )
        .await,
    );
    tally.wait_for(total, DRAIN).await;
    // The measured time ends with the last delivery (or the last publish, if none came).
    let ended = tally
        .last_delivery()
        .unwrap_or_else(Instant::now)
        .max(started);

    subscription.unsubscribe().await?;
    publisher_side.disconnect().await?;
    subscriber_side.disconnect().await?;
    let not_published = record.error_total();
    let (record, counts) = tally.finish(record);
    let info = RunInfo {
        protocol: "events",
        addr: publisher_side.describe(),
        // One publishing connection, `--concurrency` publishes outstanding on it.
        connections: 1,
        pipeline: options.concurrency,
        warmup: warmup_took,
        duration: (ended - started).max(Duration::from_micros(1)),
        unit: "msg",
    };
    Ok(EventsReport {
        report: Report::new(info, record),
        counts,
        not_published,
    })
}

/// Publishes the messages numbered `numbers`, `options.concurrency` at a time; returns the
/// publishes the broker refused, as errors.
async fn publish(
    broker: &Arc<dyn Broker>,
    topic: &str,
    numbers: std::ops::Range<u64>,
    options: &EventsOptions,
    clock: Instant,
) -> Recorder {
    // Each publisher takes the next number until none are left.
    let next = Arc::new(AtomicU64::new(numbers.start));
    let started = Instant::now();
    let every = options.rate.map(|rate| Duration::from_secs_f64(1.0 / rate));
    let publishers: Vec<_> = (0..options.concurrency)
        .map(|_| {
            let (broker, topic, next) = (broker.clone(), topic.to_owned(), next.clone());
            let first = numbers.start;
            let end = numbers.end;
            tokio::spawn(async move {
                let mut record = Recorder::new();
                loop {
                    let number = next.fetch_add(1, Ordering::Relaxed);
                    if number >= end {
                        return record;
                    }
                    if let Some(every) = every {
                        // Message k of this batch goes out k intervals after its start.
                        let k = (number - first) as f64;
                        tokio::time::sleep_until(started + every.mul_f64(k)).await;
                    }
                    let message = Message::new(tally::body(number, clock));
                    if let Err(error) = broker.publish(&topic, &message).await {
                        record.error("not published", || format!("{error:#}"));
                    }
                }
            })
        })
        .collect();
    let mut total = Recorder::new();
    for publisher in publishers {
        match publisher.await {
            Ok(record) => total.merge(record),
            Err(failed) => total.error("publisher failed", || failed.to_string()),
        }
    }
    total
}
