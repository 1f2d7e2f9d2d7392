//! The worked example as a process, checked from outside as an operator would, against a
//! real agent and a real Redis: `cargo test -p l09-captcha --test main process::`.

use crate::program;
use crate::support;

use l09_captcha::render::{HEIGHT, WIDTH, png_dimensions};
use l09_captcha::server::CAPTCHA;
use program::{start_server, start_server_reaped_after};
use proto::captcha::captcha_client::CaptchaClient;
use proto::captcha::{NewCaptchaRequest, VerifyRequest};
use redis::AsyncCommands as _;
use support::{OwnRedis, entry_addr, until_critical, until_gone, until_passing};
use testkit::{ConsulKind, PATIENCE, within};
use tonic::Code;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

async fn captcha_client(addr: &str) -> CaptchaClient<tonic::transport::Channel> {
    CaptchaClient::new(
        l09_captcha::client::connect(addr)
            .await
            .expect("the server"),
    )
}

async fn new_captcha(
    client: &mut CaptchaClient<tonic::transport::Channel>,
    uuid: &str,
) -> Result<Vec<u8>, tonic::Status> {
    let request = NewCaptchaRequest { uuid: uuid.into() };
    let reply = within("NewCaptcha", client.new_captcha(request)).await?;
    Ok(reply.into_inner().png)
}

async fn verify(
    client: &mut CaptchaClient<tonic::transport::Channel>,
    uuid: &str,
    code: &str,
) -> bool {
    let request = VerifyRequest {
        uuid: uuid.into(),
        code: code.into(),
    };
    within("Verify", client.verify(request))
        .await
        .expect("a verdict")
        .into_inner()
        .ok
}

// ANCHOR: outside
#[tokio::test]
async fn found_in_consul_draws_verifies_once_and_leaves_on_sigterm() {
    let agent = testkit::consul().await;
    let redis_server = testkit::redis().await;
    let name = support::unique_name("captcha");
    let mut server = start_server(&agent, redis_server.url(), &name).await;

    // Found through Consul, as lesson 10's gateway will find it.
    let entry = until_passing(agent.url(), &name).await;
    assert_eq!(entry.service.port, server.addr().port());
    let mut client = captcha_client(&entry_addr(&entry)).await;

    let uuid = uuid::Uuid::new_v4().to_string();
    let png = new_captcha(&mut client, &uuid).await.expect("a captcha");
    assert_eq!(
        &png[..8],
        b"\x89PNG\r\n\x1a\n",
        "a PNG starts with its signature"
    );
    assert_eq!(png_dimensions(&png), Some((WIDTH, HEIGHT)));

    // The code is in Redis, with the five minutes' expiry.
    let mut redis = support::redis_connection(redis_server.url());
    let key = format!("captcha:{uuid}");
    let code: String = redis.get(&key).await.expect("the code in Redis");
    let left: i64 = redis.ttl(&key).await.unwrap();
    assert!(290 < left && left <= 300, "TTL of {key} is {left}");

    // A live code is never replaced.
    let again = new_captcha(&mut client, &uuid)
        .await
        .expect_err("a second captcha for one uuid");
    assert_eq!(again.code(), Code::AlreadyExists, "{again:?}");
    let still: String = redis.get(&key).await.unwrap();
    assert_eq!(still, code);

    // Once, in any case.
    assert!(
        verify(&mut client, &uuid, &code.to_lowercase()).await,
        "the right code"
    );
    assert!(
        !verify(&mut client, &uuid, &code).await,
        "the same code a second time"
    );

    // A malformed uuid is the caller's mistake.
    let bad = new_captcha(&mut client, "not-a-uuid")
        .await
        .expect_err("a bad uuid");
    assert_eq!(bad.code(), Code::InvalidArgument, "{bad:?}");

    server.signal("TERM");
    until_gone(agent.url(), &name, PATIENCE).await;
    server.exits_cleanly_within(PATIENCE).await;
}
// ANCHOR_END: outside

