//! The gateway, `l11-micro api`, as an HTTP client sees it: the binary started against a
//! registry, its answers as status and JSON, and user services in front of which it stands.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::HttpBody;
use futures::StreamExt as _;
use l11_micro::user::UserService;
use micro::api::reflect;
use micro::registry::Node;
use micro::service::ArrivedAt;
use proto::user::say_server::SayServer;
use serde_json::Value;
use testkit::{ServerProcess, within};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tonic::server::NamedService as _;
use tonic::service::InterceptorLayer;

use super::BINARY;
use crate::support::node;

/// `--registry KIND --registry-address ADDRESS --registry-ttl TTL`. The tests give a TTL of
/// 1s, unless they say why not.
pub fn registry(kind: &str, address: &str, ttl: &str) -> Vec<String> {
    let args = ["--registry", kind, "--registry-address", address];
    let args = args.into_iter().chain(["--registry-ttl", ttl]);
    args.map(str::to_string).collect()
}

/// The gateway's deadline in the tests, unless a test says why not: far beyond what a loaded
/// machine needs, so that only a node that never answers meets it.
const GATEWAY_DEADLINE: &str = "30s";

/// The binary with `registry`'s options, then `command`, on a free port. A gateway (`api`)
/// gets [`GATEWAY_DEADLINE`] unless `command` names its own `--deadline`.
pub async fn start(registry: &[String], command: &[&str], env: &[(&str, &str)]) -> ServerProcess {
    let mut args: Vec<&str> = registry.iter().map(String::as_str).collect();
    args.extend(command);
    if command.first() == Some(&"api") && !command.contains(&"--deadline") {
        args.extend(["--deadline", GATEWAY_DEADLINE]);
    }
    args.extend(["--addr", "127.0.0.1:0"]);
    ServerProcess::start_with_env(BINARY, &args, env, 1).await
}

/// `l11-micro user-server --name SERVICE`, once it is registered.
pub async fn user_server(registry: &[String], service: &str) -> ServerProcess {
    let server = start(registry, &["user-server", "--name", service], &[]).await;
    server.logged("registered").await;
    server
}

/// The gateway's answer to `GET path` or, with a body, `POST path`: status and JSON.
pub async fn request(gateway: &ServerProcess, path: &str, body: Option<Vec<u8>>) -> (u16, Value) {
    request_with(&reqwest::Client::new(), gateway, path, body).await
}

/// How long a test waits for the gateway's answer to one request.
const ANSWER_PATIENCE: std::time::Duration = std::time::Duration::from_secs(60);

/// [`request`] with `client`: callers at once share one (making a client takes a while).
pub async fn request_with(
    client: &reqwest::Client,
    gateway: &ServerProcess,
    path: &str,
    body: Option<Vec<u8>>,
) -> (u16, Value) {
    let url = format!("http://{}{path}", gateway.addr());
    let request = match body {
        None => client.get(url),
        Some(body) => client.post(url).body(body),
    };
    // The gateway answers every request by its own deadline: the test waits beyond it, so
    // that a busy machine's slowness is never read as a hang.
    let answer = tokio::time::timeout(ANSWER_PATIENCE, request.send())
        .await
        .unwrap_or_else(|_| panic!("gave up after {ANSWER_PATIENCE:?} waiting for {path}"))
        .expect("an HTTP answer");
    let status = answer.status().as_u16();
    let body = within("the body", answer.bytes()).await.expect("a body");
    let json = serde_json::from_slice(&body)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&body)));
    (status, json)
}

/// The gateway's answer to `GET path`.
pub async fn get(gateway: &ServerProcess, path: &str) -> (u16, Value) {
    request(gateway, path, None).await
}

/// `(status, gRPC code)` of an error answer, checking its shape.
pub fn error_of((status, body): (u16, Value)) -> (u16, i64) {
    assert!(body["message"].is_string(), "an error says what: {body}");
    assert!(body["status"].is_string(), "and names its code: {body}");
    (status, body["code"].as_i64().expect("a gRPC code"))
}

