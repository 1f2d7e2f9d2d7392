//! A subscriber's endpoint: the web server a publisher POSTs messages to.
//!
//! go-micro's `ServeHTTP` (`broker/http.go` at v2.9.1, lines 283–337) reads the body,
//! decodes the message, takes its topic from the `Micro-Topic` header and hands it to the
//! subscription whose node id is the `id` in the query. Each thing that can be wrong here is
//! a clear answer to the one request that brought it, never a stop for the others: a body
//! over [`MAX_MESSAGE_BYTES`] is refused unread (413), a body that is not a message or has no
//! topic is a 400, an id no subscription here has is a 404, a handler that fails (or
//! panics) a 500, a message whose subscription stopped before its body was in a 503 —
//! logged, and the endpoint goes on.
//!
//! A message is taken as soon as its request's headers are in, before its body has arrived
//! (`in_flight`): a subscription that stops meanwhile still reads it to the end, hands it to
//! its handler once and answers 200, then forgets the handler. The endpoint itself closes
//! gracefully too: [`Endpoint::close`] stops taking connections and lets the requests it is
//! serving finish (within [`SHUTDOWN_GRACE`]), so a subscriber stopped by a signal answers
//! the publisher of each message it took, instead of dropping it. A message whose body is
//! still arriving when its subscription's grace is over is refused (503) there and then: a
//! publisher that stalls halfway holds the stop for one grace period, not two.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Mutex;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequest, Query, Request, State};
use axum::http::StatusCode;
use axum::routing::post;
use bytes::Bytes;
use shared::grpc::SHUTDOWN_GRACE;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::warn;

use super::Subscribers;
use super::in_flight::Subscriber;
use crate::broker::{Event, MAX_MESSAGE_BYTES, Message, TOPIC_HEADER};

/// A running endpoint: its address, and what closes it.
pub struct Endpoint {
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
    serving: Mutex<Option<JoinHandle<()>>>,
}

impl Endpoint {
    /// Takes no more connections, and returns once the messages in flight are handled and
    /// answered, or [`SHUTDOWN_GRACE`] has passed (then what is left is dropped).
    pub async fn close(&self) {
        let _ = self.stop.send(true);
        let Some(serving) = crate::locks::lock(&self.serving).take() else {
            return;
        };
        let abort = serving.abort_handle();
        if tokio::time::timeout(SHUTDOWN_GRACE, serving).await.is_err() {
            warn!(grace = ?SHUTDOWN_GRACE, "messages still in flight are dropped");
            abort.abort();
        }
    }
}

/// Listens on `listen` and serves the subscriptions in `subscribers`, in the background;
/// the endpoint's address is where it listens (`127.0.0.1` when asked for every interface).
pub async fn start(listen: &str, subscribers: Subscribers) -> anyhow::Result<Endpoint> {
    // A second subscriber on one machine meets the first one's port: the error names who
    // holds it.
    let listener = shared::listen::listen(listen).await?;
    let mut addr = listener.local_addr()?;
    if addr.ip().is_unspecified() {
        addr.set_ip([127, 0, 0, 1].into());
    }
    let app = Router::new()
        .route("/", post(deliver))
        .layer(DefaultBodyLimit::max(MAX_MESSAGE_BYTES))
        .with_state(subscribers);
    let (stop, mut stopped) = watch::channel(false);
    let serving = tokio::spawn(async move {
        let closing = async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        };
        let serving = axum::serve(listener, app).with_graceful_shutdown(closing);
        if let Err(error) = serving.await {
            warn!(%error, "the broker's endpoint stopped");
        }
    });
    Ok(Endpoint {
        addr,
        stop,
        serving: Mutex::new(Some(serving)),
    })
}

// ANCHOR: deliver
/// One message, POSTed to `/?id=<node id>`.
///
/// axum calls this as soon as the request's headers are in: the body is read here, after
/// the delivery has begun, and not by an extractor (which would read it before the call).
async fn deliver(
    State(subscribers): State<Subscribers>,
    Query(query): Query<HashMap<String, String>>,
    request: Request,
) -> (StatusCode, String) {
    let id = query.get("id").map(String::as_str).unwrap_or_default();
    // In flight from here, if a subscription here has this id and is not stopping: until
    // this returns, its stop waits for this message, however long its body takes.
    let delivery = crate::locks::read(&subscribers)
        .get(id)
        .and_then(Subscriber::begin);
    let reading = Bytes::from_request(request, &());
    let body = match &delivery {
        // A body still arriving when the subscription's grace is over is refused then, so
        // that a publisher that stalls cannot hold the subscriber's stop any longer.
        Some(delivery) => tokio::select! {
            body = reading => body,
            () = delivery.cut_off() => return too_late(id),
        },
        None => reading.await,
    };
    let body = match body {
        Ok(body) => body,
        // Over MAX_MESSAGE_BYTES (413), or the publisher hung up before the end (400).
        Err(rejection) => return refuse(rejection.status(), rejection.body_text()),
    };
    let message = match Message::decode(&body) {
        Ok(message) => message,
        Err(error) => return refuse(StatusCode::BAD_REQUEST, format!("{error:#}")),
    };
    let Some(topic) = message.header.get(TOPIC_HEADER).cloned() else {
        let error = format!("the message has no {TOPIC_HEADER} header");
        return refuse(StatusCode::BAD_REQUEST, error);
    };
    let delivery = match delivery {
        Some(delivery) if delivery.topic() == topic => delivery,
        _ => {
            let error = format!("no subscriber {id:?} of topic {topic:?} here");
            return refuse(StatusCode::NOT_FOUND, error);
        }
    };
    match delivery.hand(Event { topic, message }).await {
        Some(Ok(())) => (StatusCode::OK, String::new()),
        Some(Err(error)) => refuse(StatusCode::INTERNAL_SERVER_ERROR, format!("{error:#}")),
        None => too_late(id),
    }
}
// ANCHOR_END: deliver

/// The answer to a message whose subscription stopped, its grace over, before the message
/// was all in or handed over.
fn too_late(id: &str) -> (StatusCode, String) {
    let error = format!("subscriber {id:?} stopped before the message was in");
    refuse(StatusCode::SERVICE_UNAVAILABLE, error)
}

/// An error answer, logged.
fn refuse(status: StatusCode, error: String) -> (StatusCode, String) {
    warn!(%status, "refused a message: {error}");
    (status, error)
}
