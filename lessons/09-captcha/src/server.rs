//! The lesson's server: the captcha service and its health, registered in Consul, leaving
//! in lesson 08's order.
//!
//! Everything about registering and leaving lives in [`shared::registered`]. What is new
//! here is a health that follows Redis ([`crate::health`]), a registration that comes back
//! with Redis (an outage longer than `reap_after` gets the instance reaped), and a stop that
//! first ends the follower: once the stop has turned the health NOT_SERVING, nothing may
//! turn it back.

use std::net::SocketAddr;
use std::time::Duration;

use consulrs::client::ConsulClient;
use proto::captcha::captcha_server::CaptchaServer;
use shared::consul::Instance;
use shared::registered::{Registration, Served, serve_registered};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tonic::server::NamedService as _;
use tonic_health::ServingStatus;
use tracing::{info, warn};

use crate::health::follow_redis;
use crate::service::CaptchaService;
use crate::store::Codes;

/// The gRPC name of the captcha service, which its health check asks about.
pub const CAPTCHA: &str = CaptchaServer::<CaptchaService>::NAME;

/// How the server registers, follows Redis and stops.
#[derive(Debug, Clone)]
pub struct Options {
    /// The service name in the catalog.
    pub name: String,
    /// How often the agent calls the health service.
    pub check_interval: Duration,
    /// How long the check may stay critical before the agent removes the instance.
    pub reap_after: Duration,
    /// How long calls in flight may take to finish once the server stops.
    pub grace: Duration,
    /// How often the server PINGs Redis to set its health.
    pub ping_every: Duration,
}

// ANCHOR: registration
/// The instance listening on `addr`, with a gRPC check of the captcha service's health.
pub fn registration(client: ConsulClient, addr: SocketAddr, options: &Options) -> Registration {
    let instance = Instance::new(&options.name, addr);
    let check = instance.grpc_check(CAPTCHA, options.check_interval, options.reap_after);
    Registration {
        client,
        instance,
        check,
    }
}
// ANCHOR_END: registration

// ANCHOR: serve
/// Serves the captcha service and its health on `listener`, registered, with the health
/// following Redis, until `shutdown`; then leaves in order (NOT_SERVING, deregister, drain).
pub async fn serve(
    listener: TcpListener,
    codes: Codes,
    registration: &Registration,
    options: &Options,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    let (health, health_service) = tonic_health::server::health_reporter();
    // NOT_SERVING until the first PING answers: a watcher that comes early hears a status,
    // not "service not registered".
    for service in [CAPTCHA, ""] {
        health
            .set_service_status(service, ServingStatus::NotServing)
            .await;
    }
    let router = shared::grpc::builder()
        .add_service(health_service)
        .add_service(CaptchaServer::new(CaptchaService::new(codes.clone())));

    let (stop_following, following_stopped) = oneshot::channel::<()>();
    let (redis_up, redis_seen) = watch::channel(false);
    let follower = tokio::spawn(follow_redis(
        codes,
        health.clone(),
        vec![CAPTCHA.to_string()],
        options.ping_every,
        redis_up,
        async {
            let _ = following_stopped.await;
        },
    ));
    // Until the stop, register again whenever Redis comes back. The stop ends the follower
    // first, so that it cannot undo the NOT_SERVING that leaving sets next.
    let shutdown = async move {
        tokio::select! {
            () = shutdown => {}
            () = register_when_redis_returns(registration, redis_seen) => {}
        }
        let _ = stop_following.send(());
        let _ = follower.await;
    };

    let served = Served {
        router,
        listener,
        health,
        services: vec![CAPTCHA.to_string()],
        grace: options.grace,
    };
    serve_registered(served, registration, shutdown).await
}
// ANCHOR_END: serve

// ANCHOR: come_back
/// Registers again each time Redis comes back after being down. While Redis is away the
/// check is critical, and once it has been critical for `reap_after` the agent removes the
/// instance as if it were dead; nothing else would put it back. Registering an ID the agent
/// still knows only replaces its entry, so this is harmless after a short outage.
async fn register_when_redis_returns(
    registration: &Registration,
    mut redis_up: watch::Receiver<bool>,
) {
    let mut was_down = false;
    while redis_up.changed().await.is_ok() {
        let up = *redis_up.borrow_and_update();
        if up && was_down {
            let id = &registration.instance.id;
            match registration.register().await {
                Ok(()) => info!("Redis is back: registered {id} again"),
                Err(error) => warn!("Redis is back, but {error:#}"),
            }
        }
        was_down = !up;
    }
    std::future::pending().await // the follower is gone: wait for the stop
}
// ANCHOR_END: come_back
