//! How many images a second the gateway serves, against how many this machine can draw.
//!
//! ```text
//! cargo run --release -p l10-gateway --example load -- http://127.0.0.1:7010 32 10
//! ```
//!
//! First it draws captchas itself for the given seconds, on as many threads as it would
//! send requests (the most the services behind the gateway could ever do on this machine);
//! then it keeps `concurrency` requests for images in flight against the gateway, each
//! with a new uuid, and prints images/s and the latency percentiles of both.

use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len());
    sorted[at - 1]
}

fn report(what: &str, mut latencies: Vec<Duration>, errors: usize, took: Duration) {
    latencies.sort();
    if latencies.is_empty() {
        println!("{what}: nothing succeeded ({errors} errors)");
        return;
    }
    println!(
        "{what}: {} images in {:.1} s = {:.0} images/s, p50 {:.1} ms, p99 {:.1} ms, {errors} errors",
        latencies.len(),
        took.as_secs_f64(),
        latencies.len() as f64 / took.as_secs_f64(),
        percentile(&latencies, 0.50).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
    );
}

/// Draws a captcha as lesson 09's service does (4 characters, 128×64, three filters).
fn draw() -> usize {
    use captcha::filters::{Dots, Noise, Wave};
    let mut captcha = captcha::Captcha::new();
    captcha
        .add_chars(4)
        .apply_filter(Noise::new(0.2))
        .apply_filter(Wave::new(2.0, 8.0).horizontal())
        .apply_filter(Dots::new(8))
        .view(128, 64);
    captcha.as_tuple().map_or(0, |(_, png)| png.len())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let base = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:7010".into());
    let concurrency: usize = args.next().map_or(Ok(1), |n| n.parse())?;
    let seconds: u64 = args.next().map_or(Ok(10), |n| n.parse())?;
    let duration = Duration::from_secs(seconds);

    // The raw rate: drawing only, on `concurrency` threads.
    let started = Instant::now();
    let drawers: Vec<_> = (0..concurrency)
        .map(|_| {
            std::thread::spawn(move || {
                let mut latencies = Vec::new();
                while started.elapsed() < duration {
                    let one = Instant::now();
                    draw();
                    latencies.push(one.elapsed());
                }
                latencies
            })
        })
        .collect();
    let drawn: Vec<Duration> = drawers
        .into_iter()
        .flat_map(|drawer| drawer.join().expect("a drawer"))
        .collect();
    report(
        &format!("drawing in this process, {concurrency} thread(s)"),
        drawn,
        0,
        started.elapsed(),
    );

    // Through the gateway: `concurrency` requests in flight, a new uuid each.
    let client = reqwest::Client::new();
    let started = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let client = client.clone();
            let base = base.clone();
            tokio::spawn(async move {
                let (mut latencies, mut errors) = (Vec::new(), 0);
                while started.elapsed() < duration {
                    let url = format!("{base}/api/v1.0/imagecode/{}", uuid::Uuid::new_v4());
                    let one = Instant::now();
                    match client.get(&url).send().await {
                        Ok(response) if response.status().is_success() => {
                            let _png = response.bytes().await;
                            latencies.push(one.elapsed());
                        }
                        _ => errors += 1,
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let (mut served, mut errors) = (Vec::new(), 0);
    for worker in workers {
        let (latencies, failed) = worker.await?;
        served.extend(latencies);
        errors += failed;
    }
    report(
        &format!("through the gateway at {base}, {concurrency} in flight"),
        served,
        errors,
        started.elapsed(),
    );
    Ok(())
}
