//! A node slower than a try may be: a `Say` service whose own timer runs ahead of its
//! caller's, for the test that an idempotent call is answered by another node in time.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use micro::registry::Node;
use proto::user::say_server::{Say, SayServer};
use proto::user::{Request as HelloRequest, Response as HelloResponse};
use tonic::server::NamedService as _;
use tonic::{Request, Response, Status};

use crate::support::node;

/// `Say.Hello` on a node whose own timer runs ahead of its caller's: it answers
/// `Cancelled` at nine tenths of the deadline it is told (`grpc-timeout`), as a node whose
/// timer fires first does; told none, it never answers. Its calls are counted.
#[derive(Clone, Default)]
pub struct AheadOfItsCaller(Arc<AtomicUsize>);

#[tonic::async_trait]
impl Say for AheadOfItsCaller {
    async fn hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloResponse>, Status> {
        self.0.fetch_add(1, Ordering::SeqCst);
        let told = request.metadata().get("grpc-timeout");
        let Some(told) = told.and_then(|told| grpc_timeout(told.to_str().ok()?)) else {
            return std::future::pending().await;
        };
        tokio::time::sleep(told.mul_f64(0.9)).await;
        Err(Status::cancelled("Timeout expired"))
    }
}

impl AheadOfItsCaller {
    /// Serves it on a free loopback port, with reflection, until the test ends.
    pub async fn start(id: &str) -> (AheadOfItsCaller, Node) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let node = node(id, &listener.local_addr().unwrap().to_string());
        let ahead = AheadOfItsCaller::default();
        let serving = shared::grpc::builder()
            .add_service(SayServer::new(ahead.clone()))
            .add_service(micro::api::reflect::server(&[
                SayServer::<AheadOfItsCaller>::NAME,
            ]))
            .serve_with_incoming_shutdown(shared::grpc::incoming(listener), std::future::pending());
        tokio::spawn(serving);
        (ahead, node)
    }
}

/// A `grpc-timeout` header's value (`1000m`, `5S`) as a duration.
fn grpc_timeout(value: &str) -> Option<Duration> {
    let (amount, unit) = value.split_at(value.len().checked_sub(1)?);
    let amount: u64 = amount.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount * 3600),
        "M" => Duration::from_secs(amount * 60),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}

impl AheadOfItsCaller {
    /// How many calls reached it.
    pub fn calls(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}
