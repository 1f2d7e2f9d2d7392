//! The gRPC server: the Greeter, a health service and a reflection service on one port.
//!
//! Lesson 05's worked example (its chapter shows this file), shared by every later lesson
//! that serves gRPC.
//!
//! A gRPC server is an HTTP/2 server whose routes are `/package.Service/Method`. tonic's
//! `Server::builder()` plays the part of Go's `grpc.NewServer()`, and `add_service` the part
//! of `pb.RegisterGreeterServer`. Around the Greeter sit the two services operators expect:
//! `grpc.health.v1.Health` (is it ready?) and server reflection (what can I call?).
//!
//! Under all of it, each message is a 5-byte prefix and protobuf: [`message`] writes and
//! reads that by hand, for whatever in the course speaks gRPC without tonic.

use std::future::Future;
use std::time::Duration;

use proto::hello::greeter_server::{Greeter, GreeterServer};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

use crate::greeter::GreeterService;

pub mod message;

/// How long calls still open at shutdown may take to finish before the server closes them.
/// A health `Watch` never finishes by itself, so without a limit it would keep us up forever.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Serves the worked example's [`GreeterService`] on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    serve_greeter(listener, GreeterService, shutdown).await
}

// ANCHOR: serve
/// Serves `greeter`, health and reflection on `listener` until `shutdown` completes, then
/// drains: health turns NOT_SERVING, new connections are refused, and calls already running
/// get up to [`SHUTDOWN_GRACE`] to finish.
pub async fn serve_greeter<G: Greeter>(
    listener: TcpListener,
    greeter: G,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let (health, health_service) = tonic_health::server::health_reporter();
    health.set_serving::<GreeterServer<G>>().await;

    // Reflection hands out the compiled .proto files, so grpcurl needs no copy of them.
    // Newer tools ask reflection v1, older ones v1alpha: serve both.
    let reflection_v1 = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1()?;
    let reflection_v1alpha = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .build_v1alpha()?;

    let (draining_tx, draining_rx) = oneshot::channel();
    let drain = {
        let health = health.clone();
        async move {
            shutdown.await;
            // A process stops once, however many servers it runs (lesson 05 runs one per
            // core): it says so once.
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                tracing::info!("shutting down: health is NOT_SERVING, finishing calls in flight");
            });
            mark_not_serving::<G>(&health).await;
            let _ = draining_tx.send(());
        }
    };

    let serving = builder()
        .add_service(health_service)
        .add_service(reflection_v1)
        .add_service(reflection_v1alpha)
        .add_service(GreeterServer::new(greeter))
        .serve_with_incoming_shutdown(incoming(listener), drain);

    tokio::select! {
        served = serving => served?,
        () = grace_expired(draining_rx) => {
            tracing::warn!("calls still open after {SHUTDOWN_GRACE:?}; closing them");
        }
    }
    Ok(())
}
// ANCHOR_END: serve

// ANCHOR: drain
/// Tells every health checker, first, that this server takes no new work: load balancers
/// and Consul stop sending calls here while the calls already running finish.
async fn mark_not_serving<G: Greeter>(health: &HealthReporter) {
    health.set_not_serving::<GreeterServer<G>>().await;
    // "" is the whole server, by the health protocol's convention.
    health
        .set_service_status("", ServingStatus::NotServing)
        .await;
}

/// Completes [`SHUTDOWN_GRACE`] after draining starts; never if it does not.
async fn grace_expired(draining: oneshot::Receiver<()>) {
    match draining.await {
        Ok(()) => tokio::time::sleep(SHUTDOWN_GRACE).await,
        Err(_) => std::future::pending().await,
    }
}
// ANCHOR_END: drain

// ANCHOR: settings
/// The most calls one connection may have open at once. A client that opens more waits
/// (HTTP/2's SETTINGS_MAX_CONCURRENT_STREAMS), so one connection cannot tie up the server
/// with thousands of half-sent calls. Go's HTTP/2 server allows 250, nginx 128.
pub const MAX_STREAMS_PER_CONNECTION: u32 = 128;

/// The most bytes of headers (metadata) one call may carry. Real metadata is a few hundred
/// bytes; HTTP/2's own default has no limit. hyper 1's default happens to be the same 16 KiB:
/// setting it here makes the limit ours, stated and tested, whatever a later hyper picks.
pub const MAX_HEADER_BYTES: u32 = 16 * 1024;

/// How often an idle connection is probed with an HTTP/2 PING, and how long the answer may
/// take before the connection is closed: a client that vanished without a FIN (its machine
/// died, a NAT forgot the connection) stops holding its calls after at most 40 s.
pub const KEEPALIVE_INTERVAL: Duration = Duration::from_secs(30);
pub const KEEPALIVE_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest a call may take to produce its answer when the client set no deadline. A
/// stream's later messages are not bound by it, so a health `Watch` stays open.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// The server settings every server of this lesson uses, and the tests too.
///
/// The limits protect the server from clients that hold what they open (production gRPC
/// servers set the same ones). For speed, tonic's defaults stay: hyper's 1 MiB flow-control
/// windows (HTTP/2's own default is 64 KiB) are far more than a request of this lesson ever
/// sends, and the adaptive window is off: it measures the connection's bandwidth with PING
/// frames as data arrives, which costs more than it gives when every request is a few bytes
/// (lesson 05's server made 2–9 % more calls per second without it).
pub fn builder() -> Server {
    Server::builder()
        .max_concurrent_streams(MAX_STREAMS_PER_CONNECTION)
        .http2_max_header_list_size(MAX_HEADER_BYTES)
        .http2_keepalive_interval(Some(KEEPALIVE_INTERVAL))
        .http2_keepalive_timeout(Some(KEEPALIVE_TIMEOUT))
        .timeout(CALL_TIMEOUT)
}

/// Connections accepted from `listener`, with Nagle's algorithm off: a small reply goes out
/// at once instead of waiting up to 40 ms for more bytes to share its packet.
pub fn incoming(listener: TcpListener) -> TcpIncoming {
    TcpIncoming::from(listener).with_nodelay(Some(true))
}
// ANCHOR_END: settings
