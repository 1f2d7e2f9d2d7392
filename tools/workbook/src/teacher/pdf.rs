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
use workbook_core::language::messages::{Cmd, say};
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
    println!("{}", say(Cmd::PdfPrinted, &args));
    Ok(())
}

/// Prints the book built in `html_dir` (its `print.html`) to the PDF `file`.
pub async fn print(html_dir: &Path, file: &Path, teacher: bool) -> Result<Printed> {
    let page = html_dir.join("print.html");
    if !page.is_file() {
        bail!("{}", say(Cmd::PdfNoPrintPage, &[]));
    }
    let Some(chromium) = find_chromium() else {
        bail!(
            "{}",
            say(Cmd::PdfNoChromium, &[("command", &CHROMIUM_INSTALL)])
        );
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
        .map_err(|_| {
            anyhow::anyhow!(
                "{}",
                say(Cmd::PdfTooSlow, &[("seconds", &DEADLINE.as_secs())])
            )
        })?
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
        bail!("{}", say(Cmd::PdfNotPrinted, &args));
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
mod tests {
    use super::*;
    use crate::testutil::Fixture;

    /// A course whose book has the print stylesheet and the script `js/SCRIPT` (its text is
    /// `source`); `None`, with the reason printed, where Chromium or pdftotext is missing.
    fn printable_book(title: &str, script: &str, source: &str) -> Option<Fixture> {
        if find_chromium().is_none() {
            println!("skipped: Chromium is not installed ({CHROMIUM_INSTALL})");
            return None;
        }
        if programs::find_on_path("pdftotext").is_none() {
            println!("skipped: pdftotext is not installed (apt-get install poppler-utils)");
            return None;
        }
        let fx = Fixture::course();
        fx.write(
            "book/book.toml",
            &format!(
                "[book]\ntitle = \"{title}\"\nsrc = \"src\"\n[output.html]\n\
                 additional-css = [\"css/paper.css\"]\nadditional-js = [\"js/{script}\"]\n"
            ),
        );
        fx.write(
            "book/css/paper.css",
            include_str!("../../../../book/css/paper.css"),
        );
        fx.write(&format!("book/js/{script}"), source);
        Some(fx)
    }

    /// The text of pages `first..=last` of a printed PDF (all of them without a range).
    fn pdf_text(file: &Path, pages: Option<(usize, usize)>) -> String {
        let mut command = std::process::Command::new("pdftotext");
        if let Some((first, last)) = pages {
            command.args(["-f", &first.to_string(), "-l", &last.to_string()]);
        }
        let out = command.arg(file).arg("-").output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The book's own print stylesheet and teacher view, on a page with a teacher note:
    /// a learner's copy leaves the note out, a teacher's has it, opened.
    #[tokio::test]
    async fn teacher_notes_are_printed_only_in_a_teachers_copy() {
        let Some(fx) = printable_book(
            "t",
            "teacher-view.js",
            include_str!("../../../../book/js/teacher-view.js"),
        ) else {
            return;
        };
        fx.write(
            "book/src/02-rpc.md",
            "# RPC\n\nFrames.\n\n<details class=\"teacher-notes\">\n<summary>Teacher notes\
             </summary>\n\nAsk what a frame is for.\n\n</details>\n",
        );
        let html = book::build(fx.path()).unwrap();
        for teacher in [false, true] {
            let file = fx.path().join(format!("teacher-{teacher}.pdf"));
            print(&html, &file, teacher).await.unwrap();
            let text = pdf_text(&file, None);
            assert!(text.contains("Frames."), "{text}");
            assert_eq!(text.contains("Teacher notes"), teacher, "{text}");
            assert_eq!(text.contains("Ask what a frame is for."), teacher, "{text}");
        }
    }

    /// The print is a handout: a title page, the contents, page numbers from the second page
    /// on, bookmarks, and a table of ten columns whose last column is on the paper.
    #[tokio::test]
    async fn a_print_opens_like_a_book_and_fits_wide_tables() {
        let Some(fx) = printable_book(
            "Handout",
            "handout.js",
            include_str!("../../../../book/js/handout.js"),
        ) else {
            return;
        };
        let header = (1..=10).map(|n| format!("column {n}")).collect::<Vec<_>>();
        let row = (1..=9)
            .map(|n| format!("a long cell number {n}"))
            .chain(["farthest".to_string()])
            .collect::<Vec<_>>();
        fx.write(
            "book/src/02-rpc.md",
            &format!(
                "# RPC\n\nFrames.\n\n| {} |\n|{}\n| {} |\n",
                header.join(" | "),
                "---|".repeat(10),
                row.join(" | ")
            ),
        );
        let html = book::build(fx.path()).unwrap();
        let file = fx.path().join("handout.pdf");
        let printed = print(&html, &file, false).await.unwrap();
        let pages = printed.pages.unwrap();
        let text = |first: usize, last: usize| pdf_text(&file, Some((first, last)));
        let title = text(1, 1);
        assert!(
            title.contains("Handout") && title.contains("Learner's copy"),
            "{title}"
        );
        // pdftotext keeps or drops the spaces around the slash, depending on the layout.
        let numbered =
            |page: &str, n: usize| page.replace(' ', "").contains(&format!("{n}/{pages}"));
        assert!(
            !numbered(&title, 1),
            "the title page has no number: {title}"
        );
        let contents = text(2, 2);
        assert!(
            contents.contains("Contents") && contents.contains("RPC"),
            "{contents}"
        );
        assert!(numbered(&contents, 2), "{contents}");
        let chapter = text(3, pages);
        assert!(
            chapter.contains("farthest"),
            "the last column is cut: {chapter}"
        );
        let pdf = std::fs::read(&file).unwrap();
        assert!(pdf.windows(9).any(|w| w == b"/Outlines"), "no bookmarks");
    }

    /// A table in Chinese, whose text may break after any character, still gives its one
    /// long column the room: the course map of the zh-CN handout once wrapped each lesson's
    /// idea to five characters a line, every column held at the width of an exercise id.
    #[tokio::test]
    async fn a_chinese_tables_long_column_gets_the_room() {
        let Some(fx) = printable_book("t", "none.js", "") else {
            return;
        };
        let idea = "验".repeat(150);
        fx.write(
            "book/src/02-rpc.md",
            &format!(
                "# RPC\n\n| NN | id | 课 | 核心思想 |\n|---|---|---|---|\n\
                 | 01 | `tcp` | TCP 套接字 | {idea} |\n"
            ),
        );
        let html = book::build(fx.path()).unwrap();
        let file = fx.path().join("table.pdf");
        print(&html, &file, false).await.unwrap();
        let text = pdf_text(&file, None);
        let lines = text.lines().filter(|line| line.contains('验')).count();
        // At the page's width, 150 characters take 5 lines of the column; at an id's, 20.
        assert!(
            (1..=8).contains(&lines),
            "the idea takes {lines} lines: {text}"
        );
    }

    #[test]
    fn file_urls_escape_what_a_url_cannot_hold() {
        assert_eq!(
            file_url(Path::new("/home/ada/my course/book#1/print.html")),
            "file:///home/ada/my%20course/book%231/print.html"
        );
    }

    #[test]
    fn pages_are_counted_apart_from_the_page_tree() {
        let pdf = b"%PDF-1.4\n<< /Type /Pages /Count 2 >>\n<< /Type /Page >>\n<</Type /Page/Parent 1 0 R>>";
        assert_eq!(count_pages(pdf), Some(2));
        assert_eq!(count_pages(b"%PDF-1.4\n"), None);
    }
}
