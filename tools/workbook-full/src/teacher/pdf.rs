//! `book --pdf FILE`: the whole book as one PDF, to print or hand out.
//!
//! mdBook already lays the whole book out on one page, `print.html`, with a page break
//! before each chapter; the book's print stylesheet (`book/css/paper.css`) makes listings,
//! tables and diagrams fit an A4 page. What is left is a browser to print it, and the course
//! already drives one: headless Chromium. Here it runs on its own, not over WebDriver, so a
//! teacher's runner needs no extra feature: `chromium --headless --print-to-pdf=FILE` loads
//! the page from disk (the book works from `file://`), waits until it is laid out, and
//! writes the PDF.
//!
//! The page numbers are the print stylesheet's (`@page` margin boxes); the title page and the
//! contents are `book/js/handout.js`'s; the bookmarks are Chromium's, from the headings.
//!
//! Teacher notes are left out unless `--teacher` asks for them: the page is then opened as
//! `print.html?teacher`, which `book/js/teacher-view.js` turns into the teacher's view.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use programs::{CHROMIUM_INSTALL, find_chromium};
use tokio::process::Command;

use crate::book;
use workbook_core::language::messages::{Cmd, say, tell};
use workbook_core::ui;

/// The longest a print may take. The whole book prints in a few seconds; a Chromium that
/// hangs (no display libraries, a locked profile) is stopped instead of waited for.
const DEADLINE: Duration = Duration::from_secs(120);

/// How long, in the page's own time, Chromium lets the page load its fonts and scripts
/// before it prints. Virtual time runs fast while the page is idle, so this costs little.
const SETTLE_MS: u32 = 20_000;

/// What a print produced.
pub struct Printed {
    /// Pages in the PDF, counted in its page objects; `None` if they could not be counted.
    pub pages: Option<usize>,
    pub bytes: u64,
    pub seconds: f64,
}

impl Printed {
    /// "212 pages, 3.4 MB, 5.1 s".
    pub fn summary(&self) -> String {
        let pages = self.pages.map_or_else(
            || say(Cmd::PdfPagesNotCounted, &[]),
            |count| say(Cmd::PdfPages, &[("count", &count)]),
        );
        let size = format!("{:.1}", self.bytes as f64 / 1_000_000.0);
        let elapsed = ui::seconds(self.seconds);
        let args: [(&str, &dyn std::fmt::Display); 3] =
            [("pages", &pages), ("size", &size), ("elapsed", &elapsed)];
        say(Cmd::PdfSummary, &args)
    }
}

/// The `book --pdf FILE [--teacher] [--lang LANG]` command: builds the book (the English
/// one, or the edition `lang`) and prints it to `file`.
pub async fn run(root: &Path, file: &Path, teacher: bool, lang: Option<&str>) -> Result<()> {
    let lang = lang.unwrap_or(book::i18n::ENGLISH);
    book::i18n::check_language(root, lang)?;
    let (english_dir, edition) = book::build_languages(root, Some(lang))?;
    let html_dir = if lang == book::i18n::ENGLISH {
        english_dir
    } else {
        // Printing the English book in place of a translation that does not build would
        // hand a class the wrong language without a word: this is an error.
        edition?;
        english_dir.join(lang)
    };
    let printed = print(&html_dir, file, teacher).await?;
    let shown = ui::bold(&file.display().to_string());
    let args: [(&str, &dyn std::fmt::Display); 3] = [
        ("mark", &ui::pass_mark()),
        ("file", &shown),
        ("summary", &printed.summary()),
    ];
    tell(Cmd::PdfPrinted, &args);
    Ok(())
}

/// Prints the book built in `html_dir` (its `print.html`) to the PDF `file`.
pub async fn print(html_dir: &Path, file: &Path, teacher: bool) -> Result<Printed> {
    let page = html_dir.join("print.html");
    if !page.is_file() {
        bail!(say(Cmd::PdfNoPrintPage, &[]));
    }
    let Some(chromium) = find_chromium() else {
        bail!(say(Cmd::PdfNoChromium, &[("command", &CHROMIUM_INSTALL)]));
    };
    let file = std::path::absolute(file).with_context(|| format!("{}", file.display()))?;
    if let Some(folder) = file.parent() {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("creating {}", folder.display()))?;
    }
    // An old PDF left in place would look like a new one if Chromium wrote nothing.
    let _ = std::fs::remove_file(&file);

    let mut url = file_url(&std::path::absolute(&page)?);
    if teacher {
        url.push_str("?teacher");
    }
    let profile = Profile::new()?;
    let started = Instant::now();
    // No sandbox, as in the browser check: it needs privileges that containers and CI
    // machines often lack, and the page is the course's own book, read from disk.
    let child = Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            // Bookmarks: the PDF's outline, one entry per heading.
            "--generate-pdf-document-outline",
        ])
        .arg(format!("--virtual-time-budget={SETTLE_MS}"))
        .arg(format!("--user-data-dir={}", profile.0.display()))
        .arg(format!("--print-to-pdf={}", file.display()))
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", chromium.display()))?;
    // On the deadline, dropping the child stops Chromium (`kill_on_drop`).
    let output = tokio::time::timeout(DEADLINE, child.wait_with_output())
        .await
        .map_err(|_| anyhow::anyhow!(say(Cmd::PdfTooSlow, &[("seconds", &DEADLINE.as_secs())])))?
        .context("waiting for Chromium")?;
    let seconds = started.elapsed().as_secs_f64();

    let written = std::fs::read(&file).unwrap_or_default();
    if !output.status.success() || !written.starts_with(b"%PDF") {
        let said = String::from_utf8_lossy(&output.stderr);
        let last: Vec<&str> = said.lines().rev().take(5).collect();
        let last = last.into_iter().rev().collect::<Vec<_>>().join("\n");
        let said = if last.is_empty() {
            String::new()
        } else {
            say(Cmd::PdfItSaid, &[("last", &last)])
        };
        let args: [(&str, &dyn std::fmt::Display); 3] = [
            ("program", &chromium.display()),
            ("status", &output.status),
            ("said", &said),
        ];
        bail!(say(Cmd::PdfNotPrinted, &args));
    }
    Ok(Printed {
        pages: count_pages(&written),
        bytes: written.len() as u64,
        seconds,
    })
}

/// The pages of a PDF as Chromium writes it: one `/Type /Page` object each (the page tree's
/// nodes are `/Type /Pages`).
fn count_pages(pdf: &[u8]) -> Option<usize> {
    const PAGE: &[u8] = b"/Type /Page";
    let pages = pdf
        .windows(PAGE.len() + 1)
        .filter(|w| w.starts_with(PAGE) && !w[PAGE.len()].is_ascii_alphanumeric())
        .count();
    (pages > 0).then_some(pages)
}

/// `file:///…` for an absolute path, with what a URL cannot hold (spaces, `#`, `?`, non-ASCII
/// bytes) percent-encoded.
fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for &byte in path.to_string_lossy().as_bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            url.push(byte as char);
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

/// A fresh Chromium profile for one print, removed afterwards: a teacher's open Chromium
/// keeps its own profile locked, and a print must not wait for it or change it.
struct Profile(PathBuf);

impl Profile {
    fn new() -> Result<Profile> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .subsec_nanos();
        let dir =
            std::env::temp_dir().join(format!("workbook-print-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(Profile(dir))
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests;
