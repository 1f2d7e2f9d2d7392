//! Exercise `gateway.view`: the page's files at every path no route takes, revalidated on
//! each load, and errno JSON for what is not there.

mod support;

use std::time::Duration;

use support::{Gateway, get, send, unique_name};

async fn gateway() -> (testkit::ConsulAgent, Gateway) {
    let agent = testkit::consul().await;
    let gateway = Gateway::start(agent.url(), &unique_name("none"), Duration::from_secs(1)).await;
    (agent, gateway)
}

#[tokio::test]
async fn the_page_and_its_files() {
    let (_agent, gateway) = gateway().await;
    let page = get(&gateway.url("/")).await;
    assert_eq!(page.status, 200, "GET /");
    assert!(page.header("content-type").starts_with("text/html"));
    let html = String::from_utf8_lossy(&page.body);
    assert!(
        html.contains("<img id=\"captcha\""),
        "index.html at /: {html}"
    );
    assert_eq!(
        page.header("cache-control"),
        "no-cache",
        "the page is revalidated"
    );

    for (path, kind) in [("/style.css", "text/css"), ("/app.js", "text/javascript")] {
        let file = get(&gateway.url(path)).await;
        assert_eq!(file.status, 200, "GET {path}");
        assert!(
            file.header("content-type").starts_with(kind),
            "{path}: {}",
            file.header("content-type")
        );
        assert_eq!(file.header("cache-control"), "no-cache", "{path}");
    }
}

#[tokio::test]
async fn what_is_not_there_is_errno_json() {
    let (_agent, gateway) = gateway().await;
    for path in [
        "/missing.css",
        "/api/v1.0/nothing",
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
    ] {
        let answer = get(&gateway.url(path)).await;
        assert_eq!(answer.status, 404, "GET {path}");
        assert_eq!(answer.errno().0, "4002", "GET {path}");
    }
    let post = send(reqwest::Client::new().post(gateway.url("/index.html"))).await;
    assert_eq!(post.status, 405, "POST /index.html");
    assert_eq!(post.errno().0, "4201");
    // A method the API does not have on one of its paths.
    let delete = send(reqwest::Client::new().delete(gateway.url("/api/v1.0/session"))).await;
    assert_eq!(delete.status, 405, "DELETE /api/v1.0/session");
    assert_eq!(delete.errno().0, "4201");
}
