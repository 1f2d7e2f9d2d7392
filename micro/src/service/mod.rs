//! The service: what `micro.NewService(micro.Name(…), micro.Version(…), micro.Registry(…))`
//! builds in go-micro, and what its `Run` does.
//!
//! A framework's promise is that a service is a name, a version, a registry and its
//! handlers, and the rest happens by itself: listen, register, serve with health, and on
//! SIGINT/SIGTERM leave in the right order — lesson 08's: health NOT_SERVING, deregister,
//! drain the calls in flight. This is all of that, in one place, for any gRPC service: the
//! lesson's greeter and the captcha service of lesson 09 run on it alike.

// The exercise `deploy.advertise` (lesson 14) rebuilds this module, and is answered by it.
pub mod advertise;
// The exercise `deploy.patience` (lesson 14) rebuilds this module, and is answered by it.
pub mod patience;
mod registration;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use proto::hello::greeter_server::Greeter;
use proto::hello::{HelloReply, HelloRequest, HelloStreamRequest, NameReply, NameRequest};
use shared::greeter::{GreeterService, ReplyStream, check_name};
use shared::grpc::{builder, incoming};
use tokio::sync::watch;
use tonic::server::NamedService;
use tonic::service::{Interceptor, InterceptorLayer, Routes};
use tonic::{Request, Response, Status};
use tonic_health::ServingStatus;
use tracing::{info, warn};

use crate::metrics::grpc::GrpcMetrics;
use crate::registry::{Node, Registry};
use crate::tls::Credentials;
pub use registration::Registration;

// ANCHOR: builder
/// A service to run: go-micro's `micro.NewService` with its options.
pub struct Service {
    /// Name, version, address, registry: what every service has (gRPC or web).
    registration: Registration,
    grace: Duration,
    /// The gRPC services this one serves, and their names for the health service.
    handlers: Routes,
    handler_names: Vec<&'static str>,
    /// What the service counts besides its calls, for its `/metrics`.
    collectors: Vec<Box<dyn prometheus::core::Collector>>,
    /// The methods (`Handler.Method`) this service declares safe to run twice.
    idempotent: Vec<String>,
    /// What it shows and requires over mutual TLS; plaintext without.
    tls: Option<Credentials>,
}

impl Service {
    /// A service called `name`, registered in `registry`.
    pub fn new(name: &str, registry: Arc<dyn Registry>) -> Service {
        Service {
            registration: Registration {
                name: name.to_string(),
                version: "latest".to_string(),
                registry,
                address: crate::DEFAULT_ADDR.to_string(),
                advertise: None,
                registry_wait: Duration::ZERO,
            },
            grace: shared::grpc::SHUTDOWN_GRACE,
            handlers: Routes::default(),
            handler_names: Vec::new(),
            collectors: Vec::new(),
            idempotent: Vec::new(),
            tls: None,
        }
    }

    /// The version every node of this build says it runs.
    pub fn version(mut self, version: &str) -> Service {
        self.registration.version = version.to_string();
        self
    }

    /// Where to listen: `host:port` (port 0: any free port).
    pub fn address(mut self, address: &str) -> Service {
        self.registration.address = address.to_string();
        self
    }

    /// The address to register instead of the one listened on, as go-micro's
    /// `--server_advertise`: `host:port`, or `host` for the port listened on. Without it, a
    /// service listening on `0.0.0.0` registers one of its host's addresses.
    pub fn advertise(mut self, address: &str) -> Service {
        self.registration.advertise = Some(address.to_string());
        self
    }

    /// How long to keep trying to register while the registry does not answer yet
    /// (`--registry-wait`); zero, the default: one try, and a failure ends the service.
    pub fn registry_wait(mut self, patience: Duration) -> Service {
        self.registration.registry_wait = patience;
        self
    }

    /// Declares `method` (`Handler.Method`, e.g. `Say.Hello`) idempotent: running it twice
    /// does what running it once does, so a client that got no answer in time may send it
    /// to another node. Written in the registry as go-micro writes endpoint metadata
    /// (`server.EndpointMetadata(name, {"idempotent": "true"})`).
    pub fn idempotent(mut self, method: &str) -> Service {
        self.idempotent.push(method.to_string());
        self
    }

    /// Serves over mutual TLS only, showing `credentials`' certificate and requiring each
    /// caller's from their CA, and says so in its registration ([`crate::tls`]). Its
    /// `/metrics` is then behind TLS too.
    /// Without credentials (`None`), plaintext, as before.
    pub fn tls(mut self, credentials: impl Into<Option<Credentials>>) -> Service {
        self.tls = credentials.into();
        self
    }

    /// Serves `handler`, a generated `…Server` (go-micro's `pb.RegisterGreeterHandler`).
    /// Each call it answers carries the [`Node`] it arrived at: `request.extensions()`.
    pub fn handle<S>(mut self, handler: S) -> Service
    where
        S: tower::Service<
                http::Request<tonic::body::Body>,
                Error = std::convert::Infallible,
                Response = http::Response<tonic::body::Body>,
            > + NamedService
            + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
    {
        self.handler_names.push(S::NAME);
        self.handlers = self.handlers.add_service(handler);
        self
    }
}
// ANCHOR_END: builder

