//! Headless Chromium, driven over WebDriver by fantoccini: for lesson 10's page, for the
//! book's pages in `workbook-dev verify`, and for the book's PDF handout ([`print`]).
//! chromedriver runs on a free loopback port (`--port=0`, which says the port it took), and
//! Chromium without its sandbox (which needs privileges that containers and CI machines
//! often lack; the browser only opens the course's own pages, on loopback or from disk).
//!
//! Each browser has a profile folder of its own, which is also how it is found and ended
//! when its [`Browser`] is dropped: chromedriver goes with its process, but the Chromium it
//! started would outlive it (a test that fails before it closes its session), holding
//! memory and the machine's inotify instances, which other programs then lack.

mod print;

pub use print::Paper;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use programs::{CHROMIUM_INSTALL, find_chromedriver, find_chromium};

/// The window pages are looked at in: a common laptop screen (the book's check, the wire
/// view's test).
pub const WINDOW: (u32, u32) = (1366, 900);

/// A phone's window, where the book's sidebar is closed and a wide listing or table
/// scrolls inside its own box.
pub const PHONE: (u32, u32) = (390, 844);

/// A browser session and the chromedriver behind it, ended when this is dropped.
pub struct Browser {
    pub client: Client,
    _driver: Child,
    /// The browser's profile folder, this browser's alone.
    profile: PathBuf,
}

impl Drop for Browser {
    fn drop(&mut self) {
        end_chromium(&self.profile);
    }
}

/// Ends the Chromium of `profile`, if one runs, and removes the folder. The browser's main
/// process names its profile on its command line; its helpers end with it.
fn end_chromium(profile: &Path) {
    let named = format!("--user-data-dir={}", profile.display());
    let _ = std::process::Command::new("pkill")
        .args(["-KILL", "-f", "--", &named])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let _ = std::fs::remove_dir_all(profile);
}

