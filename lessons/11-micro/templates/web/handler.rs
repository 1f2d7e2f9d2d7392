//! What the web service does: go-micro's `handler/handler.go` — a page, and
//! `ExampleCall`, which decodes JSON, calls the service behind by name and augments its
//! answer. Every failure is answered as JSON, as `micro api` answers it.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::response::{Html, Json};
use axum::routing::{get, post};
use micro::api::error::ApiError;
use micro::client::MicroClient;
use micro::web::example::now_nanos;
use micro::web::json_body;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::example::Request as CallRequest;
use crate::example::example_client::ExampleClient;

/// The service /example/call calls, by name.
pub const BACKEND: &str = "{{srv}}";

/// The page at `/` (go-micro serves its html/ folder).
const PAGE: &str = include_str!("../html/index.html");

/// What /example/call takes: `{"name": "…"}`.
#[derive(Deserialize)]
struct Call {
    name: String,
}

/// `/` and `/example/call`.
pub fn routes(client: Arc<MicroClient>) -> Router {
    Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route("/example/call", post(example_call))
        .with_state(client)
}

/// `{"name": "Ferris"}` → `{"msg": "Hello Ferris", "ref": NANOSECONDS}`.
async fn example_call(
    State(client): State<Arc<MicroClient>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    // Decode the incoming request as JSON.
    let call: Call = json_body(body)?;
    // Call the service behind, by name.
    let (_node, reply) = client
        .call(BACKEND, |channel| {
            let request = CallRequest {
                name: call.name.clone(),
            };
            async move { ExampleClient::new(channel).call(request).await }
        })
        .await?;
    // Augment its answer: when it was made.
    Ok(Json(
        json!({ "msg": reply.into_inner().msg, "ref": now_nanos() }),
    ))
}
