//! What a hostile client may send the gateway: a path parameter that is not UTF-8 and a path
//! segment longer than any file name. Every answer is still errno JSON, and neither reaches
//! the file system: `cargo test -p l10-gateway --test hostile`.

mod support;

use std::time::Duration;

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
