//! The page of a room of thirty as it leaves the screen: printed on A4 (landscape, every
//! learner's row on the paper), and the pictures of it in the instructor guide, at a
//! projector's two sizes in both languages, taken here from a real server.
//!
//! The pictures are made by this test: told `CLASS_PICTURES=write`, as the maintainers'
//! `cargo run -p workbook-dev --features browser-check -- pictures class` runs it (the one
//! command for every picture of a real run in the book), it writes them into the book (made
//! smaller by pngquant where it is installed). Without it, the test takes them again and
//! holds both to the page's promise (the stuck list in view, nothing wider than the window)
//! and the book's files to their sizes.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use testkit::browser::{Browser, Paper};

use super::page::{MEASURE, open_page_of_thirty, open_room_of_thirty, until};
use super::thirty::{EXERCISES, ROOM, room_of_thirty};

/// How long a PDF tool may take with a page or two.
const TOOL_TIME: Duration = Duration::from_secs(60);

/// A4 landscape in PostScript points (297 × 210 mm).
const A4_LANDSCAPE: (f64, f64) = (841.89, 595.28);

/// The projector's sizes the guide shows.
const SIZES: [(u32, u32); 2] = [(1366, 768), (1024, PROJECTED.1)];

/// The size the guide shows as projected, learners by their initials.
const PROJECTED: (u32, u32) = (1024, 768);

/// The book's pictures of the room, by language and size.
fn picture(lang: &str, (width, height): (u32, u32)) -> PathBuf {
    let suffix = if lang == "en" {
        String::new()
    } else {
        format!(".{lang}")
    };
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../book/src/images")
        .join(format!("class-{width}x{height}{suffix}.png"))
}

#[tokio::test]
async fn the_room_of_thirty_prints_on_a4_landscape_with_every_row() {
    for tool in ["pdfinfo", "pdftotext"] {
        if programs::find_on_path(tool).is_none() {
            return println!("skipped: {tool} is not installed (apt-get install poppler-utils)");
        }
    }
    let Some(browser) = Browser::or_skip(SIZES[0].0, SIZES[0].1).await else {
        return;
    };
    let class = open_room_of_thirty(&browser.client, "en").await;
    let pdf = browser.print_open(Paper::default()).await.unwrap();
    let file = class.course.path("room.pdf");
    std::fs::write(&file, pdf).unwrap();

    let info = testkit::output_within("pdfinfo", Command::new("pdfinfo").arg(&file), TOOL_TIME);
    let info = String::from_utf8_lossy(&info.stdout).into_owned();
    // "Page size:       841.92 x 595.2 pts (A4)"
    let size: Vec<f64> = info
        .lines()
        .find_map(|line| line.strip_prefix("Page size:"))
        .unwrap_or_else(|| panic!("no page size: {info}"))
        .split_whitespace()
        .filter_map(|word| word.parse().ok())
        .collect();
    assert!(
        (size[0] - A4_LANDSCAPE.0).abs() < 2.0 && (size[1] - A4_LANDSCAPE.1).abs() < 2.0,
        "A4 landscape: {info}"
    );

    let text = pdf_text(&file);
    // Every learner's row, the name whole (no row cut off, no name cut short), and the
    // grid's last column: no row runs off the paper's right edge. A stuck learner's name is
    // in the stuck list too: their row makes it twice.
    for seat in &ROOM {
        let rows = if seat.failing() { 2 } else { 1 };
        assert!(
            text.matches(seat.en).count() >= rows,
            "{}'s row is not on the paper:\n{text}",
            seat.en
        );
    }
    let last = EXERCISES[EXERCISES.len() - 1].trim_start_matches("grpc.");
    assert!(text.contains(last), "the grid's last column:\n{text}");

    // Projected with initials, printed so too: no full name on the paper.
    browser
        .client
        .execute(
            "const s = document.getElementById('show'); s.value = 'initials'; s.dispatchEvent(new Event('change')); return null;",
            Vec::new(),
        )
        .await
        .unwrap();
    until(
        &browser.client,
        "initials in the grid",
        "return [...document.querySelectorAll('#grid td.name')].every((td) => /^[A-Z.]+$/.test(td.textContent)) ? true : null;",
    )
    .await;
    let pdf = browser.print_open(Paper::default()).await.unwrap();
    let file = class.course.path("room-initials.pdf");
    std::fs::write(&file, pdf).unwrap();
    let text = pdf_text(&file);
    for seat in &ROOM {
        assert!(
            !text.contains(seat.en),
            "{} is named on the projector's paper:\n{text}",
            seat.en
        );
    }
    assert!(text.contains("O.B"), "Olivia Brown's initials:\n{text}");
    let _ = browser.client.clone().close().await;
}

/// A PNG's width and height, from its header (the IHDR chunk comes first).
fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 24,
        "not a PNG"
    );
    let word = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (word(16), word(20))
}

