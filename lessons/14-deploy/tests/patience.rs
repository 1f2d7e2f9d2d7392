//! `deploy.patience`: tries at once, then after 100 ms, each wait twice the last up to 2 s,
//! never past the patience, and gives up with the last error.
//!
//! The clock is tokio's, paused: the waits take no real time, and each try records the
//! instant it started at, to the millisecond.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use l14_deploy::exercises::patience::{FIRST_DELAY, MAX_DELAY, retry_until};
use tokio::time::Instant;

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// An attempt that fails `failures` times (`try N failed`, N from 1), then answers N,
/// taking `takes` each time; and the instants its tries started at, from `start`.
struct Fake {
    start: Instant,
    tries: Arc<Mutex<Vec<Duration>>>,
}

impl Fake {
    fn new() -> Fake {
        Fake {
            start: Instant::now(),
            tries: Arc::default(),
        }
    }

    fn attempt(
        &self,
        failures: usize,
        takes: Duration,
    ) -> impl FnMut() -> std::pin::Pin<Box<dyn Future<Output = anyhow::Result<usize>> + Send>> {
        let (start, tries) = (self.start, self.tries.clone());
        move || {
            let tries = tries.clone();
            Box::pin(async move {
                let number = {
                    let mut tries = tries.lock().unwrap();
                    tries.push(start.elapsed());
                    tries.len()
                };
                tokio::time::sleep(takes).await;
                if number <= failures {
                    anyhow::bail!("try {number} failed");
                }
                Ok(number)
            })
        }
    }

    /// When each try started, in ms from the start.
    fn schedule(&self) -> Vec<u64> {
        let tries = self.tries.lock().unwrap();
        tries.iter().map(|at| at.as_millis() as u64).collect()
    }
}

#[tokio::test(start_paused = true)]
async fn an_attempt_that_works_is_made_once_at_once() {
    let fake = Fake::new();
    let answer = retry_until(ms(10_000), fake.attempt(0, Duration::ZERO)).await;
    assert_eq!(answer.unwrap(), 1);
    assert_eq!(fake.schedule(), [0]);
    assert_eq!(
        fake.start.elapsed(),
        Duration::ZERO,
        "no wait after a success"
    );
}

#[tokio::test(start_paused = true)]
async fn the_waits_double_from_100_ms() {
    let fake = Fake::new();
    let answer = retry_until(ms(60_000), fake.attempt(4, Duration::ZERO)).await;
    assert_eq!(
        answer.unwrap(),
        5,
        "the fifth try works, and its answer is the answer"
    );
    assert_eq!(fake.schedule(), [0, 100, 300, 700, 1500]);
    assert_eq!(fake.schedule()[1], FIRST_DELAY.as_millis() as u64);
}

#[tokio::test(start_paused = true)]
async fn success_stops_the_tries() {
    let fake = Fake::new();
    let answer = retry_until(ms(60_000), fake.attempt(2, Duration::ZERO)).await;
    assert_eq!(answer.unwrap(), 3);
    assert_eq!(fake.schedule(), [0, 100, 300]);
    tokio::time::sleep(ms(10_000)).await;
    assert_eq!(fake.schedule().len(), 3, "nothing is tried after a success");
}

#[tokio::test(start_paused = true)]
async fn the_waits_stop_growing_at_2_s_and_the_last_is_cut_to_the_patience() {
    let fake = Fake::new();
    let answer = retry_until(ms(10_000), fake.attempt(usize::MAX, Duration::ZERO)).await;
    assert!(answer.is_err());
    // 100, 200, 400, 800, 1600, then 2000 each time; from 9100 only 900 ms are left.
    assert_eq!(
        fake.schedule(),
        [0, 100, 300, 700, 1500, 3100, 5100, 7100, 9100, 10_000]
    );
    assert_eq!(MAX_DELAY, ms(5100 - 3100));
    assert_eq!(
        fake.start.elapsed(),
        ms(10_000),
        "it gives up when the patience is spent, not after another wait"
    );
}

#[tokio::test(start_paused = true)]
async fn after_the_patience_the_error_is_the_last_one_and_says_how_long_and_how_many() {
    let fake = Fake::new();
    let error = retry_until(ms(1000), fake.attempt(usize::MAX, Duration::ZERO))
        .await
        .expect_err("it never works");
    assert_eq!(fake.schedule(), [0, 100, 300, 700, 1000]);
    assert_eq!(
        error.root_cause().to_string(),
        "try 5 failed",
        "the last error is the one that says what is wrong now"
    );
    let said = format!("{error:#}");
    assert!(
        !said.contains("try 4") && !said.contains("try 1 "),
        "only the last error: {said}"
    );
    assert!(
        said.contains("5 tries") && said.contains("1s"),
        "the error should say how many tries and how long: {said}"
    );
}

#[tokio::test(start_paused = true)]
async fn zero_patience_is_exactly_one_try_and_its_error_as_it_is() {
    let fake = Fake::new();
    let error = retry_until(Duration::ZERO, fake.attempt(usize::MAX, Duration::ZERO))
        .await
        .expect_err("it never works");
    assert_eq!(fake.schedule(), [0]);
    assert_eq!(
        format!("{error:#}"),
        "try 1 failed",
        "with no patience, the error is what it was without any: nothing added"
    );
}

#[tokio::test(start_paused = true)]
async fn a_patience_shorter_than_the_first_wait_still_tries_at_its_end() {
    let fake = Fake::new();
    let error = retry_until(ms(50), fake.attempt(usize::MAX, Duration::ZERO))
        .await
        .expect_err("it never works");
    assert_eq!(fake.schedule(), [0, 50]);
    assert_eq!(error.root_cause().to_string(), "try 2 failed");
}

#[tokio::test(start_paused = true)]
async fn the_time_the_tries_take_counts_against_the_patience() {
    // Each try takes 300 ms: it ends at 300, waits 100, tries at 400 (ends 700), waits 200,
    // tries at 900 (ends 1200): the patience is spent, and nothing more is tried.
    let fake = Fake::new();
    let error = retry_until(ms(1000), fake.attempt(usize::MAX, ms(300)))
        .await
        .expect_err("it never works");
    assert_eq!(fake.schedule(), [0, 400, 900]);
    assert_eq!(error.root_cause().to_string(), "try 3 failed");
    assert_eq!(fake.start.elapsed(), ms(1200));
}
