//! The service: what `micro.NewService(micro.Name(…), micro.Version(…), micro.Registry(…))`
//! builds in go-micro, and what its `Run` does.
//!
//! A framework's promise is that a service is a name, a version, a registry and its
//! handlers, and the rest happens by itself: listen, register, serve with health, and on
//! SIGINT/SIGTERM leave in the right order — lesson 08's: health NOT_SERVING, deregister,
//! drain the calls in flight. This is all of that, in one place, for hello.Greeter.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use proto::hello::greeter_server::{Greeter, GreeterServer};
use proto::hello::{HelloReply, HelloRequest, HelloStreamRequest, NameReply, NameRequest};
use shared::greeter::{GreeterService, ReplyStream, check_name};
use shared::grpc::{builder, incoming};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tonic::{Request, Response, Status};
use tonic_health::ServingStatus;
use tracing::{info, warn};

use crate::registry::{Node, Registry};

// ANCHOR: builder
/// A service to run: go-micro's `micro.NewService` with its options.
pub struct Service {
    name: String,
    version: String,
    registry: Arc<dyn Registry>,
    address: String,
    grace: Duration,
}

impl Service {
    /// A service called `name`, registered in `registry`.
    pub fn new(name: &str, registry: Arc<dyn Registry>) -> Service {
        Service {
            name: name.to_string(),
            version: "latest".to_string(),
            registry,
            address: crate::DEFAULT_ADDR.to_string(),
            grace: shared::grpc::SHUTDOWN_GRACE,
        }
    }

    /// The version every node of this build says it runs.
    pub fn version(mut self, version: &str) -> Service {
        self.version = version.to_string();
        self
    }

    /// Where to listen: `host:port` (port 0: any free port).
    pub fn address(mut self, address: &str) -> Service {
        self.address = address.to_string();
        self
    }
}
// ANCHOR_END: builder

// ANCHOR: run
impl Service {
    /// Listens, registers, serves hello.Greeter (with health) until `shutdown`, then leaves:
    /// NOT_SERVING, deregister, drain within the grace period.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> anyhow::Result<()> {
        let listener = TcpListener::bind(&self.address)
            .await
            .with_context(|| format!("cannot listen on {}", self.address))?;
        let addr = listener.local_addr()?;
        let node = Node {
            id: format!("{}-{}-{}", self.name, addr.ip(), addr.port()),
            address: addr.to_string(),
            version: self.version.clone(),
        };
        info!("{} {} listening on {addr}", self.name, self.version);

        let (health, health_service) = tonic_health::server::health_reporter();
        health.set_service_status("", ServingStatus::Serving).await;
        let greeter = GreeterServer::new(NodeGreeter {
            id: node.id.clone(),
        });
        let router = builder().add_service(health_service).add_service(greeter);

        self.registry.register(&self.name, &node).await?;
        info!("registered {} in {}", node.id, self.registry.describe());

        let (left_tx, mut left) = watch::channel(false);
        let leave = async {
            shutdown.await;
            info!("1/3 health is NOT_SERVING");
            health
                .set_service_status("", ServingStatus::NotServing)
                .await;
            info!("2/3 deregistering {}", node.id);
            if let Err(error) = self.registry.deregister(&self.name, &node).await {
                warn!(
                    "{error:#}; the registry will drop {} when it expires",
                    node.id
                );
            }
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

/// hello.Greeter that says which node answered: `Hello NAME from NODE-ID`.
#[derive(Debug, Clone)]
pub struct NodeGreeter {
    pub id: String,
}

#[tonic::async_trait]
impl Greeter for NodeGreeter {
    async fn say_hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloReply>, Status> {
        let name = check_name(&request.get_ref().name)?;
        let message = format!("Hello {name} from {}", self.id);
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