/// The most bytes one picture of the guide may take: four of them stay small for a book.
const MOST_BYTES: usize = 120 * 1024;

#[tokio::test]
async fn the_guides_pictures_of_a_room_of_thirty_are_the_page() {
    let write = std::env::var("CLASS_PICTURES").is_ok_and(|value| value == "write");
    for size in SIZES {
        let Some(browser) = Browser::or_skip(size.0, size.1).await else {
            return;
        };
        let client = &browser.client;
        for lang in ["en", "zh-CN"] {
            let at = format!("{lang} at {}×{}", size.0, size.1);
            // The teacher's while as it is unless told (3 minutes): eight stuck, two trying.
            let class = room_of_thirty(lang, &[]);
            open_page_of_thirty(client, &class).await;
            // The smaller screen as projected: each learner by their initials, the stuck
            // list in letters for the back of the room.
            if size == PROJECTED {
                until(
                    client,
                    "initials",
                    "const s = document.getElementById('show'); s.value = 'initials';\
                     s.dispatchEvent(new Event('change'));\
                     return document.body.classList.contains('projector') ? true : null;",
                )
                .await;
            }
            let seen = client.execute(MEASURE, Vec::new()).await.unwrap();
            assert_eq!(seen["rows"], 30, "{at}: {seen}");
            assert!(
                seen["gridRight"].as_f64().unwrap() <= seen["width"].as_f64().unwrap(),
                "the grid within the window, {at}: {seen}"
            );
            // The stuck list first, every line of it in view.
            for line in seen["stuckLines"].as_array().unwrap() {
                assert!(
                    line["bottom"].as_f64().unwrap() <= seen["height"].as_f64().unwrap(),
                    "a stuck learner out of view, {at}: {seen}"
                );
            }
            assert_eq!(seen["stuck"].as_array().unwrap().len(), 8, "{at}: {seen}");
            assert_eq!(seen["trying"], 2, "{at}: {seen}");
            // The page's part of a window of that size: the browser's bars take the rest.
            let png = client.screenshot().await.unwrap();
            let page = (
                seen["width"].as_u64().unwrap() as u32,
                seen["height"].as_u64().unwrap() as u32,
            );
            assert_eq!(png_size(&png), page, "the picture is the page, {at}");
            let file = picture(lang, size);
            if write {
                std::fs::write(&file, &png).unwrap();
                smaller(&file);
            }
            let kept =
                std::fs::read(&file).unwrap_or_else(|error| panic!("{}: {error}", file.display()));
            assert_eq!(png_size(&kept), page, "{}", file.display());
            assert!(
                kept.len() <= MOST_BYTES,
                "{} is {} bytes",
                file.display(),
                kept.len()
            );
            // The book's picture loads in the browser, at its size.
            client
                .goto(&format!(
                    "file://{}",
                    file.canonicalize().unwrap().display()
                ))
                .await
                .unwrap();
            let loaded = until(
                client,
                "the picture",
                "const image = document.images[0];\
                 return image && image.complete && image.naturalWidth ? [image.naturalWidth, image.naturalHeight] : null;",
            )
            .await;
            assert_eq!(
                loaded,
                serde_json::json!([page.0, page.1]),
                "{}",
                file.display()
            );
        }
        let _ = browser.client.clone().close().await;
    }
    // The guide shows them, each edition its own language's.
    let book = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book");
    let guide = std::fs::read_to_string(book.join("src/instructor-guide.md")).unwrap();
    let chinese = std::fs::read_to_string(book.join("po/zh-CN.po")).unwrap();
    for size in SIZES {
        let name = |lang| {
            let file = picture(lang, size);
            format!("images/{}", file.file_name().unwrap().to_string_lossy())
        };
        assert!(
            guide.contains(&name("en")),
            "the guide shows {}",
            name("en")
        );
        assert!(
            chinese.contains(&name("zh-CN")),
            "the Chinese guide shows {}",
            name("zh-CN")
        );
    }
}

/// Makes a picture smaller with pngquant (a palette of at most 256 colours: the page's
/// few), where it is installed; as it is otherwise.
fn smaller(file: &Path) {
    if programs::find_on_path("pngquant").is_none() {
        return println!(
            "pngquant is not installed: {} is kept as taken",
            file.display()
        );
    }
    let out = testkit::output_within(
        "pngquant",
        Command::new("pngquant")
            .args([
                "--quality",
                "70-95",
                "--speed",
                "1",
                "--strip",
                "--force",
                "--output",
            ])
            .arg(file)
            .arg(file),
        TOOL_TIME,
    );
    assert!(
        out.status.success(),
        "pngquant: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The text of a printed PDF, as `pdftotext` reads it back.
fn pdf_text(file: &Path) -> String {
    let text = testkit::output_within(
        "pdftotext",
        Command::new("pdftotext").arg(file).arg("-"),
        TOOL_TIME,
    );
    String::from_utf8_lossy(&text.stdout).into_owned()
}
