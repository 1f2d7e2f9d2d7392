//! What the API does: go-micro's `handler/example.go` of an API service, which calls the
//! service behind it by name and answers with its reply.

use std::sync::Arc;

use micro::client::MicroClient;
use tonic::{Request, Response, Status};

use crate::example::example_client::ExampleClient;
use crate::example::example_server;
use crate::example::{Request as CallRequest, Response as CallResponse};

/// The service this API calls, by name.
pub const BACKEND: &str = "{{srv}}";

/// `Example.Call`: the same call, made on a node of [`BACKEND`].
pub struct Example {
    pub client: Arc<MicroClient>,
}

#[tonic::async_trait]
impl example_server::Example for Example {
    async fn call(&self, request: Request<CallRequest>) -> Result<Response<CallResponse>, Status> {
        tracing::info!("Received Example.Call request");
        let request = request.into_inner();
        let (_node, reply) = self
            .client
            .call(BACKEND, |channel| {
                let request = request.clone();
                async move { ExampleClient::new(channel).call(request).await }
            })
            .await?;
        Ok(Response::new(reply.into_inner()))
    }
}
