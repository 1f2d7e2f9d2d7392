//! The gateway's state: where each service's nodes are, what each service can be asked,
//! and one connection per node — all learnt on the first request and kept.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http::uri::PathAndQuery;
use prost_reflect::{DescriptorPool, DynamicMessage, MethodDescriptor};
use tonic::{Code, Status};

use super::error::ApiError;
use super::json::DynamicCodec;
use super::reflect;
use crate::client::call::call;
use crate::client::tries::{Policy, Tries};
use crate::client::{Channels, connection_failure, wire};
use crate::registry::{Node, Nodes, Registry};
use crate::selector::RoundRobin;

/// The most services the gateway watches and keeps schemas of (its connections are bounded
/// by [`Channels`] itself). Anyone can send any path: without a bound, `/a1`, `/a2`, … would each
/// cost a watch forever.
const MAX_KEPT: usize = 256;

/// The most bytes of descriptors the schemas kept may add up to: each may be up to
/// [`reflect::MAX_SCHEMA_BYTES`], and costs many times that in memory.
const MAX_KEPT_SCHEMA_BYTES: usize = 4 * reflect::MAX_SCHEMA_BYTES;

/// How long a schema is trusted to list every method: after that, a method it lacks makes
/// the gateway ask the service again (a new version may have added it).
const SCHEMA_FRESH: Duration = Duration::from_secs(5);

/// How many requests' deadlines one learning of a schema may take: longer than one, so that
/// a schema slower to learn than a request is learnt all the same (see [`Gateway::method`]).
const LEARNING_PATIENCE: u32 = 4;

/// One service's schema, when it was learnt, and its size in bytes of descriptors.
#[derive(Clone)]
struct Schema {
    pool: DescriptorPool,
    learnt: Instant,
    bytes: usize,
}

