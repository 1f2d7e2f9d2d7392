//! The whole system in a real browser: headless Chromium loads the page from the gateway
//! (run as its own process), the image decodes, a wrong code shows an error, the right one
//! (read from Redis, as only a test may) shows success, and a second try with it fails.

use crate::support;

use std::time::Duration;

use fantoccini::{Client, Locator};
use support::captcha::{Behaviour, Service};
use support::unique_name;
use testkit::ServerProcess;
use testkit::browser::Browser;

const GATEWAY: &str = env!("CARGO_BIN_EXE_l10-gateway");

/// The page's result line once it says something, and whether it is the success style.
async fn result(client: &Client) -> (String, String) {
    testkit::within("the page to show a result", async {
        loop {
            let element = client.find(Locator::Id("result")).await.expect("#result");
            let text = element.text().await.unwrap_or_default();
            let class = element
                .attr("class")
                .await
                .ok()
                .flatten()
                .unwrap_or_default();
            if !text.is_empty() {
                return (text, class);
            }
            // The page updates itself after a fetch; WebDriver has no event to wait on.
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    })
    .await
}

/// The uuid the page shows once its image has decoded, and the image's natural width.
async fn loaded_image(client: &Client) -> (String, u64) {
    testkit::within("the captcha image to decode", async {
        loop {
            let found = client
                .execute(
                    "const img = document.getElementById('captcha');
                     return [img.complete ? img.naturalWidth : 0,
                             document.getElementById('uuid').textContent];",
                    vec![],
                )
                .await
                .expect("the script runs");
            let width = found[0].as_u64().unwrap_or(0);
            if width > 0 {
                return (found[1].as_str().unwrap_or("").to_string(), width);
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    })
    .await
}

async fn try_code(client: &Client, code: &str) -> (String, String) {
    // Clear the last result first, so that the next one is the answer to this try.
    client
        .execute(
            "document.getElementById('result').textContent = '';",
            vec![],
        )
        .await
        .unwrap();
    let input = client.find(Locator::Id("code")).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(code).await.unwrap();
    client
        .find(Locator::Id("check"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    result(client).await
}

#[tokio::test]
async fn a_person_solves_the_captcha_in_a_browser() {
    let Some(browser) = Browser::or_skip(1366, 900).await else {
        return;
    };
    let agent = testkit::consul().await;
    let redis_server = testkit::redis().await;
    let name = unique_name("captcha");
    let _captcha = Service::start(agent.url(), &name, redis_server.url(), Behaviour::Serve).await;
    let gateway = ServerProcess::start_with_env(
        GATEWAY,
        &["server", "--addr", "127.0.0.1:0", "--captcha", &name],
        &[("CONSUL_HTTP_ADDR", agent.url())],
        1,
    )
    .await;
    gateway.logged("passing instances changed").await;
    let client = &browser.client;
    let mut redis = redis::Client::open(redis_server.url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();

    testkit::within(
        "the page",
        client.goto(&format!("http://{}/", gateway.addr())),
    )
    .await
    .expect("the page loads");
    let (uuid, width) = loaded_image(client).await;
    assert!(width > 0 && !uuid.is_empty());

    let (text, class) = try_code(client, "wrong!").await;
    assert_eq!(class, "error", "a wrong code: {text}");
    assert!(text.contains("4004"), "the page shows the errno: {text}");

    // A new image (the wrong try used the last one up), solved with its code from Redis.
    client
        .find(Locator::Id("renew"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let (fresh, _) = testkit::within("a new uuid on the page", async {
        loop {
            let loaded = loaded_image(client).await;
            if loaded.0 != uuid {
                return loaded;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    })
    .await;
    let code: String = redis::cmd("GET")
        .arg(format!("captcha:{fresh}"))
        .query_async(&mut redis)
        .await
        .expect("the new image's code in Redis");

    let (text, class) = try_code(client, &code).await;
    assert_eq!(class, "ok", "the right code: {text}");
    let (text, class) = try_code(client, &code).await;
    assert_eq!(class, "error", "the same code a second time: {text}");
    let _ = client.clone().close().await;
}
