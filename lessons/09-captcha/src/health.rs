//! Health that follows Redis.
//!
//! A captcha service without its store can draw images but cannot keep a single code: every
//! call would fail. Consul's gRPC check asks the service's health, and only instances whose
//! check passes are handed out. So the health should say what callers will get: SERVING
//! while Redis answers, NOT_SERVING while it does not. Then discovery stops sending calls to
//! an instance that has lost its store, and sends them again once Redis is back, with no
//! restart of anything.

use std::time::Duration;

use shared::unreachable::{Needed, no_answer};
use tokio::sync::watch;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;
use tracing::{info, warn};

use crate::store::{Codes, REDIS_TIMEOUT};

/// How often the service asks Redis whether it is there, unless told otherwise.
pub const PING_EVERY: Duration = Duration::from_secs(1);

// ANCHOR: follow
/// Every `every`, PINGs Redis and sets the health of `services` (and of the whole server,
/// `""`) to SERVING or NOT_SERVING accordingly, until `stop` completes. `redis_up` hears of
/// every change too.
pub async fn follow_redis(
    codes: Codes,
    health: HealthReporter,
    services: Vec<String>,
    every: Duration,
    redis_up: watch::Sender<bool>,
    stop: impl Future<Output = ()>,
) {
    let mut stop = std::pin::pin!(stop);
    let mut rounds = tokio::time::interval(every);
    rounds.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut was_up = None;
    loop {
        tokio::select! {
            biased;
            () = &mut stop => return,
            _ = rounds.tick() => {}
        }
        // The client's own timeouts bound a PING; this one bounds it whatever they are.
        let pinged = tokio::time::timeout(REDIS_TIMEOUT * 2, codes.ping()).await;
        let up = matches!(pinged, Ok(Ok(())));
        if was_up == Some(up) {
            continue; // no change: nothing to tell
        }
        match pinged {
            Ok(Ok(())) => info!("Redis at {} answers: SERVING", codes.url()),
            // Nothing listens there: say which command starts one (see `shared::unreachable`).
            Ok(Err(error)) if error.is_connection_refusal() => {
                let missing = no_answer(Needed::Redis, codes.url());
                warn!("{missing}: NOT_SERVING");
            }
            Ok(Err(error)) => warn!("Redis at {} is down ({error}): NOT_SERVING", codes.url()),
            Err(_) => warn!("Redis at {} does not answer: NOT_SERVING", codes.url()),
        }
        let status = if up {
            ServingStatus::Serving
        } else {
            ServingStatus::NotServing
        };
        for service in services.iter().map(String::as_str).chain([""]) {
            health.set_service_status(service, status).await;
        }
        redis_up.send_replace(up);
        was_up = Some(up);
    }
}
// ANCHOR_END: follow
