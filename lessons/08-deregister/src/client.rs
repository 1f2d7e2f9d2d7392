//! A client to watch a stop from outside: one SayHello (slow, if the server was started with
//! `--hello-delay`), and a health check.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use proto::hello::HelloRequest;
use proto::hello::greeter_client::GreeterClient;
use tonic::transport::{Channel, Endpoint};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

/// Opens a connection to the server at `addr` (`HOST:PORT`).
pub async fn connect(addr: &str) -> anyhow::Result<Channel> {
    let channel = Endpoint::from_shared(format!("http://{addr}"))?
        .connect_timeout(Duration::from_secs(2))
        .connect()
        .await
        .with_context(|| format!("cannot reach a gRPC server at {addr}"))?;
    Ok(channel)
}

/// Calls SayHello for `name` with a deadline of `deadline`; the greeting and how long it took.
pub async fn say_hello(
    addr: &str,
    name: &str,
    deadline: Duration,
) -> anyhow::Result<(String, Duration)> {
    let mut greeter = GreeterClient::new(connect(addr).await?);
    let mut request = tonic::Request::new(HelloRequest { name: name.into() });
    request.set_timeout(deadline);
    let started = Instant::now();
    let reply = greeter.say_hello(request).await?;
    Ok((reply.into_inner().message, started.elapsed()))
}

/// Asks the server's health service about `service` (`""`: the whole server).
pub async fn check_health(addr: &str, service: &str) -> anyhow::Result<ServingStatus> {
    let mut health = HealthClient::new(connect(addr).await?);
    let request = HealthCheckRequest {
        service: service.into(),
    };
    let reply = health.check(request).await?;
    Ok(reply.into_inner().status())
}
