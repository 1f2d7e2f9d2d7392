//! The lesson's server: the Greeter, registered in Consul, leaving cleanly when told to stop.
//!
//! Everything about the order of a stop lives in [`shared::registered`]; this file only puts
//! the Greeter, its health service and its check together. Two things are here for the
//! demonstrations and the tests: a SayHello that can be made slow (`--hello-delay`), so that
//! a call is still in flight when the stop comes, and a way to stop with the learner's own
//! stop sequence (`--exercise leave`) instead of the worked example's.

use std::net::SocketAddr;
use std::time::Duration;

use consulrs::client::ConsulClient;
use proto::hello::greeter_server::{Greeter, GreeterServer};
use proto::hello::{HelloReply, HelloRequest, HelloStreamRequest, NameReply, NameRequest};
use shared::consul::Instance;
use shared::greeter::{GreeterService, ReplyStream};
use shared::registered::{Registration, Served, serve_registered};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::server::Router;
use tonic::{Request, Response, Status};
use tonic_health::server::HealthReporter;
use tracing::info;

/// The gRPC name of the Greeter, which its health check asks about.
pub const GREETER: &str = "hello.Greeter";

/// How the server registers and stops.
#[derive(Debug, Clone)]
pub struct Options {
    /// The service name in the catalog.
    pub name: String,
    /// How often the agent calls the health service.
    pub check_interval: Duration,
    /// How long the check may stay critical before the agent removes the instance.
    pub reap_after: Duration,
    /// How long calls in flight may take to finish once the server stops.
    pub grace: Duration,
    /// How long SayHello waits before answering (zero: at once).
    pub hello_delay: Duration,
}

// ANCHOR: registration
/// The instance listening on `addr`, with a gRPC check of the Greeter's health.
pub fn registration(client: ConsulClient, addr: SocketAddr, options: &Options) -> Registration {
    let instance = Instance::new(&options.name, addr);
    let check = instance.grpc_check(GREETER, options.check_interval, options.reap_after);
    Registration {
        client,
        instance,
        check,
    }
}
// ANCHOR_END: registration

// ANCHOR: serve
/// The lesson's Greeter and its health service, SERVING, ready to serve.
async fn greeter_router(options: &Options) -> (HealthReporter, Router) {
    let (health, health_service) = tonic_health::server::health_reporter();
    health.set_serving::<GreeterServer<SlowGreeter>>().await;
    let router = shared::grpc::builder()
        .add_service(health_service)
        .add_service(GreeterServer::new(SlowGreeter::new(options.hello_delay)));
    (health, router)
}

/// Serves the Greeter and its health on `listener`, registered, until `shutdown`; then
/// leaves in order (the worked example, [`shared::registered::serve_registered`]).
pub async fn serve(
    listener: TcpListener,
    registration: &Registration,
    options: &Options,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let (health, router) = greeter_router(options).await;
    let served = Served {
        router,
        listener,
        health,
        services: vec![GREETER.to_string()],
        grace: options.grace,
    };
    serve_registered(served, registration, shutdown).await
}
// ANCHOR_END: serve

/// What a stop sequence is given: the server's health, its registration, the switch that
/// starts tonic's drain, the running server, and how long the drain may take.
pub struct Stopping<'a> {
    pub health: HealthReporter,
    pub registration: &'a Registration,
    /// Send `()` to make tonic stop accepting and finish the calls in flight.
    pub start_draining: oneshot::Sender<()>,
    /// The server task: it ends once the drain is over.
    pub server: JoinHandle<Result<(), tonic::transport::Error>>,
    pub grace: Duration,
}

/// The same server as [`serve`], stopped by the learner's
/// [`leave`](crate::exercises::leave::leave) instead of the worked example's sequence
/// (`server --exercise leave`).
pub async fn serve_with_your_leave(
    listener: TcpListener,
    registration: &Registration,
    options: &Options,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let (health, router) = greeter_router(options).await;
    let (start_draining, draining) = oneshot::channel::<()>();
    let server = tokio::spawn(router.serve_with_incoming_shutdown(
        shared::grpc::incoming(listener),
        async {
            let _ = draining.await;
        },
    ));
    if let Err(error) = registration.register().await {
        server.abort();
        return Err(error);
    }
    info!(
        "registered {} with the Consul agent at {}",
        registration.instance.id,
        registration.agent()
    );
    shutdown.await;
    info!("stopping with exercises::leave");
    crate::exercises::leave::leave(Stopping {
        health,
        registration,
        start_draining,
        server,
        grace: options.grace,
    })
    .await
}

/// The Greeter, with a SayHello that takes `delay` to answer: a call in flight to watch
/// while the server stops.
#[derive(Debug, Clone, Copy)]
pub struct SlowGreeter {
    delay: Duration,
}

impl SlowGreeter {
    pub fn new(delay: Duration) -> SlowGreeter {
        SlowGreeter { delay }
    }
}

#[tonic::async_trait]
impl Greeter for SlowGreeter {
    async fn say_hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloReply>, Status> {
        if !self.delay.is_zero() {
            info!(name = %request.get_ref().name, "SayHello: answering in {:?}", self.delay);
            tokio::time::sleep(self.delay).await;
        }
        GreeterService.say_hello(request).await
    }

    async fn say_name(&self, request: Request<NameRequest>) -> Result<Response<NameReply>, Status> {
        GreeterService.say_name(request).await
    }

    type SayHelloStreamStream = ReplyStream;

    async fn say_hello_stream(
        &self,
        request: Request<HelloStreamRequest>,
    ) -> Result<Response<ReplyStream>, Status> {
        GreeterService.say_hello_stream(request).await
    }
}
