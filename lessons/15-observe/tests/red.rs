//! `observe.red`: a real Greeter server whose handlers run through `Red::measure`, called
//! by a real client. Each call is counted by method and status and timed in seconds, the
//! handler's answer comes back unchanged, and a call given up is counted as `Canceled`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use l15_observe::exercises::red::Red;
use micro::shared::greeter::{GreeterService, ReplyStream};
use prometheus::{Encoder, Registry, TextEncoder};
use proto::hello::greeter_client::GreeterClient;
use proto::hello::greeter_server::{Greeter, GreeterServer};
use proto::hello::{HelloReply, HelloRequest, HelloStreamRequest, NameReply, NameRequest};
use testkit::within;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tonic::transport::Channel;
use tonic::{Code, Request, Response, Status};

/// How long SayHello to `slow` takes.
const SLOW: Duration = Duration::from_millis(100);

/// The worked example's Greeter with each handler measured. SayHello to `slow` takes
/// [`SLOW`]; to `never`, it never answers, and says when its future is dropped.
struct Measured {
    red: Red,
    dropped: Arc<Notify>,
    lived: Arc<Mutex<Duration>>,
}

/// Tells the test, when dropped, that the server gave up on a call, and how long the
/// handler's work lived: the least its measured time can be. It goes into the handler's
/// future before `measure` gets it, so that it says so however that future ends, even
/// dropped before its work began (then it lived no time at all).
struct SaysWhenDropped {
    dropped: Arc<Notify>,
    lived: Arc<Mutex<Duration>>,
    since: Option<Instant>,
}

impl Drop for SaysWhenDropped {
    fn drop(&mut self) {
        *self.lived.lock().unwrap() = self.since.map(|since| since.elapsed()).unwrap_or_default();
        self.dropped.notify_one();
    }
}

#[tonic::async_trait]
impl Greeter for Measured {
    async fn say_hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloReply>, Status> {
        let mut watch = (request.get_ref().name == "never").then(|| SaysWhenDropped {
            dropped: self.dropped.clone(),
            lived: self.lived.clone(),
            since: None,
        });
        let handler = async move {
            match request.get_ref().name.as_str() {
                "slow" => tokio::time::sleep(SLOW).await,
                "never" => {
                    if let Some(watch) = &mut watch {
                        watch.since = Some(Instant::now());
                    }
                    std::future::pending::<()>().await;
                }
                _ => {}
            }
            GreeterService.say_hello(request).await
        };
        self.red.measure("Greeter.SayHello", handler).await
    }

    // ANCHOR: measured
    async fn say_name(&self, request: Request<NameRequest>) -> Result<Response<NameReply>, Status> {
        let handler = GreeterService.say_name(request);
        self.red.measure("Greeter.SayName", handler).await
    }
    // ANCHOR_END: measured

    type SayHelloStreamStream = ReplyStream;

    async fn say_hello_stream(
        &self,
        request: Request<HelloStreamRequest>,
    ) -> Result<Response<ReplyStream>, Status> {
        let handler = GreeterService.say_hello_stream(request);
        self.red.measure("Greeter.SayHelloStream", handler).await
    }
}

/// A measured Greeter served on a free loopback port: the registry its metrics are in, a
/// client connected to it, and what tells when the server drops a call to `never`.
async fn serve() -> (Registry, GreeterClient<Channel>, Measured) {
    let registry = Registry::new();
    let red = Red::new(&registry).expect("Red::new registers its metrics");
    let greeter = Measured {
        red,
        dropped: Arc::new(Notify::new()),
        lived: Arc::default(),
    };
    let watched = Measured {
        red: greeter.red.clone(),
        dropped: greeter.dropped.clone(),
        lived: greeter.lived.clone(),
    };
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local address");
    let server = micro::shared::grpc::builder().add_service(GreeterServer::new(greeter));
    tokio::spawn(server.serve_with_incoming(micro::shared::grpc::incoming(listener)));
    let connected = within(
        "the connection",
        GreeterClient::connect(format!("http://{addr}")),
    );
    (registry, connected.await.expect("connect"), watched)
}

/// What a scrape of `registry` reads: the text format.
fn scrape(registry: &Registry) -> String {
    let mut page = Vec::new();
    let encoder = TextEncoder::new();
    encoder
        .encode(&registry.gather(), &mut page)
        .expect("the text format");
    String::from_utf8(page).expect("UTF-8")
}

/// The value of `series` (name and labels, as the page writes them) on `page`; 0 where
/// the page has no such line.
fn value(page: &str, series: &str) -> f64 {
    let line = |line: &str| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok();
    page.lines().find_map(line).unwrap_or(0.0)
}

