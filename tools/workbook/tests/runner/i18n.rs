//! The book's translations from the command line: `i18n import` writes the catalog,
//! `i18n status` and `book` read it, and a broken catalog is an error that names its line.

use crate::fixture::Course;

/// The demo course with a chapter of prose and its catalog imported from JSON.
fn translated_course() -> Course {
    let course = Course::new();
    course.write(
        "book/src/01-demo.md",
        "# Demo\n\nA service answers.\n\nAnother paragraph.\n",
    );
    course.write(
        "zh.json",
        r#"{"Summary": "目录", "01 · Demo": "01 · 演示", "Demo": "演示", "A service answers.": "服务作答。"}"#,
    );
    let file = course.path("zh.json");
    let (ok, out) = course.run(&["i18n", "import", file.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert!(out.contains("zh.json: 4 translations"), "{out}");
    course
}

#[test]
fn import_writes_the_catalog_and_status_holds_it_to_its_threshold() {
    let course = translated_course();
    let catalog = course.read("book/po/zh-CN.po");
    assert!(catalog.contains("\"Language: zh-CN\\n\""), "{catalog}");
    assert!(catalog.contains("\"Plural-Forms: nplurals=1; plural=0;\\n\""));
    assert!(catalog.contains("msgid \"A service answers.\"\nmsgstr \"服务作答。\""));
    assert!(course.path("book/po/messages.pot").is_file());

    course.write("book/po/thresholds.toml", "[zh-CN]\n\"01-demo.md\" = 100\n");
    let (ok, out) = course.run(&["i18n", "status"]);
    assert!(!ok, "{out}");
    assert!(
        out.contains("✗ zh-CN 01-demo.md") && out.contains("66.7 % translated"),
        "{out}"
    );
    let (_, missing) = course.run(&["i18n", "status", "--missing", "01-demo.md"]);
    assert!(
        missing.contains("zh-CN untranslated: Another paragraph."),
        "{missing}"
    );
}

#[test]
fn extract_marks_a_translation_fuzzy_when_its_english_changes() {
    let course = translated_course();
    course.write(
        "book/src/01-demo.md",
        "# Demo\n\nA service answers quickly.\n\nAnother paragraph.\n",
    );
    let (ok, out) = course.run(&["i18n", "extract"]);
    assert!(ok, "{out}");
    assert!(out.contains("1 fuzzy"), "{out}");
    let catalog = course.read("book/po/zh-CN.po");
    assert!(
        catalog.contains("#, fuzzy\nmsgid \"A service answers quickly.\"\nmsgstr \"服务作答。\""),
        "{catalog}"
    );
}

#[test]
fn a_broken_catalog_is_named_with_its_line() {
    let course = translated_course();
    let catalog = course.read("book/po/zh-CN.po");
    course.write(
        "book/po/zh-CN.po",
        &catalog.replace("msgstr \"服务作答。\"", "msgstr \"服务作答。"),
    );
    let (ok, out) = course.run(&["i18n", "status"]);
    assert!(!ok, "{out}");
    let line = catalog
        .lines()
        .position(|l| l == "msgstr \"服务作答。\"")
        .unwrap()
        + 1;
    assert!(
        out.contains(&format!("zh-CN.po:{line}: expected a quoted string")),
        "{out}"
    );
    assert!(!out.contains("panicked"), "{out}");
}

#[test]
fn the_pdf_of_the_chinese_edition_is_in_chinese() {
    let have = |program: &str| {
        std::process::Command::new("sh")
            .args(["-c", &format!("command -v {program}")])
            .output()
            .is_ok_and(|out| out.status.success())
    };
    if !(have("chromium") || std::env::var_os("CHROME").is_some()) || !have("pdftotext") {
        return println!("skipped: printing needs Chromium and pdftotext (poppler-utils)");
    }
    let course = translated_course();
    let pdf = course.path("zh.pdf");
    let (ok, out) = course.run(&["book", "--pdf", pdf.to_str().unwrap(), "--lang", "zh-CN"]);
    assert!(ok, "{out}");
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("服务作答。"),
        "the PDF is not the Chinese edition:\n{text}"
    );
    assert!(!text.contains("A service answers."), "{text}");

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
    let (_, out) = course.run(&["verify", "--book"]);
    let page = course.read("book/build/zh-CN/01-demo.html");
    assert!(
        page.contains("约 20 分钟：阅读 5，运行 5，练习 10。"),
        "{out}\n{page}"
    );
    assert!(page.contains("<summary>教师注释</summary>"), "{page}");
    let english = course.read("book/build/01-demo.html");
    assert!(
        english.contains("About 20 min: reading 5, running 5, exercises 10."),
        "{english}"
    );
    assert!(
        english.contains("<summary>Teacher notes</summary>"),
        "{english}"
    );
}
