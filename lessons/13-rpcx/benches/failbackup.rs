//! What a hedged call saves when one of two servers is slow:
//! `cargo bench -p l13-rpcx --features solution --bench failbackup` (or, once your
//! `rpcx.backup` passes, without `--features solution`: it measures your answer).
//!
//! Two of the lesson's servers in this process, one answering at once and one 20 ms late.
//! 1000 calls each way: Failtry with random selection (half the calls meet the slow server,
//! and wait for it), and Failbackup (`call_with_backup`, the first server random too, a
//! backup after rpcx's `BackupLatency` of 10 ms). Printed: each way's latency at the 50th,
//! 90th and 99th percentile and its worst.

use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use l13_rpcx::arith::Args;
use l13_rpcx::exercises::backup::call_with_backup;
use l13_rpcx::header::Serialize;
use l13_rpcx::select::Random;
use l13_rpcx::server::{self, Options};
use l13_rpcx::xclient::{FailMode, XClient};
use micro::registry::Node;
use rand::seq::SliceRandom;
use tokio::net::TcpListener;

const CALLS: usize = 1000;
const SLOW: Duration = Duration::from_millis(20);
const BACKUP_LATENCY: Duration = Duration::from_millis(10);

async fn start(answer_after: Duration) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address").to_string();
    tokio::spawn(server::serve(
        listener,
        Options { answer_after },
        std::future::pending(),
    ));
    addr
}

fn print(way: &str, histogram: &Histogram<u64>) {
    let ms = |value: u64| value as f64 / 1000.0;
    println!(
        "{way:<24} p50 {:>6.2} ms  p90 {:>6.2} ms  p99 {:>6.2} ms  max {:>6.2} ms",
        ms(histogram.value_at_quantile(0.5)),
        ms(histogram.value_at_quantile(0.9)),
        ms(histogram.value_at_quantile(0.99)),
        ms(histogram.max()),
    );
}

#[tokio::main]
async fn main() {
    let (fast, slow) = (start(Duration::ZERO).await, start(SLOW).await);
    let args = Args { a: 7, b: 8 };
    println!("{CALLS} calls, two servers, one answering {SLOW:?} late:");

    let servers: Vec<Node> = [&fast, &slow]
        .iter()
        .map(|address| Node {
            id: format!("tcp@{address}"),
            address: address.to_string(),
            ..Node::default()
        })
        .collect();
    let (_keep, servers) = tokio::sync::watch::channel(servers);
    let client = XClient::new(
        "Arith",
        servers,
        FailMode::Failtry,
        Box::new(Random),
        Serialize::MsgPack,
    );
    let mut failtry = Histogram::<u64>::new(3).expect("a histogram");
    for _ in 0..CALLS {
        let started = Instant::now();
        client.call::<_, i64>("Mul", &args).await.expect("a call");
        failtry
            .record(started.elapsed().as_micros() as u64)
            .expect("record");
    }
    print("Failtry, random", &failtry);

    let mut failbackup = Histogram::<u64>::new(3).expect("a histogram");
    let mut order = [fast.as_str(), slow.as_str()];
    for _ in 0..CALLS {
        order.shuffle(&mut rand::rng());
        let started = Instant::now();
        call_with_backup::<_, i64>(order, "Mul", &args, BACKUP_LATENCY)
            .await
            .expect("a call");
        failbackup
            .record(started.elapsed().as_micros() as u64)
            .expect("record");
    }
    print("Failbackup, 10 ms", &failbackup);
}