#[tokio::test]
async fn each_call_is_counted_by_method_and_status() {
    let (registry, mut client, _) = serve().await;
    for name in ["Ada", "Grace"] {
        let request = HelloRequest { name: name.into() };
        let reply = within("SayHello", client.say_hello(request)).await;
        let message = reply.expect("SayHello answers").into_inner().message;
        assert_eq!(message, format!("Hello {name}!"), "the handler's reply");
    }
    let refused = within(
        "SayHello with no name",
        client.say_hello(HelloRequest::default()),
    );
    let code = refused
        .await
        .map_or_else(|status| status.code(), |_| Code::Ok);
    assert_eq!(code, Code::InvalidArgument, "the handler's error");
    let request = NameRequest { name: "Ada".into() };
    let named = within("SayName", client.say_name(request)).await;
    named.expect("SayName answers");

    let page = scrape(&registry);
    let expected = [
        (
            r#"micro_request_total{method="Greeter.SayHello",status="OK"}"#,
            2.0,
        ),
        (
            r#"micro_request_total{method="Greeter.SayHello",status="InvalidArgument"}"#,
            1.0,
        ),
        (
            r#"micro_request_total{method="Greeter.SayName",status="OK"}"#,
            1.0,
        ),
        (
            r#"micro_request_duration_seconds_count{method="Greeter.SayHello"}"#,
            3.0,
        ),
        (
            r#"micro_request_duration_seconds_count{method="Greeter.SayName"}"#,
            1.0,
        ),
    ];
    for (series, count) in expected {
        let yours = value(&page, series);
        assert_eq!(yours, count, "{series} on the page:\n{page}");
    }
    for bound in micro::metrics::LATENCY_BUCKETS {
        let bucket = format!(
            r#"micro_request_duration_seconds_bucket{{method="Greeter.SayName",le="{bound}"}}"#
        );
        assert!(page.contains(&bucket), "no bucket le=\"{bound}\":\n{page}");
    }
}

#[tokio::test]
async fn durations_are_seconds() {
    let (registry, mut client, _) = serve().await;
    let request = HelloRequest {
        name: "slow".into(),
    };
    within("SayHello to slow", client.say_hello(request))
        .await
        .expect("SayHello answers");
    let page = scrape(&registry);
    let took = value(
        &page,
        r#"micro_request_duration_seconds_sum{method="Greeter.SayHello"}"#,
    );
    // In milliseconds, it would read 100; 5 times a quiet run's time is the most it may be.
    assert!(
        (0.1..0.5).contains(&took),
        "a call of 100 ms timed as {took} s:\n{page}"
    );
}

#[tokio::test]
async fn a_call_given_up_is_counted_as_canceled() {
    let (registry, mut client, watched) = serve().await;
    let mut request = Request::new(HelloRequest {
        name: "never".into(),
    });
    request.set_timeout(Duration::from_millis(100));
    let given_up = within(
        "SayHello to never, with a deadline",
        client.say_hello(request),
    )
    .await;
    assert!(
        given_up.is_err(),
        "a handler that never answers answered: {given_up:?}"
    );
    // The server drops the handler's future when the deadline passes.
    within(
        "the server giving up on the call",
        watched.dropped.notified(),
    )
    .await;
    let page = scrape(&registry);
    let canceled = r#"micro_request_total{method="Greeter.SayHello",status="Canceled"}"#;
    let yours = value(&page, canceled);
    assert_eq!(yours, 1.0, "the call given up, as {canceled}:\n{page}");
    let took = value(
        &page,
        r#"micro_request_duration_seconds_sum{method="Greeter.SayHello"}"#,
    );
    // However busy the machine, the call ran at least as long as its handler's work lived
    // (up to the deadline; less where the server started it late).
    let lived = watched.lived.lock().unwrap().as_secs_f64();
    assert!(
        took >= lived,
        "the call given up ran at least {lived} s, timed as {took} s:\n{page}"
    );
}

#[tokio::test]
async fn promtool_finds_nothing_to_say() {
    let (registry, mut client, _) = serve().await;
    let request = HelloRequest { name: "Ada".into() };
    within("SayHello", client.say_hello(request))
        .await
        .expect("SayHello answers");
    if !testkit::prometheus_installed() {
        eprintln!("{}", testkit::prometheus_missing());
        return;
    }
    let page = scrape(&registry);
    let checked = testkit::promtool_check_metrics(&page);
    assert!(
        checked.is_ok(),
        "promtool check metrics: {checked:?}\n{page}"
    );
}
