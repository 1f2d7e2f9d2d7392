//! The gRPC client: a typed stub over one HTTP/2 connection.
//!
//! `GreeterClient` is generated from the same `.proto` as the server, so a call is a method
//! call with typed request and reply, like Go's `pb.NewGreeterClient(conn).SayHello(ctx, in)`.
//! The connection underneath (a `Channel`) is cheap to clone, and many calls share it at the
//! same time, each on its own HTTP/2 stream.

use std::time::Duration;

use anyhow::Context as _;
use proto::hello::greeter_client::GreeterClient;
use proto::hello::{HelloRequest, HelloStreamRequest, NameRequest};
use tokio_stream::StreamExt;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Status, TimeoutExpired};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

/// How long a call may take before the client gives up on it, as Go's
/// `context.WithTimeout(ctx, time.Second)` does around each call.
pub const CALL_DEADLINE: Duration = Duration::from_secs(1);

// ANCHOR: connect
/// Opens a connection to the server at `addr` (`HOST:PORT`), the way `grpc.Dial` does.
pub async fn connect(addr: &str) -> anyhow::Result<Channel> {
    let channel = Endpoint::from_shared(format!("http://{addr}"))?
        .connect_timeout(Duration::from_secs(2))
        .tcp_nodelay(true)
        .connect()
        .await
        .with_context(|| format!("cannot reach a gRPC server at {addr}"))?;
    Ok(channel)
}
// ANCHOR_END: connect

// ANCHOR: deadline
/// tonic's client keeps a call's deadline itself, and when it gives up first it reports
/// `Cancelled: Timeout expired`. gRPC's code for "the deadline passed" is DeadlineExceeded:
/// the server says so when it gives up first, and so does grpc-go's client. This makes the
/// two agree, so callers check one code.
pub fn deadline_exceeded_on_timeout(status: Status) -> Status {
    let mut cause = std::error::Error::source(&status);
    while let Some(error) = cause {
        if status.code() == Code::Cancelled && error.is::<TimeoutExpired>() {
            return Status::deadline_exceeded(status.message());
        }
        cause = error.source();
    }
    status
}
// ANCHOR_END: deadline

// ANCHOR: calls
/// Calls SayHello, SayName and SayHelloStream once each and prints what comes back.
pub async fn run(addr: &str, name: &str) -> anyhow::Result<()> {
    let mut greeter = GreeterClient::new(connect(addr).await?);

    let mut request = tonic::Request::new(HelloRequest { name: name.into() });
    request.set_timeout(CALL_DEADLINE);
    let reply = greeter
        .say_hello(request)
        .await
        .map_err(deadline_exceeded_on_timeout)?;
    println!("SayHello       -> {}", reply.into_inner().message);

    let mut request = tonic::Request::new(NameRequest { name: name.into() });
    request.set_timeout(CALL_DEADLINE);
    let reply = greeter
        .say_name(request)
        .await
        .map_err(deadline_exceeded_on_timeout)?;
    println!("SayName        -> {}", reply.into_inner().message);

    let request = HelloStreamRequest {
        name: name.into(),
        count: 3,
    };
    let mut replies = greeter.say_hello_stream(request).await?.into_inner();
    while let Some(reply) = replies.next().await {
        println!("SayHelloStream -> {}", reply?.message);
    }

    // A bad request is answered with a status, not a reply: here InvalidArgument.
    match greeter.say_hello(HelloRequest { name: "".into() }).await {
        Ok(reply) => println!("SayHello(\"\")   -> {}", reply.into_inner().message),
        Err(status) => println!(
            "SayHello(\"\")   -> {:?}: {}",
            status.code(),
            status.message()
        ),
    }
    Ok(())
}
// ANCHOR_END: calls

// ANCHOR: health
/// Asks `grpc.health.v1.Health/Check` whether `service` is serving ("" = the whole server).
pub async fn check_health(addr: &str, service: &str) -> anyhow::Result<ServingStatus> {
    let mut health = HealthClient::new(connect(addr).await?);
    let request = HealthCheckRequest {
        service: service.into(),
    };
    let reply = health
        .check(request)
        .await
        .map_err(|status| anyhow::anyhow!("{:?}: {}", status.code(), status.message()))?;
    Ok(reply.into_inner().status())
}
// ANCHOR_END: health
