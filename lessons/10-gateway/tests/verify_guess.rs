//! Exercise `gateway.verify`: the right code is errno "0", a wrong, used or unknown one
//! another errno, and a bad body a parameter error that uses nothing up.

mod support;

use std::time::Duration;

use support::captcha::{Behaviour, Service};
use support::{Answer, Gateway, get, post_json, unique_name};

async fn code_in_redis(redis_url: &str, uuid: &uuid::Uuid) -> String {
    let mut redis = redis::Client::open(redis_url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    redis::cmd("GET")
        .arg(format!("captcha:{uuid}"))
        .query_async(&mut redis)
        .await
        .expect("the code in Redis")
}

fn errno_of(answer: &Answer, what: &str) -> String {
    assert_eq!(
        answer.status,
        200,
        "{what}: a served verification answers 200 (the errno says the outcome): {}",
        String::from_utf8_lossy(&answer.body)
    );
    answer.errno().0
}

#[tokio::test]
async fn right_once_then_used_up() {
    let agent = testkit::consul().await;
    let redis = testkit::redis().await;
    let name = unique_name("captcha");
    let _captcha = Service::start(agent.url(), &name, redis.url(), Behaviour::Serve).await;
    let gateway = Gateway::start(agent.url(), &name, Duration::from_secs(30)).await;
    gateway.until_instances(1).await;

    // Two images, drawn straight by the service (this test is about verifying).
    let [first, second] = [uuid::Uuid::new_v4(), uuid::Uuid::new_v4()];
    for uuid in [first, second] {
        let mut client = proto::captcha::captcha_client::CaptchaClient::connect(format!(
            "http://{}",
            _captcha.addr
        ))
        .await
        .unwrap();
        let request = proto::captcha::NewCaptchaRequest {
            uuid: uuid.to_string(),
        };
        client.new_captcha(request).await.expect("a captcha");
    }
    let verify = |uuid: uuid::Uuid| gateway.url(&format!("/api/v1.0/imagecode/{uuid}/verify"));

    // A body that is not {"text": ...}, or an empty text: 400, 4103, and the code stays.
    for body in ["{\"txet\": \"abcd\"}", "not json", "{\"text\": \"   \"}"] {
        let answer = post_json(&verify(first), body).await;
        assert_eq!(answer.status, 400, "body {body}");
        assert_eq!(answer.errno().0, "4103", "body {body}");
    }

    let code = code_in_redis(redis.url(), &first).await;
    let right = post_json(&verify(first), &format!("{{\"text\": \"{code}\"}}")).await;
    assert_eq!(errno_of(&right, "the right code"), "0");
    let again = post_json(&verify(first), &format!("{{\"text\": \"{code}\"}}")).await;
    assert_ne!(
        errno_of(&again, "the same code again"),
        "0",
        "a code is used once"
    );

    let code = code_in_redis(redis.url(), &second).await;
    let wrong = post_json(&verify(second), "{\"text\": \"wrong!\"}").await;
    assert_eq!(errno_of(&wrong, "a wrong code"), "4004");
    let late = post_json(&verify(second), &format!("{{\"text\": \"{code}\"}}")).await;
    assert_eq!(
        errno_of(&late, "the right code after a wrong one"),
        "4004",
        "a wrong try uses the code up"
    );

    let never = post_json(&verify(uuid::Uuid::new_v4()), "{\"text\": \"abcd\"}").await;
    assert_eq!(errno_of(&never, "a uuid that never had an image"), "4004");
}

#[tokio::test]
async fn no_passing_instance_is_a_503() {
    let agent = testkit::consul().await;
    let gateway = Gateway::start(
        agent.url(),
        &unique_name("nobody"),
        Duration::from_millis(500),
    )
    .await;
    gateway.until_instances(0).await;
    let url = gateway.url(&format!(
        "/api/v1.0/imagecode/{}/verify",
        uuid::Uuid::new_v4()
    ));
    let answer = post_json(&url, "{\"text\": \"abcd\"}").await;
    assert_eq!(answer.status, 503);
    assert_eq!(answer.errno().0, "4301");
    assert_eq!(
        get(&gateway.url("/api/v1.0/session")).await.errno().0,
        "4101"
    );
}