impl Service {
    /// How long calls still open may take to finish once the service is told to stop
    /// (default [`shared::grpc::SHUTDOWN_GRACE`], 5 s); then they are closed.
    pub fn grace(mut self, grace: Duration) -> Service {
        self.grace = grace;
        self
    }

    /// Shows `collectors`' numbers on this service's `/metrics` beside its calls' (the
    /// captcha service's Redis commands: `crate::metrics::redis`).
    pub fn metrics(mut self, collectors: Vec<Box<dyn prometheus::core::Collector>>) -> Service {
        self.collectors.extend(collectors);
        self
    }
}

// ANCHOR: run
impl Service {
    /// Listens, registers, serves the handlers (with health) until `shutdown`, then leaves:
    /// NOT_SERVING, deregister, drain within the grace period.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> anyhow::Result<()> {
        let me = &self.registration;
        let mut metadata = crate::registry::grpc_metadata();
        if self.tls.is_some() {
            metadata.insert(crate::tls::SECURE.to_string(), "true".to_string());
        }
        let (listener, mut node) = me.listen(metadata).await?;
        node.endpoints = crate::registry::idempotent_endpoints(&self.idempotent);
        match &self.tls {
            Some(tls) => info!(
                "{} {} listening on {} (mutual TLS as {})",
                me.name, me.version, node.address, tls.name
            ),
            None => info!("{} {} listening on {}", me.name, me.version, node.address),
        }

        let (health, health_service) = tonic_health::server::health_reporter();
        let set_health = async |status| {
            for name in std::iter::once("").chain(self.handler_names.iter().copied()) {
                health.set_service_status(name, status).await;
            }
        };
        set_health(ServingStatus::Serving).await;
        let served = self.handler_names.iter().copied();
        // None where the operator turned them off (MICRO_METRICS=off).
        let metrics = metrics(served.chain([name_of(&health_service)]), self.collectors)?;
        let mut routes = self.handlers.clone().add_service(health_service);
        if let Some(metrics) = &metrics {
            // `/metrics` on the gRPC port, for Prometheus' HTTP/1.1 scrapes (crate::metrics).
            routes = metrics.serve_metrics(routes);
        }
        let mut server = builder();
        if let Some(tls) = &self.tls {
            server = (server.tls_config(tls.server())).map_err(|error| {
                anyhow::anyhow!("{}'s certificate cannot be used: {error}", tls.name)
            })?;
        }
        let router = server
            .accept_http1(true)
            .layer(crate::trace::grpc::TraceLayer)
            .layer(InterceptorLayer::new(ArrivedAt(node.clone())))
            .layer(tower::util::option_layer(metrics))
            .add_routes(routes);

        let mut shutdown = std::pin::pin!(shutdown);
        if !me.register_unless_stopped(&node, shutdown.as_mut()).await? {
            return Ok(());
        }

        let (left_tx, mut left) = watch::channel(false);
        let leave = async {
            shutdown.await;
            info!("1/3 health is NOT_SERVING");
            set_health(ServingStatus::NotServing).await;
            info!("2/3 deregistering {}", node.id);
            me.deregister(&node).await;
            let _ = left_tx.send(true);
            info!("3/3 draining the calls in flight (up to {:?})", self.grace);
        };
        let serving = router.serve_with_incoming_shutdown(incoming(listener), leave);
        let draining = async {
            if left.wait_for(|left| *left).await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        match shared::signal::within_grace(self.grace, draining, serving).await {
            Some(served) => served?,
            None => warn!("calls still open after {:?}; closed them", self.grace),
        }
        info!("stopped");
        Ok(())
    }
}
// ANCHOR_END: run

/// The metrics of a server of `services`, with `collectors` beside them; none if the
/// operator turned them off ([`crate::metrics::SWITCH`]).
fn metrics<'a>(
    services: impl IntoIterator<Item = &'a str>,
    collectors: Vec<Box<dyn prometheus::core::Collector>>,
) -> anyhow::Result<Option<GrpcMetrics>> {
    if !crate::metrics::wanted()? {
        info!("metrics off ({}=off): no /metrics", crate::metrics::SWITCH);
        return Ok(None);
    }
    let metrics = GrpcMetrics::new(services)?;
    for collector in collectors {
        metrics.registry().register(collector)?;
    }
    Ok(Some(metrics))
}

/// The name a gRPC service is routed by: `grpc.health.v1.Health` for the health service.
fn name_of<S: NamedService>(_: &S) -> &'static str {
    S::NAME
}

/// Hands every call the node it arrived at, in its extensions, as go-micro's handlers find
/// the server's details in their context.
#[derive(Debug, Clone)]
pub struct ArrivedAt(pub Node);

impl Interceptor for ArrivedAt {
    fn call(&mut self, mut request: Request<()>) -> Result<Request<()>, Status> {
        request.extensions_mut().insert(self.0.clone());
        Ok(request)
    }
}

/// hello.Greeter that says which node answered: `Hello NAME from NODE-ID`.
#[derive(Debug, Clone, Copy, Default)]
pub struct NodeGreeter;

#[tonic::async_trait]
impl Greeter for NodeGreeter {
    async fn say_hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloReply>, Status> {
        let name = check_name(&request.get_ref().name)?;
        let node = request
            .extensions()
            .get::<Node>()
            .ok_or_else(|| Status::internal("served outside a micro Service"))?;
        let message = format!("Hello {name} from {}", node.id);
        Ok(Response::new(HelloReply { message }))
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
