//! Exercise `captcha.health`: `cargo test -p l09-captcha --test health_probe`.
//!
//! First with a probe the test answers itself, round by round, to check the rules exactly;
//! then with a PING of a real Redis that is killed and started again.

mod support;

use std::time::Duration;

use l09_captcha::exercises::health::follow;
use l09_captcha::store::Codes;
use support::{OwnRedis, health_pair, status_of, until_status};
use testkit::within;
use tokio::sync::{mpsc, oneshot};
use tokio_stream::Stream;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_server::Health;
use tonic_health::server::{HealthService, WatchStream};

const SERVICE: &str = "captcha.Captcha";

/// A probe whose every answer the test gives: each call asks the test for one.
type Ask = oneshot::Sender<Result<(), String>>;

/// One run of the scripted probe.
type Probing = std::pin::Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

fn scripted_probe() -> (impl FnMut() -> Probing, mpsc::Receiver<Ask>) {
    let (asks, asked) = mpsc::channel::<Ask>(1);
    let probe = move || {
        let asks = asks.clone();
        Box::pin(async move {
            let (answer, answered) = oneshot::channel();
            asks.send(answer).await.map_err(|_| "the test is gone")?;
            // deadline: a probe of the test's own, which the server under test calls and the
            // test answers; the test waits for what follows within a bound
            answered
                .await
                .map_err(|_| "the test gave no answer".to_string())?
        }) as Probing
    };
    (probe, asked)
}

/// What was set since the last look, if anything: the watch stream's next status when it
/// is ready at once. The test looks once a round is over, after its status was set.
fn set_since_last_look(sets: &mut WatchStream) -> Option<ServingStatus> {
    let mut look = std::task::Context::from_waker(std::task::Waker::noop());
    match std::pin::Pin::new(sets).poll_next(&mut look) {
        std::task::Poll::Ready(Some(set)) => Some(set.expect("a health status").status()),
        std::task::Poll::Ready(None) => panic!("the health watch ended"),
        std::task::Poll::Pending => None,
    }
}

#[tokio::test]
async fn slow_to_go_down_quick_to_come_back() {
    let (reporter, mut health) = health_pair().await;
    // Every set of the status, as a watcher in this process hears it.
    let watcher = HealthService::from_health_reporter(reporter.clone());
    let (probe, mut asked) = scripted_probe();
    let (stop, stopped) = oneshot::channel::<()>();
    let following = tokio::spawn(async move {
        let stop = async {
            let _ = stopped.await;
        };
        follow(probe, reporter, SERVICE, Duration::from_millis(1), 3, stop).await;
    });

    // The next probe is asked for only once the previous round's status is set: that is
    // when the test looks.
    let mut next_round = async || -> Ask {
        within("the follower to run the probe", asked.recv())
            .await
            .expect("the follower ended (or panicked) instead of probing again")
    };
    let mut round = next_round().await;
    assert_eq!(
        status_of(&mut health, SERVICE).await,
        ServingStatus::NotServing,
        "before the first probe the status is NOT_SERVING"
    );
    let request = tonic::Request::new(HealthCheckRequest {
        service: SERVICE.into(),
    });
    let mut sets = watcher
        .watch(request)
        .await
        .expect("a health watch")
        .into_inner();
    let mut last = set_since_last_look(&mut sets).expect("the status now, first on a watch");

    // (what the probe answers, the status expected after that round)
    let script = [
        (Ok(()), ServingStatus::Serving, "a success sets SERVING"),
        (
            Err("lost"),
            ServingStatus::Serving,
            "one failure is not three",
        ),
        (
            Err("lost"),
            ServingStatus::Serving,
            "two failures are not three",
        ),
        (
            Ok(()),
            ServingStatus::Serving,
            "a success starts the count again",
        ),
        (
            Err("lost"),
            ServingStatus::Serving,
            "one failure after a success",
        ),
        (
            Err("lost"),
            ServingStatus::Serving,
            "two failures after a success",
        ),
        (
            Err("down"),
            ServingStatus::NotServing,
            "three failures in a row",
        ),
        (Err("down"), ServingStatus::NotServing, "still down"),
        (
            Ok(()),
            ServingStatus::Serving,
            "the first success after going down",
        ),
    ];
    for (step, (answer, expected, why)) in script.into_iter().enumerate() {
        let _ = round.send(answer.map_err(String::from));
        round = next_round().await;
        assert_eq!(
            status_of(&mut health, SERVICE).await,
            expected,
            "step {step}: {why}"
        );
        let set = set_since_last_look(&mut sets);
        if expected == last {
            assert_eq!(
                set,
                None,
                "step {step}: {why}, and the status, already {}, was set again: watchers should hear only changes",
                last.as_str_name()
            );
        } else {
            assert_eq!(set, Some(expected), "step {step}: {why}");
        }
        last = expected;
    }

    // The stop comes while a probe is still waiting for its answer.
    let _ = stop.send(());
    within("the follower to end on stop, mid-probe", following)
        .await
        .expect("no panic");
    drop(round);
}

#[tokio::test]
async fn follows_a_real_redis_down_and_up_again() {
    let mut redis = OwnRedis::start().await;
    let codes = Codes::new(&redis.url()).unwrap();
    let (reporter, mut health) = health_pair().await;
    let (stop, stopped) = oneshot::channel::<()>();
    let probe = move || {
        let codes = codes.clone();
        async move { codes.ping().await.map_err(|error| error.to_string()) }
    };
    let following = tokio::spawn(async move {
        let stop = async {
            let _ = stopped.await;
        };
        follow(probe, reporter, SERVICE, Duration::from_millis(50), 2, stop).await;
    });

    until_status(&mut health, SERVICE, ServingStatus::Serving).await;
    redis.kill();
    until_status(&mut health, SERVICE, ServingStatus::NotServing).await;
    redis.start_again().await;
    until_status(&mut health, SERVICE, ServingStatus::Serving).await;

    let _ = stop.send(());
    within("the follower to end on stop", following)
        .await
        .expect("no panic");
}
