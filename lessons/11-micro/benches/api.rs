//! What `micro api` costs a call: `cargo bench -p l11-micro --bench api`.
//!
//! Three `l11-micro user-server` processes on the Consul agent from testkit, and
//! `l11-micro api` in front of them. The same `Say.Hello` is called through the gateway
//! (HTTP/1.1 with keep-alive, the query string to protobuf and the reply back to JSON,
//! then gRPC to a node) and directly (gRPC to one node, a generated client): one caller at
//! a time for the latency, then 16 at once for the rate.
//!
//! One run on 2 shared cores (release build, the Consul agent embedded):
//!
//! ```text
//! micro api  p50   385 µs  p99   769 µs  16 callers:  16580 calls/s
//! gRPC       p50   118 µs  p99   214 µs  16 callers:  36054 calls/s
//! ```
//!
//! The gateway's extra hop, HTTP parsing and JSON ⇄ protobuf through descriptors cost
//! about a quarter of a millisecond a call, and half the rate.

use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use proto::user::Request as HelloRequest;
use proto::user::say_client::SayClient;
use testkit::ServerProcess;

const BINARY: &str = env!("CARGO_BIN_EXE_l11-micro");
const SERVICE: &str = "bench-user";
const SEQUENTIAL: usize = 2_000;
const CALLERS: usize = 16;
const EACH: usize = 500;

async fn start(registry: &[&str], command: &[&str]) -> ServerProcess {
    let mut args = registry.to_vec();
    args.extend(command);
    args.extend(["--addr", "127.0.0.1:0"]);
    ServerProcess::start(BINARY, &args, 1).await
}

/// One call through the gateway.
async fn via_gateway(client: &reqwest::Client, url: &str) {
    let answer = client.get(url).send().await.expect("an answer");
    assert!(answer.status().is_success(), "{answer:?}");
    answer.bytes().await.expect("a body");
}

/// One call straight to a node.
async fn direct(client: &mut SayClient<tonic::transport::Channel>) {
    let request = HelloRequest {
        name: "huohuo".to_string(),
    };
    client.hello(request).await.expect("a reply");
}

/// Latency of one caller at a time, then the rate of CALLERS at once: one printed row.
async fn measure<F, Fut>(what: &str, call: F)
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    for _ in 0..200 {
        call().await;
    }
    let mut latency = Histogram::<u64>::new(3).unwrap();
    for _ in 0..SEQUENTIAL {
        let started = Instant::now();
        call().await;
        latency
            .record(started.elapsed().as_micros() as u64)
            .unwrap();
    }
    let started = Instant::now();
    let callers: Vec<_> = (0..CALLERS)
        .map(|_| {
            let call = call.clone();
            tokio::spawn(async move {
                for _ in 0..EACH {
                    call().await;
                }
            })
        })
        .collect();
    for caller in callers {
        caller.await.unwrap();
    }
    let rate = (CALLERS * EACH) as f64 / started.elapsed().as_secs_f64();
    println!(
        "{what:<10} p50 {:>5} µs  p99 {:>5} µs  {CALLERS} callers: {rate:>6.0} calls/s",
        latency.value_at_quantile(0.5),
        latency.value_at_quantile(0.99)
    );
}

#[tokio::main]
async fn main() {
    let agent = testkit::consul().await;
    let registry = ["--registry", "consul", "--registry-address", agent.url()];
    let mut users = Vec::new();
    for _ in 0..3 {
        let user = start(&registry, &["user-server", "--name", SERVICE]).await;
        user.logged("registered").await;
        users.push(user);
    }
    let gateway = start(&registry, &["api"]).await;

    let url = format!("http://{}/{SERVICE}/say/hello?name=huohuo", gateway.addr());
    let http = reqwest::Client::new();
    measure("micro api", move || {
        let (http, url) = (http.clone(), url.clone());
        async move { via_gateway(&http, &url).await }
    })
    .await;

    let channel = tonic::transport::Endpoint::from_shared(format!("http://{}", users[0].addr()))
        .unwrap()
        .connect_timeout(Duration::from_secs(1))
        .connect()
        .await
        .unwrap();
    let say = SayClient::new(channel);
    measure("gRPC", move || {
        let mut say = say.clone();
        async move { direct(&mut say).await }
    })
    .await;
}
