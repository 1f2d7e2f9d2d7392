//! What the agent's tests share: an agent on a free loopback port, a small HTTP client
//! that keeps status, headers and body, and a poll-until helper for asynchronous effects
//! (check runners, reaping) that never sleeps for a fixed time.

#![allow(dead_code)]

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use devconsul::{Agent, Config};
use proptest::test_runner::Config as ProptestConfig;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

/// How long an asynchronous effect may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(10);

/// Starts an agent on `127.0.0.1:0` with development timings.
pub async fn agent() -> (Agent, Api) {
    agent_with(Config {
        http_addr: "127.0.0.1:0".parse().unwrap(),
        node_name: "testnode".into(),
        ..Config::default()
    })
    .await
}

/// Starts an agent with `config` (its address should use port 0).
pub async fn agent_with(config: Config) -> (Agent, Api) {
    let agent = Agent::start(config).await.expect("the agent starts");
    let api = Api::new(&agent.url());
    (agent, api)
}

/// An HTTP answer, kept whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `X-Consul-Index`, which must be present and positive.
    pub fn index(&self) -> u64 {
        let index: u64 = self
            .header("X-Consul-Index")
            .unwrap_or_else(|| panic!("no X-Consul-Index on {:?}", self))
            .parse()
            .expect("a numeric index");
        assert!(index > 0, "X-Consul-Index must be > 0");
        index
    }

    #[track_caller]
    pub fn expect(self, status: u16) -> Reply {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text()
        );
        self
    }
}

/// Raw HTTP against the agent's API.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    client: reqwest::Client,
}

impl Api {
    pub fn new(base: &str) -> Api {
        Api {
            base: base.to_string(),
            client: reqwest::Client::new(),
        }
    }

    pub async fn send(&self, method: &str, path: &str, body: Option<Vec<u8>>) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.bytes().await.expect("a body").to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send("GET", path, None).await
    }

    pub async fn put(&self, path: &str, body: &str) -> Reply {
        self.send("PUT", path, Some(body.as_bytes().to_vec())).await
    }

    pub async fn put_json(&self, path: &str, body: Value) -> Reply {
        self.send("PUT", path, Some(body.to_string().into_bytes()))
            .await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send("DELETE", path, None).await
    }

    /// Registers a service, insisting on success.
    pub async fn register(&self, body: Value) {
        self.put_json("/v1/agent/service/register", body)
            .await
            .expect(200);
    }

    /// The status of one check, from the agent's list.
    pub async fn check_status(&self, check_id: &str) -> Option<(String, String)> {
        let checks = self.get("/v1/agent/checks").await.expect(200).json();
        let check = checks.get(check_id)?;
        Some((
            check["Status"].as_str()?.to_string(),
            check["Output"].as_str()?.to_string(),
        ))
    }

    /// Waits until a check reaches `status`, returning its output.
    pub async fn wait_for_status(&self, check_id: &str, status: &str) -> String {
        eventually(&format!("check {check_id} to be {status}"), || async {
            match self.check_status(check_id).await {
                Some((current, output)) if current == status => Some(output),
                _ => None,
            }
        })
        .await
    }
}

/// Polls `probe` until it yields `Some`, failing after [`DEADLINE`].
pub async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + DEADLINE;
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        if tokio::time::Instant::now() >= deadline {
            panic!("gave up after {DEADLINE:?} waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// Property-test settings: `default_cases` cases, unless proptest's own `PROPTEST_CASES`
/// environment variable asks for another number (as it does for every other setting it
/// reads: `PROPTEST_MAX_SHRINK_ITERS`, ...).
pub fn proptest_config(default_cases: u32) -> ProptestConfig {
    let from_environment = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_some() {
        from_environment
    } else {
        ProptestConfig {
            cases: default_cases,
            ..from_environment
        }
    }
}

/// A fresh, empty folder under the system's temp dir, removed when dropped.
pub struct Folder(pub PathBuf);

impl Folder {
    pub fn new() -> Folder {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "devconsul-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let path = std::env::temp_dir().join(name);
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Folder(path)
    }

    pub fn write(&self, name: &str, text: &str) {
        std::fs::write(self.0.join(name), text).unwrap();
    }

    pub fn remove(&self, name: &str) {
        std::fs::remove_file(self.0.join(name)).unwrap();
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
