//! `book --pdf FILE`: the whole book as one PDF, to print or hand out.
//!
//! mdBook already lays the whole book out on one page, `print.html`, with a page break
//! before each chapter; the book's print stylesheet (`book/css/paper.css`) makes listings,
//! tables and diagrams fit an A4 page. What is left is a browser to print it, and the course
//! already drives one: headless Chromium over WebDriver (the `headless` crate), which opens
//! the page from disk (the book works from `file://`), waits until the page is ready — its
//! scripts run, its fonts and images loaded — and prints it.
//!
//! The page numbers are the print stylesheet's (`@page` margin boxes); the title page and the
//! contents are `book/js/handout.js`'s; the bookmarks are Chromium's, from the headings.
//!
//! Teacher notes are left out unless `--teacher` asks for them: the page is then opened as
//! `print.html?teacher`, which `book/js/teacher-view.js` turns into the teacher's view.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use headless::{Browser, Paper, WINDOW};
use programs::CHROMIUM_INSTALL;

use crate::book;
use workbook_core::language::messages::{Cmd, say, tell};
use workbook_core::ui;

/// The longest a print may take. The whole book prints in a few seconds; a Chromium that
/// hangs (no display libraries, a locked profile) is stopped instead of waited for.
const DEADLINE: Duration = Duration::from_secs(120);

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
    let file = std::path::absolute(file).with_context(|| format!("{}", file.display()))?;
    if let Some(folder) = file.parent() {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("creating {}", folder.display()))?;
    }
    // An old PDF left in place would look like a new one if nothing were written.
    let _ = std::fs::remove_file(&file);

    let mut url = file_url(&std::path::absolute(&page)?);
    if teacher {
        url.push_str("?teacher");
    }
    let started = Instant::now();
    let written = print_page(&url).await?;
    let seconds = started.elapsed().as_secs_f64();
    std::fs::write(&file, &written).with_context(|| format!("writing {}", file.display()))?;
    Ok(Printed {
        pages: count_pages(&written),
        bytes: written.len() as u64,
        seconds,
    })
}

/// The page at `url` as a PDF, with its bookmarks, within the deadline. Chromium and its
/// driver end when the browser is dropped, on the deadline too.
async fn print_page(url: &str) -> Result<Vec<u8>> {
    let printing = async {
        let browser = Browser::start(WINDOW.0, WINDOW.1).await.map_err(|why| {
            anyhow!(say(
                Cmd::PdfNoBrowser,
                &[("why", &why), ("command", &CHROMIUM_INSTALL)]
            ))
        })?;
        let pdf = browser
            .print(url, Paper { bookmarks: true })
            .await
            .map_err(|why| anyhow!(say(Cmd::PdfNotPrinted, &[("why", &why)])))?;
        if !pdf.starts_with(b"%PDF") {
            bail!(say(
                Cmd::PdfNotPrinted,
                &[("why", &"what it wrote is not a PDF")]
            ));
        }
        Ok(pdf)
    };
    tokio::time::timeout(DEADLINE, printing)
        .await
        .map_err(|_| anyhow!(say(Cmd::PdfTooSlow, &[("seconds", &DEADLINE.as_secs())])))?
}

/// Whether this machine's Chromium prints: a one-line page printed as the book is, for
/// `doctor`. `Err` says why not.
pub async fn probe() -> Result<()> {
    let folder = tempfile_dir()?;
    let page = folder.join("probe.html");
    std::fs::write(&page, "<!DOCTYPE html><title>probe</title><p>Printed.</p>")
        .with_context(|| format!("writing {}", page.display()))?;
    let printed = print_page(&file_url(&page)).await;
    let _ = std::fs::remove_dir_all(&folder);
    printed.map(drop)
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
/// bytes) percent-encoded. A relative path, which has no such URL, is left as it is.
fn file_url(path: &Path) -> String {
    url::Url::from_file_path(path).map_or_else(|()| path.display().to_string(), String::from)
}

/// A fresh folder under the system's temporary one, for `probe`'s page.
fn tempfile_dir() -> Result<std::path::PathBuf> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .subsec_nanos();
    let dir = std::env::temp_dir().join(format!("workbook-print-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

#[cfg(test)]
mod tests;
