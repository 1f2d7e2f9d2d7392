//! `shared::discovery` against a real agent (`testkit::consul`): the watcher's updates
//! arrive as instances come and go, it backs off while the agent is down, and it stops.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use shared::consul::Instance;
use shared::discovery::{Healthy, WatchOptions, watch_healthy};
use testkit::{PATIENCE, within};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};

/// Waits for the next published set and returns its ports, sorted.
async fn next_ports(healthy: &mut watch::Receiver<Healthy>) -> Vec<u16> {
    within("the watcher's next update", healthy.changed())
        .await
        .expect("the watcher stopped");
    let mut ports: Vec<u16> = healthy
        .borrow_and_update()
        .iter()
        .flatten()
        .map(|entry| entry.service.port)
        .collect();
    ports.sort();
    ports
}

/// Reads the watcher's updates until one holds exactly `wanted` (sorted). A set in between
/// is no failure: on a loaded machine a health probe can time out, and the watcher rightly
/// publishes an instance's moment of being critical.
async fn until_ports(healthy: &mut watch::Receiver<Healthy>, wanted: &[u16]) {
    let mut seen = Vec::new();
    let wait = async {
        loop {
            let ports = next_ports(healthy).await;
            if ports == wanted {
                return;
            }
            seen.push(ports);
        }
    };
    if tokio::time::timeout(PATIENCE, wait).await.is_err() {
        panic!("the watcher never published {wanted:?}; it published {seen:?}");
    }
}

/// A Greeter on a free port, registered as an instance of `name` with a gRPC check.
async fn greeter(client: &consulrs::client::ConsulClient, name: &str) -> Instance {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(shared::grpc::serve(listener, std::future::pending()));
    let instance = Instance::new(name, addr);
    let check = instance.grpc_check("hello.Greeter", Duration::from_secs(1), PATIENCE * 12);
    instance.register(client, check).await.expect("register");
    instance
}

#[tokio::test]
async fn updates_arrive_as_instances_come_and_go() {
    let agent = testkit::consul().await;
    let client = consul_ext::client_for(agent.url()).unwrap();
    let name = format!("watched-{}", std::process::id());
    let (stop, stopped) = oneshot::channel::<()>();
    let mut watcher = watch_healthy(
        agent.url().to_string(),
        name.clone(),
        WatchOptions::default(),
        async {
            let _ = stopped.await;
        },
    );

    assert_eq!(
        next_ports(&mut watcher.healthy).await,
        Vec::<u16>::new(),
        "none yet"
    );
    let a = greeter(&client, &name).await;
    until_ports(&mut watcher.healthy, &[a.addr.port()]).await;
    let b = greeter(&client, &name).await;
    let mut both = vec![a.addr.port(), b.addr.port()];
    both.sort();
    until_ports(&mut watcher.healthy, &both).await;
    a.deregister(&client).await.unwrap();
    until_ports(&mut watcher.healthy, &[b.addr.port()]).await;

    stop.send(()).unwrap();
    within("the watcher to stop", watcher.task).await.unwrap();
}

#[tokio::test]
async fn an_agent_that_is_down_is_asked_again_with_backoff() {
    // An "agent" that accepts connections and closes them at once: every question fails.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let attempts = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&attempts);
    tokio::spawn(async move {
        while let Ok((connection, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            drop(connection);
        }
    });

    let (stop, stopped) = oneshot::channel::<()>();
    let options = WatchOptions {
        first_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(400),
        ..WatchOptions::default()
    };
    let watcher = watch_healthy(url, "greeter".into(), options, async {
        let _ = stopped.await;
    });
    within("a few attempts", async {
        while attempts.load(Ordering::SeqCst) < 3 {
            tokio::task::yield_now().await;
        }
    })
    .await;
    let after_three = std::time::Instant::now();
    // 50 + 100 + 200 ms have passed by the fourth attempt; then every 400 ms at most.
    tokio::time::sleep(Duration::from_millis(1200)).await; // measuring a rate, not syncing
    let attempts_in_window = attempts.load(Ordering::SeqCst) - 3;
    // The rate is counted over the time that really passed (a busy machine oversleeps),
    // allowing one attempt per 200 ms: twice what the backoff allows, where a busy loop
    // makes hundreds.
    let window = after_three.elapsed();
    let allowed = (window.as_millis() / 200) as usize;
    assert!(
        attempts_in_window <= allowed,
        "{attempts_in_window} attempts in {window:?}: no busy loop while the agent is down"
    );
    assert!(
        !watcher.task.is_finished(),
        "the watcher keeps trying (and does not panic)"
    );
    assert!(
        watcher.healthy.borrow().is_none(),
        "nothing known, nothing published"
    );

    stop.send(()).unwrap();
    within("the watcher to stop during its backoff", watcher.task)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_watcher_stops_when_nobody_reads_it() {
    let agent = testkit::consul().await;
    let watcher = watch_healthy(
        agent.url().to_string(),
        "nobody-reads".into(),
        WatchOptions::default(),
        std::future::pending(),
    );
    drop(watcher.healthy);
    within("the watcher to stop", watcher.task).await.unwrap();
}
