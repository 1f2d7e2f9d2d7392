//! `deregister.heartbeat`: on a real agent, a TTL check that passes while a work loop makes
//! progress, turns critical when the loop is stuck, passes again when it moves, and stops
//! beating on `stop`.

mod support;

use std::time::Duration;

use l08_deregister::exercises::heartbeat::heartbeat;
use l08_deregister::ttl::{Progress, ttl_check, ttl_check_id};
use support::{until_critical, until_passing, while_running};
use testkit::within;
use tokio::sync::{oneshot, watch};

const BEAT: Duration = Duration::from_millis(200);
const TTL: Duration = Duration::from_secs(3);

#[tokio::test]
async fn passing_while_the_work_moves_critical_while_it_is_stuck() {
    let agent = testkit::consul().await;
    let name = support::unique_name("beat");
    let addr = "127.0.0.1:7108".parse().unwrap();
    let registration = support::registration(agent.url(), &name, addr, |instance| {
        ttl_check(instance, TTL, Duration::from_secs(60))
    });
    registration.register().await.expect("register");
    let check_id = ttl_check_id(&registration.instance);

    // The work loop: a round every 20 ms while `working` is true.
    let progress = Progress::new();
    let (working, mut work) = watch::channel(true);
    tokio::spawn({
        let progress = progress.clone();
        async move {
            loop {
                if !*work.borrow() && work.changed().await.is_err() {
                    return;
                }
                progress.advance();
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    });

    let (stop, stopped) = oneshot::channel::<()>();
    let mut beating = tokio::spawn({
        let client = consul_ext::client_for(agent.url()).unwrap();
        let progress = progress.clone();
        async move {
            heartbeat(&client, &check_id, BEAT, &progress, async {
                let _ = stopped.await;
            })
            .await
        }
    });

    while_running(&mut beating, until_passing(agent.url(), &name)).await;

    // Stuck: the beats go on, the rounds do not. Within the TTL (3 s) at most, the check
    // should say critical: a heartbeat that passes on every beat never lets it.
    working.send(false).unwrap();
    let output = while_running(&mut beating, until_critical(agent.url(), &name)).await;
    println!("stuck: {output}");

    // Moving again: passing again.
    working.send(true).unwrap();
    while_running(&mut beating, until_passing(agent.url(), &name)).await;

    stop.send(()).unwrap();
    within("the heartbeat to end after stop", beating)
        .await
        .expect("the heartbeat task");
    registration.deregister().await.expect("deregister");
}