/// The seed's user service (`Say.Hello`, with reflection) on a free loopback port, until
/// dropped; each reply says `from ID`. Its reflection answers can come with their trailers
/// late, and it counts the reflection streams callers dropped before their end.
pub struct UserNode {
    pub node: Node,
    pub dropped_reflection_streams: Arc<AtomicUsize>,
    _stop: oneshot::Sender<()>,
}

impl UserNode {
    pub async fn start(id: &str) -> UserNode {
        UserNode::start_with_late_trailers(id, None).await
    }

    /// Every reflection answer's trailers wait `late` after the answer.
    pub async fn start_with_late_trailers(id: &str, late: Option<Duration>) -> UserNode {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let node = node(id, &listener.local_addr().unwrap().to_string());
        let (stop, stopped) = oneshot::channel::<()>();
        let dropped = Arc::new(AtomicUsize::new(0));
        let late = LateTrailers {
            late,
            dropped: dropped.clone(),
        };
        let serving = shared::grpc::builder()
            .layer(late)
            .layer(InterceptorLayer::new(ArrivedAt(node.clone())))
            .add_service(SayServer::new(UserService))
            .add_service(reflect::server(&[SayServer::<UserService>::NAME]))
            .serve_with_incoming_shutdown(shared::grpc::incoming(listener), async {
                let _ = stopped.await;
            });
        tokio::spawn(serving);
        UserNode {
            node,
            dropped_reflection_streams: dropped,
            _stop: stop,
        }
    }

    /// How many reflection streams callers dropped before their trailers.
    pub fn dropped_reflection_streams(&self) -> usize {
        self.dropped_reflection_streams.load(Ordering::Relaxed)
    }
}

/// A layer that holds back the trailers of every reflection answer for `late`, and counts
/// the reflection streams dropped before their end (the caller reset them).
#[derive(Clone)]
struct LateTrailers {
    late: Option<Duration>,
    dropped: Arc<AtomicUsize>,
}

impl<S> tower::Layer<S> for LateTrailers {
    type Service = LateTrailersService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        LateTrailersService {
            inner,
            late: self.clone(),
        }
    }
}

#[derive(Clone)]
struct LateTrailersService<S> {
    inner: S,
    late: LateTrailers,
}

/// Counts a stream as dropped unless it reached its end.
struct Unfinished {
    finished: Arc<AtomicBool>,
    dropped: Arc<AtomicUsize>,
}

impl Drop for Unfinished {
    fn drop(&mut self) {
        if !self.finished.load(Ordering::Relaxed) {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl<S, B, Answer> tower::Service<http::Request<B>> for LateTrailersService<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<Answer>>,
    S::Future: Send + 'static,
    Answer: HttpBody<Data = bytes::Bytes> + Send + 'static,
    Answer::Error: Into<Box<dyn std::error::Error + Send + Sync>> + Send,
{
    type Response = http::Response<tonic::body::Body>;
    type Error = S::Error;
    type Future = futures::future::BoxFuture<'static, Result<Self::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        let reflection = request.uri().path().starts_with("/grpc.reflection.");
        let answer = self.inner.call(request);
        let LateTrailers { late, dropped } = self.late.clone();
        Box::pin(async move {
            let response = answer.await?;
            let Some(late) = late.filter(|_| reflection) else {
                return Ok(response.map(tonic::body::Body::new));
            };
            Ok(response.map(|body| {
                let guard = Unfinished {
                    finished: Arc::new(AtomicBool::new(false)),
                    dropped,
                };
                let frames = http_body_util::BodyStream::new(body).then(move |frame| {
                    let finished = guard.finished.clone();
                    async move {
                        if frame.as_ref().is_ok_and(|frame| frame.is_trailers()) {
                            tokio::time::sleep(late).await;
                            finished.store(true, Ordering::Relaxed);
                        }
                        frame
                    }
                });
                tonic::body::Body::new(http_body_util::StreamBody::new(frames))
            }))
        })
    }
}
