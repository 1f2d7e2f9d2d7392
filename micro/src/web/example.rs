//! The seed's web service: a page, and `/example/call`, which decodes a JSON request, calls
//! a service by name and augments its answer — go-micro's `handler.ExampleCall`.
//!
//! Go's version reads the name with `request["name"].(string)`, which panics when the body
//! has no string `name`; here every bad request, and every failed call, is answered with the
//! same JSON error as `micro api`'s (`{"code", "status", "message"}`).

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::response::{Html, Json};
use axum::routing::{get, post};
use proto::user::Request as HelloRequest;
use proto::user::say_client::SayClient;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::error::ApiError;
use crate::client::MicroClient;
use crate::web::json_body;

/// The page at `/`: a form that posts to `/example/call` and shows the answer.
pub const PAGE: &str = include_str!("index.html");

// ANCHOR: example_call
/// What `/example/call` takes: `{"name": "…"}`.
#[derive(Debug, Deserialize)]
pub struct CallRequest {
    pub name: String,
}

/// The routes of the example: `/` and `/example/call`, which calls `Say.Hello` on a node of
/// `service` through `client`.
pub fn routes(client: Arc<MicroClient>, service: &str) -> Router {
    let example = Arc::new(Example {
        client,
        service: service.to_string(),
    });
    Router::new()
        .route("/", get(|| async { Html(PAGE) }))
        .route("/example/call", post(call))
        .with_state(example)
}

struct Example {
    client: Arc<MicroClient>,
    service: String,
}

/// `{"name": "Ferris"}` → `{"msg": "Hello Ferris from NODE-ID", "ref": NANOSECONDS}`.
async fn call(
    State(example): State<Arc<Example>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    // Decode the incoming request as JSON.
    let request: CallRequest = json_body(body)?;
    // Call the service behind, by name.
    let (_node, reply) = example
        .client
        .call(&example.service, |channel| {
            let request = HelloRequest {
                name: request.name.clone(),
            };
            async move { SayClient::new(channel).hello(request).await }
        })
        .await?;
    // Augment its answer: when it was made, as go-micro's example does.
    Ok(Json(
        json!({ "msg": reply.into_inner().msg, "ref": now_nanos() }),
    ))
}
// ANCHOR_END: example_call

/// Nanoseconds since 1970 (Go's `time.Now().UnixNano()`).
pub fn now_nanos() -> u64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
}
