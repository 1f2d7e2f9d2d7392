//! What this lesson's tests share: unique names, a captcha service to put behind the
//! gateway, the gateway itself on a free port, and answers read as errno JSON.
#![allow(dead_code)] // each test file uses only some of these

pub mod captcha;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use l10_gateway::routes::{App, router};
use l10_gateway::upstream::Upstream;
use serde_json::Value;

/// A name no other test uses, even on an agent shared through the environment.
pub fn unique_name(what: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "l10-{what}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// The gateway, served in this process on a free port.
pub struct Gateway {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub upstream: Upstream,
}

impl Gateway {
    /// Serves the gateway on a free port, finding `service` on the agent at `agent`, with
    /// `deadline` for each call to it.
    pub async fn start(agent: &str, service: &str, deadline: Duration) -> Gateway {
        let upstream = Upstream::watch(
            agent.to_string(),
            service.to_string(),
            deadline,
            std::future::pending(),
        );
        let app = App {
            captcha: upstream.clone(),
            deadline,
            view: l10_gateway::server::view_dir(),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router(app)).await });
        Gateway { base, upstream }
    }

    /// Waits until the gateway's watcher knows `count` passing instances.
    pub async fn until_instances(&self, count: usize) {
        let mut healthy = self.upstream.healthy();
        let what = format!("the gateway's watcher to see {count} passing instance(s)");
        testkit::within(
            &what,
            healthy.wait_for(|healthy| healthy.as_ref().is_some_and(|set| set.len() == count)),
        )
        .await
        .expect("the watcher runs");
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

/// What the gateway answered: status, headers, body.
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    }

    /// The body as the errno JSON, or a panic that shows what it was instead.
    pub fn errno(&self) -> (String, String) {
        let text = String::from_utf8_lossy(&self.body);
        assert!(
            self.header("content-type").starts_with("application/json"),
            "expected errno JSON, got {} with Content-Type {:?}: {text}",
            self.status,
            self.header("content-type")
        );
        let json: Value = serde_json::from_slice(&self.body)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {text}"));
        let errno = json["errno"]
            .as_str()
            .unwrap_or_else(|| panic!("no errno: {text}"));
        let errmsg = json["errmsg"]
            .as_str()
            .unwrap_or_else(|| panic!("no errmsg: {text}"));
        (errno.to_string(), errmsg.to_string())
    }
}

/// Sends `request`, within the tests' patience.
pub async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = testkit::within("the gateway's answer", request.send())
        .await
        .expect("an HTTP answer");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = testkit::within("the body", response.bytes())
        .await
        .expect("a body")
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

pub async fn get(url: &str) -> Answer {
    send(reqwest::Client::new().get(url)).await
}

/// `POST url` with `body` as JSON.
pub async fn post_json(url: &str, body: &str) -> Answer {
    let request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string());
    send(request).await
}

/// The width and height a PNG says it has, or `None` for what is not a PNG.
pub fn png_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let number = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    Some((number(16), number(20)))
}