/// Everything `micro api` keeps between requests.
pub struct Gateway {
    registry: Arc<dyn Registry>,
    selector: RoundRobin,
    watches: tokio::sync::Mutex<HashMap<String, Nodes>>,
    schemas: Mutex<HashMap<String, Schema>>,
    channels: Channels,
    /// How calls are tried: the client's policy, budget and nodes set aside.
    tries: Tries,
    /// The services whose schema is being learnt: the lock that learning holds.
    learning: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl Gateway {
    pub fn new(registry: Arc<dyn Registry>, policy: Policy) -> Gateway {
        Gateway {
            registry,
            selector: RoundRobin::default(),
            watches: Default::default(),
            schemas: Default::default(),
            channels: Default::default(),
            tries: Tries::new(policy),
            learning: Default::default(),
        }
    }

    /// Calls the services over mutual TLS with `credentials`, and only nodes that serve it
    /// ([`crate::tls`]).
    /// Without credentials (`None`), plaintext, as before.
    pub fn tls(mut self, credentials: impl Into<Option<crate::tls::Credentials>>) -> Gateway {
        self.channels = Channels::new(credentials.into());
        self
    }

    /// How long one request may take, all its tries together.
    pub fn deadline(&self) -> Duration {
        self.tries.policy.deadline
    }

    /// How many retries and hedges the gateway paid for so far.
    pub fn retries(&self) -> u64 {
        self.tries.budget.retries()
    }

    /// How many retries and hedges the retry budget refused so far.
    pub fn retries_refused(&self) -> u64 {
        self.tries.budget.refused()
    }

    // ANCHOR: nodes
    /// The nodes of `service`. A service found with nodes is watched from then on, so
    /// later requests read the list without asking the registry. None at all: `NotFound`
    /// for a service never seen, `Unavailable` for one whose nodes have all gone.
    pub async fn nodes(&self, service: &str) -> Result<Vec<Node>, Status> {
        if let Some(nodes) = self.watches.lock().await.get(service) {
            let nodes = nodes.borrow().clone();
            return self.some_nodes(service, nodes);
        }
        let registry_down = |error: anyhow::Error| Status::unavailable(format!("{error:#}"));
        let nodes = self
            .registry
            .get_service(service)
            .await
            .map_err(registry_down)?;
        let room = self.watches.lock().await.len() < MAX_KEPT;
        if !nodes.is_empty() && room {
            let watch = self.registry.watch(service).await.map_err(registry_down)?;
            self.watches.lock().await.insert(service.to_string(), watch);
        }
        self.some_nodes(service, nodes)
    }
    // ANCHOR_END: nodes

    fn some_nodes(&self, service: &str, nodes: Vec<Node>) -> Result<Vec<Node>, Status> {
        if !nodes.is_empty() {
            Ok(nodes)
        } else if self.schema_of(service).is_some() {
            Err(Status::unavailable(format!(
                "no node of {service} is running"
            )))
        } else {
            Err(Status::not_found(format!(
                "no service {service} is registered"
            )))
        }
    }

    fn schema_of(&self, service: &str) -> Option<Schema> {
        let schemas = crate::locks::lock(&self.schemas);
        schemas.get(service).cloned()
    }

    // ANCHOR: method
    /// The gRPC method `Handler.Method` of `service`: a method `Method` of a gRPC service
    /// whose own name (its package aside) is `Handler`. The schema comes from the service's
    /// reflection, once, then from the cache; a schema too large to keep is 502.
    ///
    /// The schema is learnt in a task of its own, one per service at a time. A request
    /// whose deadline passes while its service is asked is answered 503 (the call never
    /// ran), and the learning goes on, to be kept for the next request: dropped with the
    /// request, a schema that takes longer to learn than a request's deadline (a node
    /// that is far, or busy) would be asked for again by every request, and never learnt.
    pub async fn method(
        self: &Arc<Self>,
        service: &str,
        nodes: &[Node],
        handler_method: &str,
    ) -> Result<MethodDescriptor, ApiError> {
        if let Some(found) = self.cached_method(service, handler_method) {
            return Ok(found?);
        }
        // A request that finds the service's schema being learnt waits for that learning,
        // then finds the schema kept.
        let gate = {
            let mut learning = crate::locks::lock(&self.learning);
            learning.entry(service.to_string()).or_default().clone()
        };
        let held = gate.lock_owned().await;
        if let Some(found) = self.cached_method(service, handler_method) {
            return Ok(found?);
        }
        let gateway = Arc::clone(self);
        let (name, nodes) = (service.to_string(), nodes.to_vec());
        let learning = tokio::spawn(async move {
            // Bounded too: a node that takes the question and never answers holds the
            // service's learning no longer than this, then the next learning asks another.
            let patience = gateway.deadline() * LEARNING_PATIENCE;
            let learnt = match tokio::time::timeout(patience, gateway.learn(&name, nodes)).await {
                Ok(learnt) => learnt,
                Err(_) => Err(wire::not_sent(format!(
                    "{name}: its schema was not learnt within {patience:?}"
                ))),
            };
            let pool = learnt.map(|schema| {
                let pool = schema.pool.clone();
                gateway.keep(&name, schema);
                pool
            });
            crate::locks::lock(&gateway.learning).remove(&name);
            drop(held);
            pool
        });
        let pool = match learning.await {
            Ok(Ok(pool)) => pool,
            Ok(Err(status)) if status.code() == Code::ResourceExhausted => {
                let message = format!("{service}: {}", status.message());
                return Err(ApiError::bad_gateway(Status::resource_exhausted(message)));
            }
            Ok(Err(status)) => return Err(status.into()),
            Err(failed) => {
                let message = format!("{service}: learning its schema failed: {failed}");
                return Err(Status::internal(message).into());
            }
        };
        Ok(find_method(service, &pool, handler_method)?)
    }

    /// The method from the schema kept, if there is one that can answer: it has the
    /// method, or was learnt too recently to be asked again.
    fn cached_method(
        &self,
        service: &str,
        handler_method: &str,
    ) -> Option<Result<MethodDescriptor, Status>> {
        let schema = self.schema_of(service)?;
        let found = find_method(service, &schema.pool, handler_method);
        (found.is_ok() || schema.learnt.elapsed() < SCHEMA_FRESH).then_some(found)
    }

    /// Asks a node of `service` for its schema, another node when one cannot answer.
    async fn learn(&self, service: &str, nodes: Vec<Node>) -> Result<reflect::Schema, Status> {
        let nodes = self.tries.set_aside.not_set_aside(service, nodes);
        let learnt = call(service, &nodes, &self.selector, |node| async move {
            let asked = async {
                let channel = (self.channels.get(service, &node))
                    .map_err(|refused| connection_failure(refused, &node))?;
                reflect::schema(channel).await.map_err(|status| {
                    // The call is not sent before its schema is known, and reading a schema
                    // changes nothing: whatever failed, the call never ran, and another node
                    // may be asked.
                    if wire::from_the_connection(&status) || wire::timed_out(&status) {
                        let failed = connection_failure(status, &node);
                        return wire::not_sent(format!(
                            "{} at {} could not be asked for its schema: {}",
                            node.id,
                            node.address,
                            failed.message()
                        ));
                    }
                    wire::changes_nothing(match status.code() {
                        Code::Unimplemented => Status::unimplemented(format!(
                            "{service} serves no gRPC reflection: its methods cannot be known"
                        )),
                        _ => status,
                    })
                })
            };
            self.noted(service, &node, asked).await
        })
        .await;
        learnt.map(|(_node, schema)| schema)
    }

    /// Keeps `service`'s schema, within [`MAX_KEPT`] schemas and [`MAX_KEPT_SCHEMA_BYTES`]:
    /// the ones learnt longest ago make room.
    fn keep(&self, service: &str, schema: reflect::Schema) {
        let mut schemas = crate::locks::lock(&self.schemas);
        schemas.remove(service);
        let fits = |schemas: &HashMap<String, Schema>| {
            let bytes: usize = schemas.values().map(|kept| kept.bytes).sum();
            schemas.len() < MAX_KEPT && bytes + schema.bytes <= MAX_KEPT_SCHEMA_BYTES
        };
        while !fits(&schemas) {
            let Some(oldest) = schemas
                .iter()
                .min_by_key(|(_, kept)| kept.learnt)
                .map(|(name, _)| name.clone())
            else {
                break;
            };
            schemas.remove(&oldest);
        }
        schemas.insert(
            service.to_string(),
            Schema {
                pool: schema.pool,
                learnt: Instant::now(),
                bytes: schema.bytes,
            },
        );
    }
    // ANCHOR_END: method

    // ANCHOR: call
    /// Calls `method` with `request` on a node of `service`, to be answered by `deadline`:
    /// round robin, and on another node as the client's [`Tries`] say — while the call
    /// could not run on the one tried, and for a method the service or the gateway declares
    /// idempotent, when a try got no answer in time.
    pub async fn call(
        &self,
        service: &str,
        nodes: &[Node],
        method: &MethodDescriptor,
        request: DynamicMessage,
        deadline: tokio::time::Instant,
    ) -> Result<DynamicMessage, Status> {
        let path = format!("/{}/{}", method.parent_service().full_name(), method.name());
        let path = PathAndQuery::try_from(path)
            .map_err(|error| Status::internal(format!("no gRPC path: {error}")))?;
        // `Handler.Method`, as the registry's endpoints name it.
        let name = format!("{}.{}", method.parent_service().name(), method.name());
        let selector = &self.selector;
        let (_node, reply) = self
            .tries
            .call(
                service,
                Some(&name),
                nodes.to_vec(),
                selector,
                deadline,
                |node, deadline| {
                    let request = request.clone();
                    let path = path.clone();
                    let codec = DynamicCodec {
                        reply: method.output(),
                    };
                    async move {
                        let mut grpc = tonic::client::Grpc::new(self.channels.get(service, &node)?);
                        grpc.ready().await.map_err(|error| {
                            crate::client::wire::not_sent(format!("{}: {error}", node.address))
                        })?;
                        let mut request = tonic::Request::new(request);
                        // The service's span goes under this request's (crate::trace).
                        crate::trace::pass_on(request.metadata_mut());
                        // The service learns the call's deadline, and can stop when it passes.
                        // Not the per-try timeout: that is the gateway's own timer, and a
                        // node that answered `Cancelled` as it passed would race it.
                        request.set_timeout(
                            deadline.saturating_duration_since(tokio::time::Instant::now()),
                        );
                        let reply = grpc.unary(request, path, codec).await?;
                        Ok(reply.into_inner())
                    }
                },
            )
            .await?;
        Ok(reply)
    }

    /// The outcome of a try on `node`, noted: a node whose call could not run there is set
    /// aside for [`SET_ASIDE_FOR`](crate::client::SET_ASIDE_FOR), as the client does.
    async fn noted<T>(
        &self,
        service: &str,
        node: &Node,
        tried: impl Future<Output = Result<T, Status>>,
    ) -> Result<T, Status> {
        let answer = tried.await;
        self.tries
            .set_aside
            .note(service, node, answer.as_ref().err());
        answer
    }
    // ANCHOR_END: call
}

/// `Handler.Method` in `pool`; `NotFound` listing what there is when it is not there.
fn find_method(
    service: &str,
    pool: &DescriptorPool,
    handler_method: &str,
) -> Result<MethodDescriptor, Status> {
    let (handler, name) = handler_method
        .split_once('.')
        .unwrap_or((handler_method, ""));
    let found: Vec<MethodDescriptor> = pool
        .services()
        .filter(|grpc_service| grpc_service.name() == handler)
        .filter_map(|grpc_service| grpc_service.methods().find(|m| m.name() == name))
        .collect();
    match found.as_slice() {
        [method] if method.is_client_streaming() || method.is_server_streaming() => {
            Err(Status::unimplemented(format!(
                "{} streams: micro api calls unary methods only",
                method.full_name()
            )))
        }
        [method] => Ok(method.clone()),
        [] => {
            let known: Vec<String> = pool
                .services()
                .flat_map(|s| {
                    s.methods()
                        .map(|m| format!("{}.{}", s.name(), m.name()))
                        .collect::<Vec<_>>()
                })
                .collect();
            Err(Status::not_found(format!(
                "{service} has no method {handler_method}; it has {}",
                known.join(", ")
            )))
        }
        several => {
            let names: Vec<&str> = several.iter().map(|m| m.full_name()).collect();
            Err(Status::not_found(format!(
                "{handler_method} of {service} could be any of {}",
                names.join(", ")
            )))
        }
    }
}

#[cfg(test)]
mod tests;
