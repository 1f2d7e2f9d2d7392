//! What the metrics layer costs a call: `cargo bench -p micro --bench metrics`.
//!
//! The same gRPC call — `POST /hello.Greeter/SayHello`, answered with a message and the
//! trailers `grpc-status: 0` — goes to a handler that does nothing else, once through
//! micro's metrics layer (`micro::metrics::grpc::GrpcMetrics`, as every framework service
//! puts it around its handlers) and once straight, on one thread, in rounds that take
//! turns; each reply's body is read to its end, as a server sends it. The difference is
//! what the layer adds to a call, without the network, the kernel and HTTP/2 around it:
//! set it against a whole call's CPU time, which `tools/loadgen/bench-metrics.sh` measures
//! under h2load with `MICRO_METRICS=off` and on (appendix B).

use std::convert::Infallible;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use micro::metrics::grpc::GrpcMetrics;
use tonic::body::Body;
use tower::{Layer, Service, ServiceExt};

/// Calls in a round, and rounds of each.
const CALLS: u32 = 200_000;
const ROUNDS: usize = 9;

/// A call as h2load sends it: the path and the content type are what the layer reads.
fn request() -> http::Request<Body> {
    http::Request::post("/hello.Greeter/SayHello")
        .header("content-type", "application/grpc")
        .header("te", "trailers")
        .body(Body::empty())
        .expect("a request")
}

/// A handler that answers every call at once: a message, then the status in the trailers.
async fn answer(_: http::Request<Body>) -> Result<http::Response<Body>, Infallible> {
    let mut trailers = http::HeaderMap::new();
    trailers.insert("grpc-status", http::HeaderValue::from_static("0"));
    let message = Full::new(Bytes::from_static(b"\0\0\0\0\x0d\x0a\x0bHello world"));
    let body = Body::new(message.with_trailers(async { Some(Ok(trailers)) }));
    let reply = http::Response::builder()
        .header("content-type", "application/grpc")
        .body(body)
        .expect("a reply");
    Ok(reply)
}

/// The time of `CALLS` calls to `service`, each reply read to its end.
async fn round<S>(service: &mut S) -> Duration
where
    S: Service<http::Request<Body>, Response = http::Response<Body>, Error = Infallible>,
{
    let started = Instant::now();
    for _ in 0..CALLS {
        let reply = service
            .ready()
            .await
            .unwrap()
            .call(request())
            .await
            .unwrap();
        let read = reply.into_body().collect().await;
        assert!(read.is_ok_and(|read| read.trailers().is_some()));
    }
    started.elapsed()
}

fn nanos_per_call(rounds: &mut [Duration]) -> (f64, f64) {
    rounds.sort();
    let per_call = |round: Duration| round.as_nanos() as f64 / f64::from(CALLS);
    (per_call(rounds[0]), per_call(rounds[rounds.len() / 2]))
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let metrics = GrpcMetrics::new(["hello.Greeter"]).expect("the metrics");
        let mut bare = tower::service_fn(answer);
        let mut measured = metrics.layer(tower::service_fn(answer));
        let (mut without, mut with) = (Vec::new(), Vec::new());
        round(&mut bare).await;
        round(&mut measured).await;
        for _ in 0..ROUNDS {
            without.push(round(&mut bare).await);
            with.push(round(&mut measured).await);
        }
        let (without_min, without_median) = nanos_per_call(&mut without);
        let (with_min, with_median) = nanos_per_call(&mut with);
        println!("{ROUNDS} rounds of {CALLS} calls each way, one thread; ns a call, fastest round (median):");
        println!("  without the layer  {without_min:7.0} ({without_median:.0})");
        println!("  with the layer     {with_min:7.0} ({with_median:.0})");
        println!(
            "  the layer adds     {:7.0} ({:.0})",
            with_min - without_min,
            with_median - without_median
        );
    });
}
