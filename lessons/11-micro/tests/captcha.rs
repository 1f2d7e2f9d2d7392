//! Lesson 09's captcha service on the framework (`l11-micro captcha-server`), seen from outside:
//! registered under its name, answering through the node a client finds there, its codes in
//! Redis, and gone from the registry when SIGTERM stops it.

use crate::program;
use crate::support;

use std::time::Duration;

use micro::registry::Registry;
use micro::registry::consul::ConsulRegistry;
use program::BINARY;
use proto::captcha::captcha_client::CaptchaClient;
use proto::captcha::{NewCaptchaRequest, VerifyRequest};
use support::unique_service;
use testkit::{PATIENCE, ServerProcess, within};
use tonic::Code;

#[tokio::test]
async fn the_captcha_service_runs_on_the_framework() {
    let (agent, redis) = tokio::join!(testkit::consul(), testkit::redis());
    let name = unique_service("captcha");
    let args = [
        "--registry",
        "consul",
        "--registry-address",
        agent.url(),
        "captcha-server",
        "--addr",
        "127.0.0.1:0",
        "--name",
        &name,
    ];
    let mut server =
        ServerProcess::start_with_env(BINARY, &args, &[("REDIS_URL", redis.url())], 1).await;
    server.logged("registered").await;

    // A client finds it by name, as it would any service of the framework.
    let registry = ConsulRegistry::new(agent.url(), Duration::from_secs(1)).unwrap();
    let nodes = registry.get_service(&name).await.expect("the registry");
    assert_eq!(nodes.len(), 1, "one node of {name}: {nodes:?}");
    let mut captcha = CaptchaClient::connect(format!("http://{}", nodes[0].address))
        .await
        .expect("connect to the node");

    let uuid = uuid::Uuid::new_v4().to_string();
    let reply = within(
        "NewCaptcha",
        captcha.new_captcha(NewCaptchaRequest { uuid: uuid.clone() }),
    )
    .await
    .expect("a captcha")
    .into_inner();
    assert!(reply.png.starts_with(b"\x89PNG"), "a PNG image");
    let code: String = redis::cmd("GET")
        .arg(format!("captcha:{uuid}"))
        .query_async(
            &mut redis::Client::open(redis.url())
                .unwrap()
                .get_multiplexed_async_connection()
                .await
                .unwrap(),
        )
        .await
        .expect("the code, in Redis");
    let verify = |code: String| VerifyRequest {
        uuid: uuid.clone(),
        code,
    };
    let right = within("Verify", captcha.verify(verify(code.to_lowercase())))
        .await
        .expect("Verify")
        .into_inner();
    assert!(right.ok, "the right code, in any case");
    let again = within("Verify", captcha.verify(verify(code)))
        .await
        .expect("Verify")
        .into_inner();
    assert!(!again.ok, "a code has one try");
    let bad = within(
        "NewCaptcha",
        captcha.new_captcha(NewCaptchaRequest {
            uuid: "not-a-uuid".into(),
        }),
    )
    .await
    .expect_err("not a uuid");
    assert_eq!(bad.code(), Code::InvalidArgument, "{bad:?}");

    // The framework's way out: deregistered before the process ends.
    server.signal("TERM");
    server.exits_cleanly_within(PATIENCE).await;
    let nodes = registry.get_service(&name).await.expect("the registry");
    assert!(
        nodes.is_empty(),
        "still registered after SIGTERM: {nodes:?}"
    );
}
