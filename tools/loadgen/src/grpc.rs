//! Lesson 05's protocol: `hello.Greeter/SayHello` over gRPC.
//!
//! gRPC runs over HTTP/2, which carries many calls at once on one connection, each on its
//! own stream. So there are two ways to load a gRPC server: many connections with one call
//! in flight on each (`--connections N`, like the other protocols), or one connection with
//! many calls in flight (`--streams N`). Each in-flight call is one closed loop here: call,
//! check `"Hello <name>!"`, record, call again, on a clone of the connection's client.
//!
//! Three clients make the calls ([`Client`]). The default, [`crate::grpc_frames`], writes
//! and reads the HTTP/2 frames itself and costs the load generator a fraction of what the
//! server spends per call, so the numbers are the server's. [`crate::grpc_h2`] writes the
//! frames with the `h2` crate. The third is the generated `GreeterClient`, as in lesson
//! 05, over a bare HTTP/2 connection ([`Connection`]) rather than tonic's `Channel` (which
//! reconnects, balances and queues every call through a buffer task: right for a service,
//! a cost here): the client a learner writes, for comparison.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::client::conn::http2::{self, SendRequest};
use hyper_util::rt::{TokioExecutor, TokioIo};
use proto::hello::HelloRequest;
use proto::hello::greeter_client::GreeterClient;
use tokio::net::TcpStream;
use tokio::time::Instant;
use tonic::body::Body;

use crate::Protocol;
use crate::runner::{self, Schedule, Settings};
use crate::stats::{Recorder, Report};
use crate::tls::Tls;

/// How long a caller waits after an error status before calling again, so that a server
/// that went away (every call fails at once) is not called in a tight loop.
pub(crate) const PAUSE_AFTER_ERROR: Duration = Duration::from_millis(50);

/// Which client makes the calls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Client {
    /// gRPC frames written and read by loadgen itself: the cheapest per call, so it
    /// measures the server.
    #[default]
    Frames,
    /// gRPC frames written with the `h2` crate.
    H2,
    /// tonic's generated `GreeterClient`: what lesson 05's client does.
    Tonic,
}

/// Opens `settings.connections` HTTP/2 connections and runs `settings.pipeline()`
/// concurrent callers on each, with `client`.
pub async fn run(settings: &Settings, client: Client) -> anyhow::Result<Report> {
    match client {
        Client::Frames => crate::grpc_frames::run(settings).await,
        Client::H2 => crate::grpc_h2::run(settings, None).await,
        Client::Tonic => run_tonic(settings).await,
    }
}

/// The same calls over mutual TLS (`--tls-certs`), made by the `h2` crate's client: the
/// lean client over TLS, so that what TLS adds is the server's cost, not the client's.
pub async fn run_over_tls(settings: &Settings, tls: &Tls) -> anyhow::Result<Report> {
    crate::grpc_h2::run(settings, Some(tls)).await
}

/// The calls made by tonic's generated client.
async fn run_tonic(settings: &Settings) -> anyhow::Result<Report> {
    let connections = runner::connect_all(settings, Connection::open).await?;
    let callers: Vec<GreeterClient<Connection>> = connections
        .iter()
        .flat_map(|connection| std::iter::repeat_n(connection, settings.pipeline()))
        .map(|connection| GreeterClient::with_origin(connection.clone(), connection.origin.clone()))
        .collect();
    let record = runner::run_workers(settings, callers, caller).await;
    Ok(Report::new(settings.info(Protocol::Grpc), record))
}

/// One closed loop of calls on a shared connection.
async fn caller(n: usize, mut client: GreeterClient<Connection>, schedule: Schedule) -> Recorder {
    let mut record = Recorder::new();
    let mut id = 0u64;
    while schedule.sending(Instant::now()) {
        let name = format!("w{n}-{id}");
        id += 1;
        let sent = Instant::now();
        let call = client.say_hello(HelloRequest { name: name.clone() });
        let Ok(reply) = tokio::time::timeout_at(schedule.give_up_at, call).await else {
            record.error("no reply", || format!("no reply to {name} by the end"));
            break;
        };
        let now = Instant::now();
        match reply {
            Ok(reply) => {
                let expected = format!("Hello {name}!");
                let got = reply.into_inner().message;
                if got != expected {
                    record.error("wrong reply", || {
                        format!("expected {expected:?}, got {got:?}")
                    });
                } else if schedule.measures(sent, now) {
                    record.ok(now - sent);
                } else {
                    record.answered();
                }
            }
            Err(status) => {
                let code = status.code();
                record.error("error reply", || {
                    format!("{name}: {code:?}: {}", status.message())
                });
                tokio::time::sleep(PAUSE_AFTER_ERROR).await;
            }
        }
    }
    record
}

/// One HTTP/2 connection, as a service the generated client can call through. Clones
/// share the connection: each call is a new stream on it.
#[derive(Clone)]
pub struct Connection {
    send: SendRequest<Body>,
    /// `http://HOST:PORT`: the generated client puts it before `/hello.Greeter/SayHello`.
    origin: http::Uri,
}

impl Connection {
    /// Connects and does the HTTP/2 handshake; the connection's own task then runs in the
    /// background until every clone is dropped.
    pub async fn open(addr: SocketAddr) -> anyhow::Result<Connection> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (send, connection) =
            http2::handshake(TokioExecutor::new(), TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(Connection {
            send,
            origin: format!("http://{addr}").parse()?,
        })
    }
}

impl tower::Service<http::Request<Body>> for Connection {
    type Response = http::Response<hyper::body::Incoming>;
    type Error = hyper::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.send.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        Box::pin(self.send.send_request(request))
    }
}
