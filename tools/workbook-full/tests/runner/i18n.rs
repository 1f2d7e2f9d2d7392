//! The Chinese edition as a learner and a teacher meet it: its PDF, its minutes and teacher
//! notes, and the pages the book generates, in Chinese. (The catalog's upkeep, `i18n`, is
//! the maintainers' `workbook-dev`'s, and tested there.)

use crate::book_server::BookServer;
use crate::fixture::Course;

/// The demo course with a chapter of prose and its catalog imported from JSON.
fn translated_course() -> Course {
    let course = Course::new().with_chapter_to_translate();
    course.import_translations("zh.json");
    course
}

#[test]
fn the_pdf_of_the_chinese_edition_is_in_chinese() {
    if programs::find_chromium().is_none()
        || programs::find_chromedriver().is_none()
        || programs::find_on_path("pdftotext").is_none()
    {
        return println!(
            "skipped: printing needs Chromium, chromedriver and pdftotext (poppler-utils)"
        );
    }
    let course = translated_course();
    // The course's own script for the printed book's title page.
    let handout = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book/js/handout.js");
    course.write(
        "book/js/handout.js",
        &std::fs::read_to_string(handout).unwrap(),
    );
    let toml = course.read("book/book.toml");
    course.write(
        "book/book.toml",
        &format!("{toml}\n[output.html]\nadditional-js = [\"js/handout.js\"]\n"),
    );
    let pdf = course.path("zh.pdf");
    let (ok, out) = course.run(&["book", "--pdf", pdf.to_str().unwrap(), "--lang", "zh-CN"]);
    assert!(ok, "{out}");
    let mut pdftotext = std::process::Command::new("pdftotext");
    pdftotext.arg(&pdf).arg("-");
    let text = testkit::output_within("`pdftotext zh.pdf -`", &mut pdftotext, testkit::PATIENCE);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("服务作答。"),
        "the PDF is not the Chinese edition:\n{text}"
    );
    assert!(!text.contains("A service answers."), "{text}");
    // The title page (book/js/handout.js) carries the edition's title.
    assert!(
        text.contains("演示课程\n") && text.contains("学员版"),
        "the title page is not Chinese:\n{text}"
    );
    assert!(!text.contains("Demo course"), "{text}");

    let (ok, out) = course.run(&["book", "--pdf", pdf.to_str().unwrap(), "--lang", "fr"]);
    assert!(!ok && out.contains("no `fr` edition"), "{out}");
}

#[test]
fn the_chinese_edition_writes_its_own_minutes_and_teacher_notes_in_chinese() {
    let course = translated_course();
    course.write(
        "book/src/01-demo.md",
        "# Demo\n\nA service answers.\n\n<!-- teacher-notes -->\nShow it.\n<!-- /teacher-notes -->\n",
    );
    course.build_book();
    let page = course.read("book/build/zh-CN/01-demo.html");
    assert!(
        page.contains("约 24 分钟：阅读 1，运行 5，练习 15，讲解参考答案 3。"),
        "{page}"
    );
    assert!(page.contains("<summary>教师注释</summary>"), "{page}");
    let english = course.read("book/build/01-demo.html");
    assert!(
        english.contains(
            "About 24 min: reading 1, running 5, exercises 15, going over the solutions 3."
        ),
        "{english}"
    );
    assert!(
        english.contains("<summary>Teacher notes</summary>"),
        "{english}"
    );
}

/// What the runner and mdBook write into the Chinese edition themselves, rather than
/// translate from the catalog: each chapter's minutes, the teacher notes' label, the
/// schedule page, the search box and its count of results, the 404 page.
#[test]
fn the_pages_the_book_generates_are_chinese_in_the_chinese_edition() {
    let course = translated_course();
    course.write(
        "book/src/01-demo.md",
        "# Demo\n\nA service answers.\n\n<!-- teacher-notes -->\nShow it.\n<!-- /teacher-notes -->\n",
    );
    let summary = course.read("book/src/SUMMARY.md");
    course.write(
        "book/src/SUMMARY.md",
        &format!("{summary}- [Schedule](schedule.md)\n"),
    );
    course.write("book/src/schedule.md", "# Schedule\n\n<!-- schedule -->\n");
    // `book` builds every page before it says where it serves them (in English, which the
    // runner speaks here: the pages are in their edition's language whatever it speaks).
    let _server = BookServer::start_with(
        course.command(&["--lang", "en", "book", "--lang", "zh-CN", "--port", "0"]),
    );
    let page = |name: &str| course.read(&format!("book/build/zh-CN/{name}"));

    let chapter = page("01-demo.html");
    assert!(
        chapter.contains("约 24 分钟：阅读 1，运行 5，练习 15，讲解参考答案 3。"),
        "{chapter}"
    );
    assert!(chapter.contains("<summary>教师注释</summary>"), "{chapter}");
    // The book's title, from book.toml, in the page's title and its menu bar.
    assert!(
        chapter.contains("<title>01 · 演示 - 演示课程</title>"),
        "{chapter}"
    );
    assert!(
        chapter.contains("<h1 class=\"menu-title\">演示课程</h1>"),
        "{chapter}"
    );
    let schedule = page("schedule.html");
    for chinese in ["时间怎么算", "第 1 天", "逐课明细", "当天结束", "24 分钟"] {
        assert!(schedule.contains(chinese), "no {chinese} in\n{schedule}");
    }
    let not_found = page("404.html");
    assert!(not_found.contains("找不到页面（404）"), "{not_found}");
    let searcher = std::fs::read_dir(course.path("book/build/zh-CN"))
        .unwrap()
        .flatten()
        .find(|entry| entry.file_name().to_string_lossy().starts_with("searcher"))
        .map(|entry| std::fs::read_to_string(entry.path()).unwrap())
        .expect("the edition has its search script");
    let english = [
        ("01-demo.html", "About 24 min", chapter.as_str()),
        ("01-demo.html", "Search this book", chapter.as_str()),
        ("01-demo.html", "Demo course", chapter.as_str()),
        ("schedule.html", "How the minutes", schedule.as_str()),
        ("schedule.html", "Lesson by lesson", schedule.as_str()),
        ("schedule.html", "End of the day", schedule.as_str()),
        ("schedule.html", " min", schedule.as_str()),
        ("404.html", "Document not found", not_found.as_str()),
        ("404.html", "Page not found", not_found.as_str()),
        ("404.html", "This URL is invalid", not_found.as_str()),
        ("searcher.js", "search results for", searcher.as_str()),
    ];
    let left: Vec<String> = english
        .iter()
        .filter(|(_, words, text)| text.contains(words))
        .map(|(file, words, _)| format!("{file}: {words}"))
        .collect();
    assert!(left.is_empty(), "English in the zh-CN edition: {left:?}");
}
