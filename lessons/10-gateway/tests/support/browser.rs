//! Headless Chromium for a test, driven over WebDriver by fantoccini, as `workbook verify`
//! drives it for the book: chromedriver on a free loopback port (`--port=0`, which says the
//! port it took), and Chromium without its sandbox (which needs privileges that containers
//! and CI machines often lack; the browser only opens pages on loopback).

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// What installs the two programs on Debian and Ubuntu.
pub const INSTALL: &str = "apt-get install chromium chromium-driver";

/// A browser session and the chromedriver behind it, ended when this is dropped.
pub struct Browser {
    pub client: Client,
    _driver: Child,
}

impl Browser {
    /// A headless Chromium in a window of `width` × `height`, or why there is none.
    pub async fn start(width: u32, height: u32) -> Result<Browser, String> {
        let driver = find("CHROMEDRIVER", &["chromedriver"])
            .ok_or(format!("chromedriver is not installed ({INSTALL})"))?;
        let chromium = find("CHROME", &["chromium", "chromium-browser", "google-chrome"])
            .ok_or(format!("Chromium is not installed ({INSTALL})"))?;
        let mut process = Command::new(&driver)
            .arg("--port=0")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|error| format!("chromedriver does not start: {error}"))?;
        let mut lines = BufReader::new(process.stdout.take().expect("piped")).lines();
        // It says "ChromeDriver was started successfully on port 40813."
        let port = tokio::time::timeout(Duration::from_secs(10), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some((_, port)) = line.split_once("started successfully on port ") {
                    return port.trim_end_matches('.').parse::<u16>().ok();
                }
            }
            None
        })
        .await
        .ok()
        .flatten()
        .ok_or("chromedriver did not say its port within 10 s")?;
        // Keep reading, so that it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

        let args = [
            "--headless=new".to_string(),
            "--no-sandbox".to_string(),
            "--disable-gpu".to_string(),
            "--disable-dev-shm-usage".to_string(),
            format!("--window-size={width},{height}"),
        ];
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({ "binary": chromium, "args": args }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        let connecting = builder.connect(&url);
        let client = tokio::time::timeout(Duration::from_secs(30), connecting)
            .await
            .map_err(|_| "Chromium did not start within 30 s".to_string())?
            .map_err(|error| format!("Chromium does not start: {error}"))?;
        Ok(Browser {
            client,
            _driver: process,
        })
    }
}

/// A program named by an environment variable, or the first of `names` found on PATH.
fn find(variable: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(variable) {
        return Some(PathBuf::from(path));
    }
    names.iter().find_map(|name| testkit_find(name))
}

fn testkit_find(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}
