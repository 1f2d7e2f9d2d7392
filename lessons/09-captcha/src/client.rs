//! A client for the service, as lesson 10's gateway will call it: a new captcha for a uuid,
//! a guess to verify, and the health.

use std::time::Duration;

use anyhow::Context as _;
use proto::captcha::captcha_client::CaptchaClient;
use proto::captcha::{NewCaptchaRequest, VerifyRequest};
use tonic::transport::{Channel, Endpoint};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

/// How long one call may take.
pub const DEADLINE: Duration = Duration::from_secs(5);

/// Opens a connection to the server at `addr` (`HOST:PORT`).
pub async fn connect(addr: &str) -> anyhow::Result<Channel> {
    let channel = Endpoint::from_shared(format!("http://{addr}"))?
        .connect_timeout(Duration::from_secs(2))
        .timeout(DEADLINE)
        .connect()
        .await
        .with_context(|| format!("cannot reach a gRPC server at {addr}"))?;
    Ok(channel)
}

/// A new captcha for `uuid`: the PNG.
pub async fn new_captcha(addr: &str, uuid: &str) -> anyhow::Result<Vec<u8>> {
    let mut captcha = CaptchaClient::new(connect(addr).await?);
    let request = NewCaptchaRequest { uuid: uuid.into() };
    Ok(captcha.new_captcha(request).await?.into_inner().png)
}

/// Whether `code` is `uuid`'s code (and uses it up).
pub async fn verify(addr: &str, uuid: &str, code: &str) -> anyhow::Result<bool> {
    let mut captcha = CaptchaClient::new(connect(addr).await?);
    let request = VerifyRequest {
        uuid: uuid.into(),
        code: code.into(),
    };
    Ok(captcha.verify(request).await?.into_inner().ok)
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
