//! `deregister.keep-registered`: an instance the agent forgets comes back within a few
//! rounds: after a deregistration behind its back, and after the agent restarts on the same
//! port with nothing registered. After `stop`, it stays away. Watched with blocking queries.

mod support;

use std::time::Duration;

use l08_deregister::exercises::keep_registered::keep_registered;
use l08_deregister::ttl::ttl_check;
use support::{until_gone, until_listed, while_running};
use testkit::{PATIENCE, within};
use tokio::sync::oneshot;

const EVERY: Duration = Duration::from_millis(200);

fn registration_on(url: &str, name: &str) -> l08_deregister::registered::Registration {
    let addr = "127.0.0.1:7108".parse().unwrap();
    support::registration(url, name, addr, |instance| {
        ttl_check(instance, Duration::from_secs(60), Duration::from_secs(60))
    })
}

#[tokio::test]
async fn deregistered_behind_its_back_it_comes_back_and_after_stop_it_stays_away() {
    let agent = testkit::consul().await;
    let name = support::unique_name("back");
    let registration = registration_on(agent.url(), &name);
    let id = registration.instance.id.clone();
    let other = consul_ext::client_for(agent.url()).unwrap();

    let (stop, stopped) = oneshot::channel::<()>();
    let mut keeping = tokio::spawn(async move {
        keep_registered(&registration, EVERY, async {
            let _ = stopped.await;
        })
        .await
    });
    while_running(&mut keeping, until_listed(agent.url(), &name, &id)).await;

    // Someone removes it; the next round puts it back.
    consulrs::service::deregister(&other, &id, None)
        .await
        .expect("deregister behind its back");
    while_running(&mut keeping, until_listed(agent.url(), &name, &id)).await;

    stop.send(()).unwrap();
    within("keep_registered to return after stop", keeping)
        .await
        .expect("the keep_registered task");

    // Stopped: removed now, it stays removed (five rounds' time of blocking queries).
    consulrs::service::deregister(&other, &id, None)
        .await
        .expect("deregister after stop");
    until_gone(agent.url(), &name, PATIENCE).await;
    let stays_away = tokio::time::timeout(EVERY * 5, until_listed(agent.url(), &name, &id));
    assert!(
        std::panic::AssertUnwindSafe(stays_away).await.is_err(),
        "registered again after stop: a stopped server must not come back"
    );
}

#[tokio::test]
async fn an_agent_that_restarts_empty_gets_the_instance_back() {
    // An agent of our own, so that it can be stopped and started again on the same port.
    let config = devconsul::Config {
        http_addr: ([127, 0, 0, 1], 0).into(),
        ..devconsul::Config::default()
    };
    let first = devconsul::Agent::start(config.clone())
        .await
        .expect("start the agent");
    let http_addr = first.http_addr();
    let url = first.url().trim_end_matches('/').to_string();

    let name = support::unique_name("restart");
    let registration = registration_on(&url, &name);
    let id = registration.instance.id.clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let mut keeping = tokio::spawn(async move {
        keep_registered(&registration, EVERY, async {
            let _ = stopped.await;
        })
        .await
    });
    while_running(&mut keeping, until_listed(&url, &name, &id)).await;

    // The agent goes away (its registrations with it) and comes back on the same port.
    within("the agent to stop", first.shutdown()).await;
    // While it is away, something else takes its port and hangs up on the next round: a
    // registration fails, and the loop must live through it.
    let impostor = tokio::net::TcpListener::bind(http_addr)
        .await
        .expect("the agent's port, free again");
    let (attempt, _) = within("a registration while the agent is away", impostor.accept())
        .await
        .expect("accept");
    drop((attempt, impostor));
    let second = devconsul::Agent::start(devconsul::Config {
        http_addr,
        ..config
    })
    .await
    .expect("start the agent again on the same port");
    while_running(&mut keeping, until_listed(&url, &name, &id)).await;

    stop.send(()).unwrap();
    within("keep_registered to return after stop", keeping)
        .await
        .expect("the keep_registered task");
    second.shutdown().await;
}
