//! Exercise `gateway.image`: the image route finds a passing captcha instance through the
//! watcher, answers its PNG uncached, and answers 503 in errno JSON, within the deadline,
//! when no instance can answer, while the other routes go on being served.

mod support;

use std::time::{Duration, Instant};

use support::captcha::{Behaviour, Service};
use support::{Gateway, get, png_dimensions, unique_name};

/// The gateway's deadline where every call is answered, or refused at once: far longer
/// than any of them takes, even on a busy machine, so that "at once" means long before it.
const LONG: Duration = Duration::from_secs(30);

/// The gateway's deadline in front of an instance that never answers: short, since the
/// test waits all of it.
const SHORT: Duration = Duration::from_millis(500);

#[tokio::test]
async fn answers_a_png_from_an_instance_found_through_consul() {
    let agent = testkit::consul().await;
    let redis = testkit::redis().await;
    let name = unique_name("captcha");
    let _captcha = Service::start(agent.url(), &name, redis.url(), Behaviour::Serve).await;
    let gateway = Gateway::start(agent.url(), &name, LONG).await;
    gateway.until_instances(1).await;

    let uuid = uuid::Uuid::new_v4();
    let answer = get(&gateway.url(&format!("/api/v1.0/imagecode/{uuid}"))).await;
    assert_eq!(
        answer.status,
        200,
        "GET the image: {}",
        String::from_utf8_lossy(&answer.body)
    );
    assert_eq!(answer.header("content-type"), "image/png");
    assert_eq!(
        answer.header("cache-control"),
        "no-store",
        "an image must never be cached"
    );
    assert_eq!(
        png_dimensions(&answer.body),
        Some((128, 64)),
        "the service's PNG, as it sent it"
    );

    // The code is in Redis, under the uuid of the path.
    let mut redis = redis::Client::open(redis.url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let code: Option<String> = redis::cmd("GET")
        .arg(format!("captcha:{uuid}"))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert!(
        code.is_some(),
        "no code kept for {uuid}: was the path's uuid passed on?"
    );
}

#[tokio::test]
async fn a_malformed_uuid_is_a_parameter_error() {
    let agent = testkit::consul().await;
    let gateway = Gateway::start(agent.url(), &unique_name("none"), LONG).await;
    let answer = get(&gateway.url("/api/v1.0/imagecode/not-a-uuid")).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.errno().0, "4103");
}

#[tokio::test]
async fn no_passing_instance_is_a_503_at_once() {
    let agent = testkit::consul().await;
    let gateway = Gateway::start(agent.url(), &unique_name("nobody"), LONG).await;
    gateway.until_instances(0).await;

    let started = Instant::now();
    let answer = get(&gateway.url(&format!("/api/v1.0/imagecode/{}", uuid::Uuid::new_v4()))).await;
    let took = started.elapsed();
    assert_eq!(answer.status, 503, "with no captcha instance passing");
    assert_eq!(answer.errno().0, "4301");
    // At once: in a tenth of the deadline (a quiet machine answers in about 40 ms), where a
    // gateway that waited for an instance to call would take all of it.
    assert!(
        took < LONG / 10,
        "nobody to call: no need to wait for the deadline ({LONG:?}), yet the answer took {took:?}"
    );

    // The gateway goes on serving what needs no captcha.
    let session = get(&gateway.url("/api/v1.0/session")).await;
    assert_eq!(session.errno().0, "4101");
}

#[tokio::test]
async fn an_instance_that_never_answers_is_a_503_within_the_deadline() {
    let agent = testkit::consul().await;
    let redis = testkit::redis().await;
    let name = unique_name("hangs");
    let _captcha = Service::start(agent.url(), &name, redis.url(), Behaviour::Hang).await;
    let gateway = Gateway::start(agent.url(), &name, SHORT).await;
    gateway.until_instances(1).await;

    let started = Instant::now();
    let answer = get(&gateway.url(&format!("/api/v1.0/imagecode/{}", uuid::Uuid::new_v4()))).await;
    let took = started.elapsed();
    assert_eq!(answer.status, 503, "an instance that never answers");
    assert_eq!(answer.errno().0, "4301");
    // Not before the deadline, and not long after it: the answer's way back gets 10 s, far
    // more than it takes even on a busy machine (a quiet one: under 0.1 s), and half the
    // test's patience, which a gateway with no deadline would wait out.
    assert!(
        took >= SHORT && took < SHORT + Duration::from_secs(10),
        "the answer came after {took:?}; the deadline is {SHORT:?}"
    );
}
