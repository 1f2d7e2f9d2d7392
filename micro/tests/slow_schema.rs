//! `micro api` in front of a node whose schema takes longer to learn than a request may
//! take: a far node, or one on a busy machine. The first requests are 503 (they never ran),
//! and the schema is learnt all the same, so that a later request is answered; the node is
//! asked for it once, however many requests came meanwhile.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use micro::registry::Registry;
use micro::registry::memory::MemoryRegistry;
use micro::service::{NodeGreeter, Service};
use proto::hello::greeter_server::GreeterServer;
use tonic::server::NamedService;

use crate::support::unique_service;
use testkit::{PATIENCE, http_get, within};

/// How long the node's reflection takes to begin answering each question. A schema is
/// two questions or more (the services, then their files): longer than a request may take.
const SLOW: Duration = Duration::from_millis(800);
/// The gateway's deadline for a request.
const DEADLINE: Duration = Duration::from_secs(2);

/// A gRPC service that waits [`SLOW`] before each call, counting the calls.
#[derive(Clone)]
struct Slow<S> {
    inner: S,
    asked: Arc<AtomicUsize>,
}

impl<S: NamedService> NamedService for Slow<S> {
    const NAME: &'static str = S::NAME;
}

impl<S, B> tower::Service<http::Request<B>> for Slow<S>
where
    S: tower::Service<http::Request<B>> + Clone + Send + 'static,
    S::Future: Send,
    B: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future =
        std::pin::Pin<Box<dyn std::future::Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, context: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(context)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        self.asked.fetch_add(1, Ordering::SeqCst);
        // The service made ready above is the one that takes the call (tower's rule).
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        Box::pin(async move {
            tokio::time::sleep(SLOW).await;
            inner.call(request).await
        })
    }
}

#[tokio::test]
async fn a_schema_slower_than_a_request_is_learnt_once_all_the_same() {
    let registry: Arc<dyn Registry> = Arc::new(MemoryRegistry::new());
    let name = unique_service("greeter");
    let asked = Arc::new(AtomicUsize::new(0));
    let reflection = Slow {
        inner: micro::api::reflect::server(&[GreeterServer::<NodeGreeter>::NAME]),
        asked: asked.clone(),
    };
    let service = Service::new(&name, registry.clone())
        .address("127.0.0.1:0")
        .handle(GreeterServer::new(NodeGreeter))
        .handle(reflection);
    let mut nodes = registry.watch(&name).await.expect("a memory watch");
    tokio::spawn(service.run(std::future::pending()));
    within("the greeter to register", nodes.wait_for(|n| !n.is_empty()))
        .await
        .expect("the watch is open");

    let options = micro::api::Options {
        policy: micro::client::tries::Policy {
            deadline: DEADLINE,
            ..Default::default()
        },
        ..Default::default()
    };
    let gateway = crate::support::api(registry, options).await;

    // Each request ends at its deadline while the schema is asked for: 503, it never ran.
    // Until the one learning ends, then the schema is kept and the call goes through.
    let path = format!("/{name}/greeter/say-hello?name=slow");
    let mut answers = Vec::new();
    let until = Instant::now() + PATIENCE;
    let body = loop {
        let (status, body) = within("a request", http_get(&gateway, &path))
            .await
            .unwrap();
        if status == 200 {
            break body;
        }
        answers.push((status, body));
        assert!(
            Instant::now() < until,
            "not answered within {PATIENCE:?}; the answers: {answers:#?}"
        );
    };
    assert!(body.contains("slow"), "{body}");
    for (status, body) in &answers {
        assert!(
            *status == 503 && body.contains("\"may_have_run\":false"),
            "{status} {body}"
        );
    }
    assert!(
        !answers.is_empty(),
        "the first request waited for the schema"
    );
    // One learning asks the node's reflection: a list of services, then their files.
    let asked = asked.load(Ordering::SeqCst);
    println!(
        "{} requests before the answer; the node's reflection asked {asked} times",
        answers.len()
    );
    assert!(
        asked <= 3,
        "the node was asked {asked} times for what one learning asks"
    );
}
