//! The handout of the real course: `bundle DIR` writes the book to read from disk, the
//! solutions of every lesson and the book as a PDF, whose text has every chapter of
//! `SUMMARY.md`, each starting a page. One bundle, one print: both are checked from it.
//! Without Chromium (no PDF) or pdftotext (no text to read), those parts are skipped and
//! say why.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::real_course::course_root;

/// A folder in the system's temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn a_bundle_holds_the_book_its_pdf_and_every_solution() {
    let root = course_root();
    let temp =
        TempDir(std::env::temp_dir().join(format!("workbook-handout-{}", std::process::id())));
    let dir = temp.0.join("handout");
    let mut bundle = Command::new(env!("CARGO_BIN_EXE_workbook-full"));
    bundle
        .arg("bundle")
        .arg(&dir)
        .current_dir(&root)
        .env("NO_COLOR", "1");
    let output = crate::fixture::output_of(&mut bundle, &["bundle"]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );

    // The book, to read from disk, and the course files its chapters link to.
    for file in ["book/html/index.html", "book/html/print.html", "README.md"] {
        assert!(dir.join(file).is_file(), "no {file} in the bundle:\n{said}");
    }
    assert!(
        dir.join("lessons/01-tcp/src/exercises/echo.rs").is_file(),
        "the files the book links to are not beside it:\n{said}"
    );
    // A learner's handout: the teacher notes are left out, not folded away.
    let chapter = fs::read_to_string(dir.join("book/html/01-tcp.html")).unwrap();
    assert!(
        !chapter.contains("teacher-notes"),
        "a learner's book holds teacher notes"
    );
    // The README lists the PDF only where there is one.
    let readme = fs::read_to_string(dir.join("README.md")).unwrap();
    assert_eq!(
        readme.contains("book.pdf"),
        dir.join("book.pdf").is_file(),
        "{readme}"
    );

    // Every lesson's solutions, and an index naming each lesson.
    let index = fs::read_to_string(dir.join("solutions/README.md")).unwrap_or_default();
    for lesson in lessons(&root) {
        let folder = lesson.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            index.contains(&format!("## {folder}")),
            "{folder} is not in the index"
        );
        // Every answer, whether in the lesson's `solutions/` or a module of the framework
        // (lessons 11 and 12), stands under the learner's file's name.
        for file in fs::read_dir(lesson.join("src/exercises"))
            .into_iter()
            .flatten()
        {
            let name = file.unwrap().file_name();
            let copied = dir.join("solutions").join(&folder).join(&name);
            assert!(copied.is_file(), "no {}", copied.display());
        }
    }

    // The PDF.
    let pdf = dir.join("book.pdf");
    if programs::find_chromium().is_none() || programs::find_chromedriver().is_none() {
        assert!(
            !output.status.success(),
            "a bundle without its PDF says it failed"
        );
        return println!("skipped: the PDF's checks: Chromium or chromedriver is not installed");
    }
    assert!(output.status.success(), "bundle failed:\n{said}");
    assert!(fs::read(&pdf).unwrap().starts_with(b"%PDF"), "{said}");
    let pdftotext = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(pdftotext) = pdftotext else {
        return println!(
            "skipped: the PDF's text: pdftotext is not installed (apt-get install poppler-utils)"
        );
    };
    let text =
        testkit::child_output_within("`pdftotext handout.pdf -`", pdftotext, testkit::PATIENCE);
    assert!(
        text.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    let text = String::from_utf8_lossy(&text.stdout);
    // pdftotext ends each page with a form feed: a chapter starts a page when its title
    // is the first line of one, or its first lines when a long title wraps ("17 ·
    // Orchestrate: a swarm of nodes that" / "fail"): each page's first three lines, joined.
    let first_lines: Vec<String> = text
        .split('\u{c}')
        .map(|page| {
            let lines: Vec<&str> = page
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .take(3)
                .collect();
            lines.join(" ")
        })
        .filter(|start| !start.is_empty())
        .collect();
    let titles = chapter_titles(&root);
    assert!(
        titles.len() > 10,
        "too few chapters in SUMMARY.md: {titles:?}"
    );
    for title in &titles {
        assert!(text.contains(title.as_str()), "{title:?} is not in the PDF");
        assert!(
            first_lines
                .iter()
                .any(|line| line.starts_with(title.as_str())),
            "{title:?} does not start a page; the pages start with {first_lines:#?}"
        );
    }
    println!("{said}");
}

/// Each lesson's folder (`lessons/NN-topic` with a `lesson.toml`).
fn lessons(root: &Path) -> Vec<PathBuf> {
    let mut lessons: Vec<PathBuf> = fs::read_dir(root.join("lessons"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("lesson.toml").is_file())
        .collect();
    lessons.sort();
    assert!(!lessons.is_empty());
    lessons
}

/// The title of every chapter in `SUMMARY.md`: each `[title](file.md)` link.
fn chapter_titles(root: &Path) -> Vec<String> {
    let summary = fs::read_to_string(root.join("book/src/SUMMARY.md")).unwrap();
    summary
        .lines()
        .filter_map(|line| {
            let (_, rest) = line.split_once('[')?;
            let (title, target) = rest.split_once("](")?;
            target.contains(".md").then(|| title.to_string())
        })
        .collect()
}
