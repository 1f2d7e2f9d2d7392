//! The gateway as an operator runs it: `l10-gateway server --addr 127.0.0.1:0 --captcha
//! NAME` with CONSUL_HTTP_ADDR, serving the API and the page, and leaving on SIGTERM.

use crate::support;

use support::captcha::{Behaviour, Service};
use support::{get, png_dimensions, unique_name};
use testkit::ServerProcess;

pub const GATEWAY: &str = env!("CARGO_BIN_EXE_l10-gateway");

#[tokio::test]
async fn serves_the_api_and_the_page_and_stops_on_sigterm() {
    let agent = testkit::consul().await;
    let redis = testkit::redis().await;
    let name = unique_name("captcha");
    let _captcha = Service::start(agent.url(), &name, redis.url(), Behaviour::Serve).await;
    let mut gateway = ServerProcess::start_with_env(
        GATEWAY,
        &["server", "--addr", "127.0.0.1:0", "--captcha", &name],
        &[("CONSUL_HTTP_ADDR", agent.url())],
        1,
    )
    .await;
    let base = format!("http://{}", gateway.addr());
    // The watcher logs each new set of passing instances.
    gateway.logged("passing instances changed").await;

    let session = get(&format!("{base}/api/v1.0/session")).await;
    assert_eq!(session.errno().0, "4101");
    let page = get(&format!("{base}/")).await;
    assert_eq!(page.status, 200);
    let uuid = uuid::Uuid::new_v4();
    let image = get(&format!("{base}/api/v1.0/imagecode/{uuid}")).await;
    assert_eq!(image.status, 200, "{}", gateway.log());
    assert!(png_dimensions(&image.body).is_some());

    gateway.signal("TERM");
    gateway.exits_cleanly_within(testkit::PATIENCE).await;
}

#[tokio::test]
async fn the_agent_down_is_a_503_and_the_rest_is_served() {
    // A port nobody listens on: the watcher never gets an answer.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let agent = format!("127.0.0.1:{}", closed.local_addr().unwrap().port());
    drop(closed);
    let mut gateway = ServerProcess::start_with_env(
        GATEWAY,
        &["server", "--addr", "127.0.0.1:0"],
        &[("CONSUL_HTTP_ADDR", &agent)],
        1,
    )
    .await;
    let base = format!("http://{}", gateway.addr());
    let image = get(&format!(
        "{base}/api/v1.0/imagecode/{}",
        uuid::Uuid::new_v4()
    ))
    .await;
    assert_eq!(image.status, 503);
    let (errno, errmsg) = image.errno();
    assert_eq!(errno, "4301");
    assert!(
        errmsg.contains("Consul"),
        "the reason names what is missing: {errmsg}"
    );
    assert_eq!(
        get(&format!("{base}/api/v1.0/session")).await.errno().0,
        "4101"
    );
    gateway.signal("INT");
    gateway.exits_cleanly_within(testkit::PATIENCE).await;
}

#[tokio::test]
async fn the_program_ends_quietly_when_its_output_is_cut() {
    // The gateway's server writes its logs to stderr and nothing to stdout; what the
    // program prints there is its help: `l10-gateway --help | head -0`.
    testkit::tool::ends_quietly_when_output_is_cut(GATEWAY, &["--help"], &[]).await;
}
