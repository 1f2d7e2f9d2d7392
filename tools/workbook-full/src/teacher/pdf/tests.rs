use super::*;
use crate::testutil::Fixture;

/// A course whose book has the print stylesheet and the script `js/SCRIPT` (its text is
/// `source`); `None`, with the reason printed, where Chromium, its driver or pdftotext is
/// missing.
fn printable_book(title: &str, script: &str, source: &str) -> Option<Fixture> {
    if programs::find_chromium().is_none() || programs::find_chromedriver().is_none() {
        println!("skipped: Chromium or chromedriver is not installed ({CHROMIUM_INSTALL})");
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
        include_str!("../../../../../book/css/paper.css"),
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
        include_str!("../../../../../book/js/teacher-view.js"),
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
        include_str!("../../../../../book/js/handout.js"),
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
    let numbered = |page: &str, n: usize| page.replace(' ', "").contains(&format!("{n}/{pages}"));
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
    let pdf =
        b"%PDF-1.4\n<< /Type /Pages /Count 2 >>\n<< /Type /Page >>\n<</Type /Page/Parent 1 0 R>>";
    assert_eq!(count_pages(pdf), Some(2));
    assert_eq!(count_pages(b"%PDF-1.4\n"), None);
}

/// `doctor`'s question, "does this machine's Chromium print?", answered by printing.
#[tokio::test]
async fn the_probe_prints_where_chromium_and_its_driver_are_installed() {
    if programs::find_chromium().is_none() || programs::find_chromedriver().is_none() {
        return println!("skipped: Chromium or chromedriver is not installed ({CHROMIUM_INSTALL})");
    }
    probe().await.unwrap();
}
