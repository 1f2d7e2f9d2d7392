//! A page printed to PDF once it is ready, not after a guess at how long that takes.
//!
//! Chromium can print from its command line (`--print-to-pdf`), but it prints when the page
//! has loaded or when a budget of the page's "virtual" time runs out, and what that budget
//! means changes from one Chromium build to the next (Debian's 156 prints nothing with it).
//! Here the browser is driven instead: open the page, switch it to print media (so that the
//! print stylesheet's layout and fonts are the ones loaded), wait until the page says it is
//! ready — its fonts loaded, its images decoded, two frames drawn — and then print.
//!
//! The print itself is DevTools' `Page.printToPDF`, sent through chromedriver's
//! `goog/cdp/execute` endpoint. WebDriver's own "Print Page" command knows no page size
//! from the stylesheet (`@page`) and no bookmarks; DevTools knows both.

use base64::Engine;
use fantoccini::Client;
use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{Value, json};

use crate::Browser;

/// How the paper is laid out: everything else comes from the page's print stylesheet.
#[derive(Debug, Clone, Copy, Default)]
pub struct Paper {
    /// The PDF's outline (its bookmarks), one entry per heading.
    pub bookmarks: bool,
}

/// Switches the open page, and any page opened after, to print media, as printing does.
async fn print_media(client: &Client) -> Result<(), String> {
    devtools(
        client,
        "Emulation.setEmulatedMedia",
        json!({ "media": "print" }),
    )
    .await
    .map(|_| ())
    .map_err(|error| format!("Chromium does not emulate print: {error}"))
}

impl Browser {
    /// Opens `url`, waits until it is ready to print, and prints it: the PDF's bytes, or
    /// what went wrong in a sentence.
    pub async fn print(&self, url: &str, paper: Paper) -> Result<Vec<u8>, String> {
        let client = &self.client;
        // mdBook's print.html opens the print dialog itself once it has loaded
        // (`window.print()`), and a page being printed that way refuses another print. The
        // print here is ours: the page's own call does nothing, set before any script runs.
        devtools(
            client,
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": "window.print = () => {};" }),
        )
        .await
        .map_err(|error| format!("Chromium does not take a script: {error}"))?;
        // Print media first: fonts and images the print stylesheet alone asks for are then
        // the ones the wait below waits for.
        print_media(client).await?;
        // `goto` returns once the page has loaded: its scripts (the title page, the
        // contents, the highlighting) have run.
        client
            .goto(url)
            .await
            .map_err(|error| format!("Chromium does not open {url}: {error}"))?;
        self.print_open(paper).await
    }

    /// Prints the page open now, as it is: for a page whose content comes after it loaded
    /// (a dashboard fed by a stream), once its caller has seen the content there. The page
    /// is switched to print media, and printed once ready.
    pub async fn print_open(&self, paper: Paper) -> Result<Vec<u8>, String> {
        let client = &self.client;
        print_media(client).await?;
        client
            .execute_async(READY, vec![])
            .await
            .map_err(|error| format!("the page never became ready to print: {error}"))?;
        let printed = devtools(
            client,
            "Page.printToPDF",
            json!({
                // The paper's size and margins are the stylesheet's `@page`; its page
                // numbers are the stylesheet's margin boxes, not Chromium's header.
                "preferCSSPageSize": true,
                "displayHeaderFooter": false,
                "printBackground": true,
                "generateDocumentOutline": paper.bookmarks,
            }),
        )
        .await
        .map_err(|error| format!("Chromium did not print: {error}"))?;
        let data = printed["data"]
            .as_str()
            .ok_or_else(|| format!("Chromium answered the print without a PDF: {printed}"))?;
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|error| format!("Chromium's PDF is not base64: {error}"))
    }
}

/// What "ready" means for a page about to be printed, as a WebDriver asynchronous script
/// (its last argument is the callback that ends the wait): every font the page uses has
/// loaded, every image has loaded or failed, and the browser has drawn two frames since, so
/// that the layout those fonts and images change is the one printed.
const READY: &str = r#"
const done = arguments[arguments.length - 1];
const images = Array.from(document.images, (image) =>
  image.complete ? null : new Promise((settle) => { image.onload = image.onerror = settle; }));
Promise.all([document.fonts.ready, ...images]).then(() =>
  requestAnimationFrame(() => requestAnimationFrame(() => done(true))));
"#;

/// Sends one DevTools command to the page and returns its result.
async fn devtools(client: &Client, command: &'static str, params: Value) -> Result<Value, String> {
    client
        .issue_cmd(DevTools { command, params })
        .await
        .map_err(|error| error.to_string())
}

/// A DevTools command as chromedriver takes it: `POST /session/{id}/goog/cdp/execute` with
/// `{"cmd": …, "params": …}`; the answer's `value` is the command's result.
#[derive(Debug)]
struct DevTools {
    command: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for DevTools {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.command, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}
