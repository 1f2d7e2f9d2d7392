//! A scrape during shutdown. A service told to stop (SIGTERM, in its program) leaves the
//! registry and then drains: the calls in flight finish, and no new connection is taken.
//! Prometheus does not know that and scrapes on schedule, over the connection it keeps
//! alive or a new one. Each scrape must get a clear answer at once, the numbers or a closed
//! connection, and never wait for the drain to end: a drain lasts as long as its longest
//! call, and here the call stays open until the scrapes are done.

use std::io::ErrorKind;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use micro::registry::memory::MemoryRegistry;
use micro::registry::{Node, Registry};
use micro::service::{NodeGreeter, Service};
use micro::web::WebService;
use proto::hello::HelloStreamRequest;
use proto::hello::greeter_client::GreeterClient;
use proto::hello::greeter_server::GreeterServer;
use tokio::sync::{oneshot, watch};

use crate::support::{PEER_LIFETIME, unique_service};
use testkit::{PATIENCE, within};
use tokio::time::Instant;

/// Longer than any wait of these tests: the drain ends when its call does, not before.
const LONG_GRACE: Duration = Duration::from_secs(600);

/// A scrape on a connection opened before the stop and kept alive, as Prometheus keeps
/// its own: the numbers, or an error (the server closed it).
async fn scrape_kept(client: &reqwest::Client, address: &str) -> Result<u16, reqwest::Error> {
    let answer = client
        .get(format!("http://{address}/metrics"))
        .send()
        .await?;
    Ok(answer.status().as_u16())
}

/// Scrapes on new connections until one is refused: the listener is closed, the drain is
/// on. Every scrape before that is answered 200, or its connection closed; a refusal that
/// does not come within testkit's patience fails the test with the scrapes it saw.
async fn scrape_until_refused(address: &str) {
    let deadline = Instant::now() + PATIENCE;
    let (mut answered, mut closed) = (0, 0);
    while Instant::now() < deadline {
        let scrape = tokio::time::timeout_at(deadline, testkit::http_get(address, "/metrics"));
        match scrape.await {
            Ok(Ok((200, _))) => answered += 1,
            Ok(Ok((status, body))) => panic!("a scrape while stopping answered {status}: {body}"),
            Ok(Err(refused)) if refused.kind() == ErrorKind::ConnectionRefused => return,
            // Taken by the listener just before it closed, and closed with it.
            Ok(Err(_closed)) => closed += 1,
            Err(_) => panic!(
                "no scrape refused within {PATIENCE:?}: {answered} answered 200, {closed} \
                 closed unanswered, and the last one still waited for its answer"
            ),
        }
    }
    panic!("no scrape refused within {PATIENCE:?}: {answered} answered 200, {closed} closed");
}

/// The nodes of `name`, once `registry` lists at least one.
async fn registered(nodes: &mut watch::Receiver<Vec<Node>>) -> String {
    let listed = within("the service to register", nodes.wait_for(|n| !n.is_empty())).await;
    listed.expect("the watch is open")[0].address.clone()
}

#[tokio::test]
async fn a_scrape_while_a_service_drains_is_answered_or_refused_at_once() {
    let registry: Arc<dyn Registry> = Arc::new(MemoryRegistry::new());
    let name = unique_service("draining");
    let (stop, stopped) = oneshot::channel::<()>();
    let service = Service::new(&name, registry.clone())
        .address("127.0.0.1:0")
        .grace(LONG_GRACE)
        .handle(GreeterServer::new(NodeGreeter));
    let mut nodes = registry.watch(&name).await.expect("a memory watch");
    let running = tokio::spawn(service.run(async {
        let _ = stopped.await;
    }));
    let address = registered(&mut nodes).await;
    let prometheus = reqwest::Client::new();
    let first = within("a first scrape", scrape_kept(&prometheus, &address)).await;
    assert_eq!(first.expect("an answer"), 200);

    // A call that stays open: a stream of replies, taken one at a time.
    let mut greeter = GreeterClient::connect(format!("http://{address}"))
        .await
        .expect("a connection");
    let request = HelloStreamRequest {
        name: "drain".to_string(),
        count: u32::MAX,
    };
    let mut replies = within("the stream", greeter.say_hello_stream(request))
        .await
        .expect("the stream")
        .into_inner();
    let reply = within("a first reply", replies.message()).await;
    assert!(reply.expect("a reply").is_some());

    let _ = stop.send(());
    within("the service to leave", nodes.wait_for(|n| n.is_empty()))
        .await
        .expect("the watch is open");
    // Whatever the scrape on the kept connection gets, it gets it at once.
    let _ = within(
        "a scrape on the kept connection",
        scrape_kept(&prometheus, &address),
    )
    .await;
    scrape_until_refused(&address).await;
    let reply = within("a reply after the scrapes", replies.message()).await;
    assert!(
        reply.expect("the call still served").is_some(),
        "the call in flight was still being served"
    );

    drop((replies, greeter));
    let ended = within("the service to stop once its call ended", running).await;
    ended.expect("no panic").expect("a clean stop");
}

#[tokio::test]
async fn a_scrape_while_a_web_service_drains_is_answered_or_refused_at_once() {
    let registry: Arc<dyn Registry> = Arc::new(MemoryRegistry::new());
    let name = unique_service("web-draining");
    // `/slow` answers when the test says so, and says when it has the request.
    let (arrived_tx, arrived) = oneshot::channel::<()>();
    let (release, released) = oneshot::channel::<()>();
    let slow = std::sync::Mutex::new(Some((arrived_tx, released)));
    let slow = Arc::new(slow);
    let router = Router::new().route(
        "/slow",
        get(async move || {
            let taken = slow.lock().unwrap().take();
            if let Some((arrived, released)) = taken {
                let _ = arrived.send(());
                // The test's word, or its end (the sender dropped), or at most as long as a
                // test may run: a handler is a peer of the test, and must not outlive it.
                let _ = tokio::time::timeout(PEER_LIFETIME, released).await;
            }
            "done"
        }),
    );
    let (stop, stopped) = oneshot::channel::<()>();
    let service = WebService::new(&name, registry.clone())
        .grace(LONG_GRACE)
        .handle(router);
    let mut nodes = registry.watch(&name).await.expect("a memory watch");
    let running = tokio::spawn(service.run(async {
        let _ = stopped.await;
    }));
    let address = registered(&mut nodes).await;
    let prometheus = reqwest::Client::new();
    let first = within("a first scrape", scrape_kept(&prometheus, &address)).await;
    assert_eq!(first.expect("an answer"), 200);

    let in_flight = tokio::spawn({
        let address = address.clone();
        async move { testkit::http_get(&address, "/slow").await }
    });
    within("the slow request to arrive", arrived)
        .await
        .expect("the handler ran");

    let _ = stop.send(());
    within("the service to leave", nodes.wait_for(|n| n.is_empty()))
        .await
        .expect("the watch is open");
    let _ = within(
        "a scrape on the kept connection",
        scrape_kept(&prometheus, &address),
    )
    .await;
    scrape_until_refused(&address).await;
    assert!(
        !in_flight.is_finished(),
        "the request in flight was still open"
    );

    let _ = release.send(());
    let answer = within("the slow request's answer", in_flight).await;
    let (status, body) = answer.expect("no panic").expect("an answer");
    assert_eq!((status, body.as_str()), (200, "done"));
    let ended = within("the service to stop once its request ended", running).await;
    ended.expect("no panic").expect("a clean stop");
}
