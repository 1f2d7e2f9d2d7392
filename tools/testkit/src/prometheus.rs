//! A Prometheus server for one test.
//!
//! Lesson 15's services are scraped by a real `prometheus` (Debian's `prometheus` package),
//! started private to the test on a free loopback port with the configuration the test
//! writes, its store in a temporary folder; killed and deleted when the test drops the
//! guard. The test asks it what any operator would, through its HTTP API
//! ([`PrometheusApi`], which also asks a Prometheus the test did not start): which targets
//! it found ([`PrometheusApi::targets`]), and what a PromQL query answers
//! ([`PrometheusApi::query`]). [`promtool_check_metrics`] holds a `/metrics` page
//! against Prometheus' own linter, and [`promtool_test_rules`] plays series through alerting
//! rules as Prometheus would evaluate them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::PATIENCE;
use crate::process::{OwnedChild, answers, free_ports, http_get, retry};

/// A private Prometheus; killed, and its store deleted, when this is dropped. Its API is
/// [`PrometheusApi`]'s (`prometheus.targets()`).
#[derive(Debug)]
pub struct PrometheusServer {
    api: PrometheusApi,
    folder: PathBuf,
    _child: OwnedChild,
}

impl std::ops::Deref for PrometheusServer {
    type Target = PrometheusApi;

    fn deref(&self) -> &PrometheusApi {
        &self.api
    }
}

/// The HTTP API of a Prometheus: a private one's ([`prometheus()`]), or one that runs
/// elsewhere (lesson 14's lab has its own, in Docker).
#[derive(Debug, Clone)]
pub struct PrometheusApi {
    addr: String,
}

impl PrometheusApi {
    /// The API of the Prometheus at `addr` (`127.0.0.1:PORT`).
    pub fn at(addr: impl Into<String>) -> PrometheusApi {
        PrometheusApi { addr: addr.into() }
    }

    /// Where its UI and API are: `127.0.0.1:PORT`.
    pub fn addr(&self) -> String {
        self.addr.clone()
    }

    /// `GET /api/v1/…` (`path` with its query, already encoded); the `data` of a
    /// `success`, else panics with what Prometheus said.
    pub async fn api(&self, path: &str) -> serde_json::Value {
        let (status, body) = http_get(&self.addr, path)
            .await
            .unwrap_or_else(|error| panic!("Prometheus' {path}: {error}"));
        let answer: serde_json::Value = serde_json::from_str(&body)
            .unwrap_or_else(|error| panic!("Prometheus' {path} ({status}): {error}: {body}"));
        assert_eq!(answer["status"], "success", "Prometheus' {path}: {body}");
        answer["data"].clone()
    }

