//! One instance of the Greeter: it registers itself in Consul, says who it is in every
//! reply, and leaves Consul on the way out.
//!
//! Run three of them and a client sees three passing instances of one service. To show
//! which one answered a call, each instance puts its ID in the reply's metadata (the
//! `x-instance` header): the message stays the Greeter's own, so a client cannot tell the
//! instances apart by what they say, only by asking who said it, as in production.

use std::future::Future;
use std::time::Duration;

use anyhow::Context as _;
use proto::hello::greeter_server::Greeter;
use proto::hello::{HelloReply, HelloRequest, HelloStreamRequest, NameReply, NameRequest};
use shared::consul::Instance;
use shared::greeter::{GreeterService, ReplyStream};
use tokio::net::TcpListener;
use tonic::metadata::MetadataValue;
use tonic::{Request, Response, Status};

use crate::INSTANCE_HEADER;

/// How often the agent calls the instance's health service.
pub const CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// How long the agent keeps an instance whose check stays critical (one killed without
/// deregistering). A real Consul waits at least a minute, whatever this says.
pub const REAP_AFTER: Duration = Duration::from_secs(60);

/// How long a call to the agent may take before the server gives up on it: consulrs has
/// no timeout of its own, and an agent that accepts and never answers would hang us.
pub const AGENT_TIMEOUT: Duration = Duration::from_secs(5);

// ANCHOR: greeter
/// The worked example's Greeter, plus the ID of the instance in every reply's metadata.
#[derive(Debug, Clone)]
pub struct InstanceGreeter {
    id: MetadataValue<tonic::metadata::Ascii>,
}

impl InstanceGreeter {
    pub fn new(instance_id: &str) -> anyhow::Result<InstanceGreeter> {
        let id = instance_id
            .parse()
            .with_context(|| format!("{instance_id:?} cannot be sent as metadata"))?;
        Ok(InstanceGreeter { id })
    }

    fn signed<T>(&self, mut response: Response<T>) -> Response<T> {
        response
            .metadata_mut()
            .insert(INSTANCE_HEADER, self.id.clone());
        response
    }
}

#[tonic::async_trait]
impl Greeter for InstanceGreeter {
    async fn say_hello(
        &self,
        request: Request<HelloRequest>,
    ) -> Result<Response<HelloReply>, Status> {
        Ok(self.signed(GreeterService.say_hello(request).await?))
    }

    async fn say_name(&self, request: Request<NameRequest>) -> Result<Response<NameReply>, Status> {
        Ok(self.signed(GreeterService.say_name(request).await?))
    }

    type SayHelloStreamStream = ReplyStream;

    async fn say_hello_stream(
        &self,
        request: Request<HelloStreamRequest>,
    ) -> Result<Response<ReplyStream>, Status> {
        Ok(self.signed(GreeterService.say_hello_stream(request).await?))
    }
}
// ANCHOR_END: greeter

// ANCHOR: run
/// Serves the Greeter on `listener` as an instance of `service`, registered on the agent
/// behind `consul`, until `shutdown` completes; then leaves Consul first, so clients stop
/// picking this instance, and drains the calls in flight.
pub async fn run(
    listener: TcpListener,
    service: &str,
    consul: &consulrs::client::ConsulClient,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let instance = Instance::new(service, listener.local_addr()?);
    let check = instance.grpc_check("hello.Greeter", CHECK_INTERVAL, REAP_AFTER);
    tokio::time::timeout(AGENT_TIMEOUT, instance.register(consul, check))
        .await
        .map_err(|_| anyhow::anyhow!("the Consul agent did not answer within {AGENT_TIMEOUT:?}"))?
        .map_err(|error| {
            // Refused: no agent, and how to start one (see `shared::unreachable`).
            let agent = &consul.settings.address;
            shared::unreachable::agent_call_error("register", &instance.id, agent, error)
        })?;
    tracing::info!(id = %instance.id, "registered as an instance of {service:?}");

    let leave = async {
        shutdown.await;
        match tokio::time::timeout(AGENT_TIMEOUT, instance.deregister(consul)).await {
            Ok(Ok(())) => tracing::info!(id = %instance.id, "deregistered"),
            Ok(Err(error)) => tracing::warn!(%error, "could not deregister"),
            Err(_) => tracing::warn!("the agent did not answer the deregistration in time"),
        }
    };
    let greeter = InstanceGreeter::new(&instance.id)?;
    shared::grpc::serve_greeter(listener, greeter, leave).await
}
// ANCHOR_END: run
