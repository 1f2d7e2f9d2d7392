//! What a hostile client may send the gateway: a path parameter that is not UTF-8, a path
//! segment longer than any file name, and a path longer than any file's. Every answer is still errno JSON, and neither reaches
//! the file system: `cargo test -p l10-gateway --test main hostile::`.

use crate::support;

use std::time::Duration;

use support::captcha::{Behaviour, Service};
use support::{Gateway, get, post_json, unique_name};

async fn gateway() -> (testkit::ConsulAgent, Gateway) {
    let agent = testkit::consul().await;
    let gateway = Gateway::start(agent.url(), &unique_name("none"), Duration::from_secs(1)).await;
    (agent, gateway)
}

#[tokio::test]
async fn a_path_parameter_that_is_not_utf8_is_errno_json() {
    let (_agent, gateway) = gateway().await;
    let image = get(&gateway.url("/api/v1.0/imagecode/%FF")).await;
    assert_eq!(image.status, 400, "GET /api/v1.0/imagecode/%FF");
    assert_eq!(image.errno().0, "4103");
    let verify = post_json(
        &gateway.url("/api/v1.0/imagecode/%FF/verify"),
        r#"{"text": "abcd"}"#,
    )
    .await;
    assert_eq!(verify.status, 400, "POST /api/v1.0/imagecode/%FF/verify");
    assert_eq!(verify.errno().0, "4103");
}

#[tokio::test]
async fn a_segment_longer_than_a_file_name_is_404_errno_json() {
    let (_agent, gateway) = gateway().await;
    for bytes in [255, 256, 300, 4096] {
        let path = format!("/{}", "a".repeat(bytes));
        let answer = get(&gateway.url(&path)).await;
        assert_eq!(answer.status, 404, "a segment of {bytes} bytes");
        assert_eq!(answer.errno().0, "4002", "a segment of {bytes} bytes");
        let nested = get(&gateway.url(&format!("/css{path}.css"))).await;
        assert_eq!(nested.status, 404, "a nested segment of {bytes} bytes");
    }
}

// Each segment short, but 20,000 of them: a path longer than the file system opens (4096
// bytes on Linux) used to fail there, "File name too long", and answer 500 errno 4302.
#[tokio::test]
async fn a_path_of_many_short_segments_is_404_errno_json() {
    let (_agent, gateway) = gateway().await;
    for segments in [600, 2_100, 20_000] {
        let path = "/a".repeat(segments);
        let answer = get(&gateway.url(&path)).await;
        let body = String::from_utf8_lossy(&answer.body);
        assert_eq!(answer.status, 404, "{segments} segments: {body}");
        assert_eq!(answer.errno().0, "4002", "{segments} segments");
    }
}

// The agent takes any integer as a port, as Consul does: one registration with a port no
// u16 holds used to make the whole answer unreadable, and the gateway answered 503 forever.
#[tokio::test]
async fn a_catalog_entry_with_a_bad_port_leaves_the_good_instances_served() {
    let agent = testkit::consul().await;
    let redis = testkit::redis().await;
    let name = unique_name("bad-port");
    let _captcha = Service::start(agent.url(), &name, redis.url(), Behaviour::Serve).await;
    for (id, port) in [("big", 70000), ("negative", -1)] {
        let id = format!("{name}-{id}");
        testkit::catalog::register_with_port(agent.url(), &name, &id, port).await;
    }

    let gateway = Gateway::start(agent.url(), &name, Duration::from_secs(30)).await;
    gateway.until_instances(1).await;
    if cfg!(feature = "solution") {
        let uuid = uuid::Uuid::new_v4();
        let image = get(&gateway.url(&format!("/api/v1.0/imagecode/{uuid}"))).await;
        assert_eq!(
            image.status,
            200,
            "{}",
            String::from_utf8_lossy(&image.body)
        );
    }
}