    /// The targets it scrapes now (`/api/v1/targets`' `activeTargets`).
    pub async fn targets(&self) -> Vec<serde_json::Value> {
        let data = self.api("/api/v1/targets?state=active").await;
        data["activeTargets"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The result of the instant query `promql` (`/api/v1/query`): its vector's samples.
    pub async fn query(&self, promql: &str) -> Vec<serde_json::Value> {
        let path = format!("/api/v1/query?query={}", query_encoded(promql));
        let data = self.api(&path).await;
        data["result"].as_array().cloned().unwrap_or_default()
    }

    /// Asks `ask` every 100 ms until `good` holds for its answer, for at most [`PATIENCE`];
    /// the answer then. Prometheus changes on its own clock (scrapes, refreshes of its
    /// discovery), so a test waits for what it shows, not for a time.
    pub async fn wait_for<T: std::fmt::Debug, F: Future<Output = T>>(
        &self,
        what: &str,
        ask: impl FnMut() -> F,
        good: impl Fn(&T) -> bool,
    ) -> T {
        self.wait_at_most(PATIENCE, what, ask, good).await
    }

    /// [`wait_for`](Self::wait_for), for at most `patience`: Prometheus in front of a lab of
    /// hosts in Docker may take longer than one of the test's own.
    pub async fn wait_at_most<T: std::fmt::Debug, F: Future<Output = T>>(
        &self,
        patience: Duration,
        what: &str,
        mut ask: impl FnMut() -> F,
        mut good: impl FnMut(&T) -> bool,
    ) -> T {
        let deadline = tokio::time::Instant::now() + patience;
        loop {
            let answer = ask().await;
            if good(&answer) {
                return answer;
            }
            if tokio::time::Instant::now() > deadline {
                panic!("gave up after {patience:?} waiting for {what}; last: {answer:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for PrometheusServer {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

/// Whether Prometheus and promtool are installed; where they are not, a test that needs
/// them says so and is skipped (scripts/needs.sh installs them for CI).
pub fn prometheus_installed() -> bool {
    programs::find_on_path("prometheus").is_some() && programs::find_on_path("promtool").is_some()
}

/// What a skipped test prints when Prometheus is not installed.
pub fn prometheus_missing() -> String {
    format!(
        "skipped: Prometheus is not installed ({})",
        programs::how_to_install("prometheus", "prometheus")
    )
}

/// A private Prometheus with `config` (its YAML) on a free loopback port, ready (`/-/ready`
/// answers) before this returns.
pub async fn prometheus(config: &str) -> PrometheusServer {
    retry("prometheus", async || {
        let port = free_ports(1)[0];
        let folder = std::env::temp_dir().join(format!("testkit-prom-{}", crate::unique_suffix()));
        let started = start(&folder, config, port).await;
        match started {
            Ok(child) => Ok(PrometheusServer {
                api: PrometheusApi::at(format!("127.0.0.1:{port}")),
                folder,
                _child: child,
            }),
            Err(why) => {
                let _ = std::fs::remove_dir_all(&folder);
                Err(why)
            }
        }
    })
    .await
}

async fn start(folder: &Path, config: &str, port: u16) -> Result<OwnedChild, String> {
    std::fs::create_dir_all(folder).map_err(|error| format!("{}: {error}", folder.display()))?;
    let file = folder.join("prometheus.yml");
    std::fs::write(&file, config).map_err(|error| format!("{}: {error}", file.display()))?;
    let mut command = Command::new("prometheus");
    command
        .arg(format!("--config.file={}", file.display()))
        .arg(format!(
            "--storage.tsdb.path={}",
            folder.join("data").display()
        ))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg("--log.level=warn");
    let mut child = OwnedChild::spawn(command, "prometheus")
        .map_err(|error| format!("could not run prometheus: {error}"))?;
    let addr = format!("127.0.0.1:{port}");
    let ready = |_: &OwnedChild| answers(&addr, "/-/ready", "Ready");
    let every = Duration::from_millis(50);
    child
        .wait_until("prometheus", "prometheus not ready", PATIENCE, every, ready)
        .await?;
    Ok(child)
}

/// What `promtool check metrics` says of `page` (a `/metrics` body): `Ok` when it finds
/// nothing to say, else its complaints.
pub fn promtool_check_metrics(page: &str) -> Result<(), String> {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("could not run promtool: {error}"))?;
    let mut stdin = child.stdin.take().expect("promtool's stdin");
    let written = stdin.write_all(page.as_bytes());
    drop(stdin);
    let output = crate::child_output_within("`promtool check metrics`", child, crate::PATIENCE);
    written.map_err(|error| format!("writing to promtool: {error}"))?;
    let said = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    if output.status.success() && said.trim().is_empty() {
        Ok(())
    } else {
        Err(said)
    }
}

/// What `promtool test rules` says of `tests`, a unit-test file that names its rule file
/// `rules.yml` (`rule_files: [rules.yml]`), with `rules` as that file: `Ok` when every
/// expectation holds, else what promtool said (which expression, at what time, what it
/// expected and what it got). Both files are written to a folder of their own and removed.
pub fn promtool_test_rules(rules: &str, tests: &str) -> Result<(), String> {
    let folder = std::env::temp_dir().join(format!("testkit-rules-{}", crate::unique_suffix()));
    let run = || -> Result<std::process::Output, String> {
        std::fs::create_dir_all(&folder)
            .map_err(|error| format!("{}: {error}", folder.display()))?;
        std::fs::write(folder.join("rules.yml"), rules)
            .map_err(|error| format!("rules.yml: {error}"))?;
        std::fs::write(folder.join("tests.yml"), tests)
            .map_err(|error| format!("tests.yml: {error}"))?;
        let mut promtool = Command::new("promtool");
        promtool
            .args(["test", "rules", "tests.yml"])
            .current_dir(&folder);
        Ok(crate::output_within(
            "`promtool test rules`",
            &mut promtool,
            crate::PATIENCE,
        ))
    };
    let output = run();
    let _ = std::fs::remove_dir_all(&folder);
    let output = output?;
    if output.status.success() {
        return Ok(());
    }
    Err(String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr))
}

/// `text` percent-encoded for a URL's query (a PromQL expression in Prometheus' `?query=`,
/// its API's or its graph page's): every byte but the unreserved ones.
pub fn query_encoded(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (byte as char).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}
