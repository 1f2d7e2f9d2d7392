//! The hello service, with a typed wrapper so that the compiler checks every call.
//!
//! `client.call("hello.HelloWorld", 42)` compiles, and fails at run time: the method name
//! is a string and the params are any JSON. The Go course fixes this with an interface
//! that both the server's service and the client implement. The same here: the trait
//! [`HelloService`] is the contract. The server registers anything that implements it;
//! [`HelloClient`] implements it too, by making the call over the network. A misspelt
//! method or a wrong argument type is now a compile error:
//!
//! ```compile_fail
//! # async fn f(client: l02_rpc::hello::HelloClient) {
//! use l02_rpc::hello::HelloService;
//! client.hello_world(42).await; // error: expected `String`, found integer
//! # }
//! ```

use std::future::Future;
use std::sync::Arc;

use serde_json::Value;
use tokio::net::ToSocketAddrs;

use crate::client::{Client, RpcError};
use crate::registry::{MethodFuture, Registry, Service, decode_params};

/// The name the service is registered under: calls say `hello.HelloWorld`.
pub const SERVICE_NAME: &str = "hello";

// ANCHOR: contract
/// The hello service's contract, shared by the server and the client.
pub trait HelloService: Send + Sync + 'static {
    /// Greets `name`.
    fn hello_world(&self, name: String) -> impl Future<Output = Result<String, RpcError>> + Send;
}
// ANCHOR_END: contract

// ANCHOR: hello
/// The service itself: `name` → `name + " hello world"`.
pub struct Hello;

impl HelloService for Hello {
    async fn hello_world(&self, name: String) -> Result<String, RpcError> {
        Ok(name + " hello world")
    }
}
// ANCHOR_END: hello

// ANCHOR: register
/// Registers `service` as `hello`, so that `hello.HelloWorld` reaches it.
pub fn register_hello_service(registry: &mut Registry, service: impl HelloService) {
    registry.register(SERVICE_NAME, HelloServer(Arc::new(service)));
}

/// Adapts a typed [`HelloService`] to the registry's untyped [`Service`]: JSON in, JSON out.
struct HelloServer<S>(Arc<S>);

impl<S: HelloService> Service for HelloServer<S> {
    fn call(&self, method: &str, params: Value) -> Option<MethodFuture> {
        let service = Arc::clone(&self.0);
        match method {
            "HelloWorld" => Some(Box::pin(async move {
                let name: String = decode_params(params)?;
                let greeting = service
                    .hello_world(name)
                    .await
                    .map_err(|error| error.to_string())?;
                Ok(Value::String(greeting))
            })),
            _ => None,
        }
    }
}
// ANCHOR_END: register

// ANCHOR: client
/// The client side of the contract: each method is a call over the network.
#[derive(Clone)]
pub struct HelloClient {
    client: Client,
}

impl HelloClient {
    pub async fn connect(addr: impl ToSocketAddrs) -> std::io::Result<HelloClient> {
        Ok(HelloClient::new(Client::connect(addr).await?))
    }

    pub fn new(client: Client) -> HelloClient {
        HelloClient { client }
    }
}

impl HelloService for HelloClient {
    async fn hello_world(&self, name: String) -> Result<String, RpcError> {
        self.client.call_as("hello.HelloWorld", name).await
    }
}
// ANCHOR_END: client
