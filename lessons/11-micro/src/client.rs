//! The client: call a service by its name.
//!
//! What go-micro's `client.Call` does behind one line: find the service's nodes in the
//! registry (and keep watching them, so a node that leaves is dropped at once), pick one with
//! the selector, call it, and if the call could not reach it (`Unavailable`), try once more
//! on another node.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use proto::hello::HelloRequest;
use proto::hello::greeter_client::GreeterClient;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Status};

use crate::exercises::call::call;
use crate::registry::{Node, Nodes, Registry};
use crate::selector::Selector;

// ANCHOR: client
/// A client of every service in one registry.
pub struct MicroClient {
    registry: Arc<dyn Registry>,
    selector: Box<dyn Selector>,
    watches: tokio::sync::Mutex<HashMap<String, Nodes>>,
    channels: Mutex<HashMap<String, Channel>>,
}

impl MicroClient {
    pub fn new(registry: Arc<dyn Registry>, selector: Box<dyn Selector>) -> MicroClient {
        MicroClient {
            registry,
            selector,
            watches: tokio::sync::Mutex::new(HashMap::new()),
            channels: Mutex::new(HashMap::new()),
        }
    }

    /// The nodes of `service` now; the first call starts a watch that keeps them current.
    pub async fn nodes(&self, service: &str) -> anyhow::Result<Vec<Node>> {
        let mut watches = self.watches.lock().await;
        if !watches.contains_key(service) {
            let nodes = self.registry.watch(service).await?;
            watches.insert(service.to_string(), nodes);
        }
        Ok(watches[service].borrow().clone())
    }

    /// `hello.Greeter/SayHello` on a node of `service`; the node that answered, and the reply.
    pub async fn say_hello(&self, service: &str, name: &str) -> Result<(Node, String), Status> {
        let nodes = self
            .nodes(service)
            .await
            .map_err(|error| Status::unavailable(format!("{error:#}")))?;
        call(service, &nodes, self.selector.as_ref(), |node| {
            let channel = self.channel(&node.address);
            let request = HelloRequest {
                name: name.to_string(),
            };
            async move {
                let reply = GreeterClient::new(channel?)
                    .say_hello(request)
                    .await
                    .map_err(broken_is_unavailable)?;
                Ok(reply.into_inner().message)
            }
        })
        .await
    }

    /// One lazily connected channel per address, reused across calls. An address that is
    /// not `host:port` (anyone can write into a registry) makes that node unreachable:
    /// `Unavailable`, and the call goes to another.
    fn channel(&self, address: &str) -> Result<Channel, Status> {
        let mut channels = self
            .channels
            .lock()
            .expect("no panic while the lock is held");
        if let Some(channel) = channels.get(address) {
            return Ok(channel.clone());
        }
        let endpoint = Endpoint::from_shared(format!("http://{address}")).map_err(|error| {
            Status::unavailable(format!("{address:?} is not an address to call: {error}"))
        })?;
        let channel = endpoint
            .connect_timeout(Duration::from_secs(1))
            .connect_lazy();
        channels.insert(address.to_string(), channel.clone());
        Ok(channel)
    }
}
// ANCHOR_END: client

/// A call whose connection broke under it — its node was killed mid-call — comes back from
/// tonic as `Unknown: transport error`. To the caller it means what `Unavailable` means: that
/// node is gone, try another. (Trying again is safe for SayHello, which changes nothing: a
/// call that broke may have run, so a framework can only do this for such calls.)
fn broken_is_unavailable(status: Status) -> Status {
    let broken = status.code() == Code::Unknown
        && std::error::Error::source(&status)
            .is_some_and(|source| source.is::<tonic::transport::Error>());
    if broken {
        Status::unavailable(format!("the connection broke: {}", status.message()))
    } else {
        status
    }
}
