//! The book's translations from the command line: `i18n import` writes the catalog,
//! `i18n status` reads it and `i18n extract` follows the English, and a broken catalog is an
//! error that names its line.

use crate::fixture::Course;

/// The demo course with a chapter of prose and its catalog imported from JSON.
fn translated_course() -> Course {
    let course = Course::new().with_chapter_to_translate();
    let file = course.path("zh.json");
    let (ok, out) = course.run(&["i18n", "import", file.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert!(out.contains("zh.json: 5 translations"), "{out}");
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
fn tests_says_so_when_every_message_is_translated() {
    let course = Course::new().with_chinese();
    let (ok, out) = course.run(&["i18n", "tests"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("✓ every test message of 1 lesson has its Chinese in its lesson.zh-CN.toml"),
        "{out}"
    );
}