#[tokio::test]
async fn redis_down_is_unavailable_and_not_serving_until_it_is_back() {
    let agent = testkit::consul().await;
    let mut redis = OwnRedis::start().await;
    let name = support::unique_name("redis-down");
    let mut server = start_server_reaped_after(&agent, &redis.url(), &name, "1s").await;
    until_passing(agent.url(), &name).await;
    let addr = server.addr().to_string();
    let mut client = captcha_client(&addr).await;
    let channel = l09_captcha::client::connect(&addr).await.unwrap();
    let mut health = HealthClient::new(channel);

    redis.kill();
    support::until_status(&mut health, CAPTCHA, ServingStatus::NotServing).await;
    let output = until_critical(agent.url(), &name).await;
    println!("critical: {output}");

    let uuid = uuid::Uuid::new_v4().to_string();
    let down = new_captcha(&mut client, &uuid)
        .await
        .expect_err("no Redis, no captcha");
    assert_eq!(down.code(), Code::Unavailable, "{down:?}");
    assert!(
        down.message().contains("Redis") && down.message().contains(&redis.url()),
        "the message should say what is missing, and where: {:?}",
        down.message()
    );

    // An outage longer than --reap-after (1 s here) gets the instance reaped as if it were
    // dead: the embedded agent reaps within a second or two, a real Consul only after a
    // minute or more, so only the embedded one is waited for.
    if agent.kind() == ConsulKind::Embedded {
        until_gone(agent.url(), &name, PATIENCE).await;
    }

    // Back without a restart of the service, and in the catalog again.
    redis.start_again().await;
    support::until_status(&mut health, CAPTCHA, ServingStatus::Serving).await;
    until_passing(agent.url(), &name).await;
    new_captcha(&mut client, &uuid)
        .await
        .expect("a captcha once Redis is back");

    server.signal("TERM");
    server.exits_cleanly_within(PATIENCE).await;
    let log = server.log();
    assert!(
        log.contains("NOT_SERVING") && log.contains("answers: SERVING"),
        "log:\n{log}"
    );
    if agent.kind() == ConsulKind::Embedded {
        assert!(log.contains("Redis is back: registered"), "log:\n{log}");
    }
}

// A malformed uuid is quoted back in the error, and a gRPC error travels in the answer's
// headers: quoted whole, a 20 KB uuid made headers the client's HTTP/2 library refused, and
// a 100 KB one got its whole connection closed.
#[tokio::test]
async fn a_long_uuid_gets_a_short_error_and_the_connection_survives() {
    let agent = testkit::consul().await;
    let redis_server = testkit::redis().await;
    let name = support::unique_name("long-uuid");
    let mut server = start_server(&agent, redis_server.url(), &name).await;
    let mut client = captcha_client(&server.addr().to_string()).await;

    for size in [20 * 1024, 1024 * 1024] {
        let long = "x".repeat(size);
        let error = new_captcha(&mut client, &long)
            .await
            .expect_err("no captcha for a uuid that is not one");
        assert_eq!(
            error.code(),
            Code::InvalidArgument,
            "{size} bytes: {error:?}"
        );
        assert!(
            error.message().len() < 300 && error.message().contains(&size.to_string()),
            "{size} bytes: the error should quote a short prefix and say the size: {} bytes",
            error.message().len()
        );
    }
    // The same connection still carries calls.
    let uuid = uuid::Uuid::new_v4().to_string();
    new_captcha(&mut client, &uuid)
        .await
        .expect("a captcha on the same connection");

    server.signal("TERM");
    server.exits_cleanly_within(PATIENCE).await;
}

#[tokio::test]
async fn clients_that_reach_no_server_exit_with_failure() {
    let nowhere = testkit::tool::nothing_listens();
    let out = std::env::temp_dir().join(format!("{}.png", support::unique_name("never")));
    let out = out.to_string_lossy();
    let calls: [&[&str]; 3] = [
        &["new", "--addr", &nowhere, "--out", &out],
        &["verify", "--addr", &nowhere, "some-uuid", "ABCD"],
        &["health", "--addr", &nowhere],
    ];
    for args in calls {
        let said = testkit::tool::fails(program::SERVER, args, &[]).await;
        assert!(
            said.contains("cannot reach a gRPC server at"),
            "{} says why:\n{said}",
            args[0]
        );
    }
}

#[tokio::test]
async fn health_ends_quietly_when_its_output_is_cut() {
    let agent = testkit::consul().await;
    let redis_server = testkit::redis().await;
    let server = start_server(&agent, redis_server.url(), &support::unique_name("cut")).await;
    let addr = server.addr().to_string();
    testkit::tool::ends_quietly_when_output_is_cut(
        program::SERVER,
        &["health", "--addr", &addr],
        &[],
    )
    .await;
}
