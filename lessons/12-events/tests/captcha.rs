//! Lesson 09's captcha service publishes each check on `captcha.verified`: a right and a
//! wrong answer reach a subscriber with their uuids, and a broker that is gone costs the
//! caller nothing — the check is answered, the event is lost and logged.

use std::sync::Arc;
use std::time::Duration;

use l12_events::audit::{AuditedCaptcha, VERIFIED_TOPIC};
use micro::broker::SubscribeOptions;
use micro::broker::nats::NatsBroker;
use micro::event::{self, Publisher};
use proto::captcha::captcha_server::Captcha;
use proto::captcha::{NewCaptchaRequest, VerifyRequest};
use proto::events::CaptchaVerified;
use shared::captcha::CaptchaService;
use tokio::sync::mpsc;
use tonic::Request;

/// A new captcha for a new uuid; its code, read from Redis as lesson 09's tests read it.
async fn new_captcha(captcha: &AuditedCaptcha, redis_url: &str) -> (String, String) {
    let uuid = uuid::Uuid::new_v4().to_string();
    let request = NewCaptchaRequest { uuid: uuid.clone() };
    captcha.new_captcha(Request::new(request)).await.unwrap();
    let client = redis::Client::open(redis_url).unwrap();
    let mut redis = client.get_multiplexed_async_connection().await.unwrap();
    let code: String = redis::cmd("GET")
        .arg(format!("captcha:{uuid}"))
        .query_async(&mut redis)
        .await
        .unwrap();
    (uuid, code)
}

async fn verify(captcha: &AuditedCaptcha, uuid: &str, code: &str) -> bool {
    let request = VerifyRequest {
        uuid: uuid.to_string(),
        code: code.to_string(),
    };
    captcha
        .verify(Request::new(request))
        .await
        .unwrap()
        .get_ref()
        .ok
}

#[tokio::test]
async fn every_check_is_published_right_or_wrong_and_a_lost_broker_costs_the_caller_nothing() {
    let redis = testkit::redis().await;
    let nats = testkit::nats().await;
    let broker = Arc::new(NatsBroker::connect(&nats.url()).await.unwrap());
    let (seen_tx, mut seen) = mpsc::unbounded_channel();
    let record = move |check: CaptchaVerified| {
        let seen_tx = seen_tx.clone();
        async move {
            let _ = seen_tx.send(check);
            Ok(())
        }
    };
    let options = SubscribeOptions::default();
    let _subscription = event::subscribe(broker.as_ref(), VERIFIED_TOPIC, options, record)
        .await
        .unwrap();
    let service = CaptchaService::new(redis.url()).unwrap();
    let captcha = AuditedCaptcha::new(service, Publisher::new(VERIFIED_TOPIC, broker.clone()));

    let (right, code) = new_captcha(&captcha, redis.url()).await;
    let (wrong, _) = new_captcha(&captcha, redis.url()).await;
    assert!(verify(&captcha, &right, &code).await);
    assert!(!verify(&captcha, &wrong, "nope").await);
    // Published beside the answers: in either order.
    let mut checks = testkit::within("the two checks published", async {
        vec![seen.recv().await.unwrap(), seen.recv().await.unwrap()]
    })
    .await;
    checks.sort_by_key(|check| !check.right);
    assert_eq!(
        (checks[0].uuid.as_str(), checks[0].right),
        (right.as_str(), true)
    );
    assert_eq!(
        (checks[1].uuid.as_str(), checks[1].right),
        (wrong.as_str(), false)
    );
    assert!(checks.iter().all(|check| check.at.is_some()), "{checks:?}");

    // NATS gone: the check is still answered, and at once (a publish waits up to 10 s for
    // a server; the answer must not).
    let (uuid, code) = new_captcha(&captcha, redis.url()).await;
    drop(nats);
    let answered = tokio::time::timeout(Duration::from_secs(5), verify(&captcha, &uuid, &code));
    assert!(answered.await.expect("the check waited for the broker"));
}
