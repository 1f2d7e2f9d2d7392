//! What the service does: go-micro's `handler/example.go`.

use tonic::{Request, Response, Status};

use crate::example::example_server;
use crate::example::{Request as CallRequest, Response as CallResponse};

/// `Example.Call`: `{name}` → `{msg: "Hello NAME"}`.
pub struct Example;

#[tonic::async_trait]
impl example_server::Example for Example {
    async fn call(&self, request: Request<CallRequest>) -> Result<Response<CallResponse>, Status> {
        tracing::info!("Received Example.Call request");
        let name = request.into_inner().name;
        if name.is_empty() {
            return Err(Status::invalid_argument("name must not be empty"));
        }
        let msg = format!("Hello {name}");
        Ok(Response::new(CallResponse { msg }))
    }
}