impl Browser {
    /// A headless Chromium in a window of `width` × `height`, or why there is none.
    pub async fn start(width: u32, height: u32) -> Result<Browser, String> {
        let driver = find_chromedriver().ok_or(format!(
            "chromedriver is not installed ({CHROMIUM_INSTALL})"
        ))?;
        let chromium =
            find_chromium().ok_or(format!("Chromium is not installed ({CHROMIUM_INSTALL})"))?;
        let (driver, url) = start_driver(&driver)
            .await
            .map_err(|error| format!("chromedriver does not start: {error}"))?;
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let profile = std::env::temp_dir().join(format!(
            "headless-chromium-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let args = [
            format!("--user-data-dir={}", profile.display()),
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
        let mut builder = ClientBuilder::new(HttpConnector::new());
        builder.capabilities(capabilities);
        // A busy machine (a build beside the tests) can take many seconds to start a browser.
        let connected = tokio::time::timeout(Duration::from_secs(90), builder.connect(&url)).await;
        // From here the browser is ended with its handle, or at once if it did not start.
        let error = match connected {
            Ok(Ok(client)) => {
                return Ok(Browser {
                    client,
                    _driver: driver,
                    profile,
                });
            }
            Ok(Err(error)) => format!("Chromium does not start: {error}"),
            Err(_) => "Chromium did not start within 90 s".to_string(),
        };
        end_chromium(&profile);
        Err(error)
    }

    /// A headless Chromium for a test, or `None` once it has printed why there is none
    /// (`skipped: this test needs headless Chromium: …`, on both of the test's streams),
    /// so that a test without a browser says so and returns at once:
    /// `let Some(browser) = Browser::or_skip(WINDOW.0, WINDOW.1).await else { return };`
    pub async fn or_skip(width: u32, height: u32) -> Option<Browser> {
        match Browser::start(width, height).await {
            Ok(browser) => Some(browser),
            Err(reason) => {
                let why = format!("skipped: this test needs headless Chromium: {reason}");
                println!("{why}");
                eprintln!("{why}");
                None
            }
        }
    }
}

/// chromedriver on a free loopback port, and its URL. A chromedriver that ends before it
/// says its port (seen now and then on a loaded machine, with no word on its output) is
/// started once more: a browser test skipped for a moment's failure would prove nothing.
async fn start_driver(program: &Path) -> Result<(Child, String), String> {
    match start_driver_once(program).await {
        Err(DriverFailure::EndedEarly(first)) => start_driver_once(program)
            .await
            .map_err(|again| format!("{first}; started again, {}", again.reason())),
        started => started.map_err(|failure| failure.reason()),
    }
}

/// Why chromedriver gave no port.
enum DriverFailure {
    /// It did not start, or said nothing for a minute.
    Other(String),
    /// It ended (or closed its output) first: what it said on stderr, and how it ended.
    EndedEarly(String),
}

impl DriverFailure {
    fn reason(self) -> String {
        match self {
            DriverFailure::Other(reason) | DriverFailure::EndedEarly(reason) => reason,
        }
    }
}

/// The last of what a program wrote on stderr that is kept: enough for its error.
const STDERR_KEPT: usize = 2000;

async fn start_driver_once(program: &Path) -> Result<(Child, String), DriverFailure> {
    let mut process = Command::new(program)
        .arg("--port=0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|error| DriverFailure::Other(format!("running {}: {error}", program.display())))?;
    let stdout = process
        .stdout
        .take()
        .ok_or_else(|| DriverFailure::Other("no output".into()))?;
    let stderr = process
        .stderr
        .take()
        .ok_or_else(|| DriverFailure::Other("no error output".into()))?;
    // Read all along, so that it never blocks on a full pipe; its end is kept for an error.
    let said = tokio::spawn(async move {
        let mut kept = String::new();
        let mut lines = BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            kept.push_str(&line);
            kept.push(' ');
            if kept.len() > STDERR_KEPT {
                kept.drain(..kept.len() - STDERR_KEPT);
            }
        }
        kept
    });
    let mut lines = BufReader::new(stdout).lines();
    // It says "ChromeDriver was started successfully on port 40813."
    let port = tokio::time::timeout(Duration::from_secs(60), async {
        while let Ok(Some(line)) = lines.next_line().await {
            if let Some((_, port)) = line.split_once("started successfully on port ") {
                return port.trim_end_matches('.').parse::<u16>().ok();
            }
        }
        None
    })
    .await;
    let port = match port {
        Ok(Some(port)) => port,
        Ok(None) => {
            // Its output ended: it has ended, or is about to.
            let status = tokio::time::timeout(Duration::from_secs(10), process.wait()).await;
            let _ = process.start_kill();
            let said = tokio::time::timeout(Duration::from_secs(10), said)
                .await
                .ok()
                .and_then(Result::ok)
                .unwrap_or_default();
            let ended = match status {
                Ok(Ok(status)) => format!("it ended ({status}) before saying its port"),
                _ => "its output ended before it said its port".to_string(),
            };
            let said = said.trim();
            return Err(DriverFailure::EndedEarly(if said.is_empty() {
                format!("{ended}, with nothing on stderr")
            } else {
                format!("{ended}: {said}")
            }));
        }
        Err(_) => {
            return Err(DriverFailure::Other(
                "it did not say its port within 60 s".into(),
            ));
        }
    };
    // Keep reading, so that it never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    Ok((process, format!("http://127.0.0.1:{port}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether a process with `text` on its command line runs.
    fn runs(text: &str) -> bool {
        std::process::Command::new("pgrep")
            .args(["-f", "--", text])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|status| status.success())
    }

    #[tokio::test]
    async fn a_dropped_browser_leaves_no_chromium_behind() {
        let Some(browser) = Browser::or_skip(WINDOW.0, WINDOW.1).await else {
            return;
        };
        let named = format!("--user-data-dir={}", browser.profile.display());
        assert!(runs(&named), "no Chromium runs with {named}");
        let profile = browser.profile.clone();
        drop(browser);
        // The kill is sent; the process is gone once the kernel has ended it.
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while runs(&named) {
            assert!(
                std::time::Instant::now() < deadline,
                "Chromium ({named}) outlived its Browser by 20 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(!profile.exists(), "{} is left", profile.display());
    }
}
