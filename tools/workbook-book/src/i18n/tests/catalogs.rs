//! Catalogs: imported with a complete header, read back as written, refused with the file
//! and line of what is wrong, and merged with the English as it changes.

use crate::i18n::po::{self, Catalog, Entry, REQUIRED_HEADER};
use crate::i18n::update;
use crate::testutil::{self, Fixture};

#[test]
fn import_writes_a_catalog_with_a_complete_header() {
    let fx = testutil::translated_book();
    let catalog = po::read_translation(&fx.path().join("book/po/zh-CN.po")).unwrap();
    for field in REQUIRED_HEADER {
        assert!(catalog.header_field(field).is_some(), "{field}");
    }
    assert_eq!(catalog.header_field("Language"), Some("zh-CN"));
    let entry = |msgid: &str| catalog.entries.iter().find(|e| e.msgid == msgid).unwrap();
    assert_eq!(
        entry("A service registers itself.").msgstr,
        "服务注册自己。"
    );
    assert!(entry("A service registers itself.").is_translated());
    assert!(entry("Not translated yet.").msgstr.is_empty());
    // The diagram's label is a message, with where it is and what it is.
    let label = entry("client");
    assert_eq!(
        label.context.as_deref(),
        Some("label"),
        "in the pictures' context"
    );
    assert_eq!(label.references, ["src/01-services.md"]);
    assert_eq!(label.comments, ["a label in a diagram"]);
    assert!(fx.path().join("book/po/messages.pot").is_file());
}

#[test]
fn numbered_translations_take_their_english_from_the_batch() {
    let fx = Fixture::book();
    fx.write("i18n/zh/01-services.json", r#"{"0": "注册中心作答。"}"#);
    fx.write(
        "i18n/batches/01-services.json",
        r#"[{"n": 0, "en": "The registry answers."}]"#,
    );
    let file = fx.path().join("i18n/zh/01-services.json");
    update::import(fx.path(), &[file], None, "zh-CN").unwrap();
    let catalog = po::read_translation(&fx.path().join("book/po/zh-CN.po")).unwrap();
    let entry = catalog
        .entries
        .iter()
        .find(|e| e.msgstr == "注册中心作答。");
    assert_eq!(entry.unwrap().msgid, "The registry answers.");
}

#[test]
fn a_catalog_reads_back_as_written() {
    let catalog = Catalog {
        header: update::new_header("zh-CN"),
        header_line: 0,
        entries: vec![Entry {
            context: Some("label".into()),
            msgid: "two \"lines\"\nand a \\ tab\t".into(),
            msgstr: "两行".into(),
            fuzzy: true,
            references: vec!["src/a.md:3".into(), "src/b.md:9".into()],
            comments: vec!["a label in a diagram".into()],
            line: 0,
        }],
    };
    let written = po::write(&catalog);
    let read = po::parse(&written, "x.po").unwrap();
    assert_eq!(read.header, catalog.header);
    assert_eq!(read.entries.len(), 1);
    let (entry, expected) = (&read.entries[0], &catalog.entries[0]);
    assert_eq!(
        (&entry.context, &entry.msgid, &entry.msgstr, entry.fuzzy),
        (&expected.context, &expected.msgid, &expected.msgstr, true)
    );
    assert_eq!(entry.references, expected.references);
    assert_eq!(entry.comments, expected.comments);
}

#[test]
fn a_bad_catalog_is_an_error_naming_its_file_and_line() {
    let header = "msgid \"\"\nmsgstr \"\"\n\"Language: zh-CN\\n\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n";
    let missing = po::parse(header, "zh-CN.po")
        .and_then(|catalog| po::check_header(&catalog, "zh-CN.po"))
        .unwrap_err();
    assert_eq!(
        missing.to_string(),
        "zh-CN.po:1: the header has no `Project-Id-Version` field"
    );
    for (text, expected) in [
        (
            "msgid \"a\"\nmsgstr \"b\n",
            "zh-CN.po:2: expected a quoted string",
        ),
        (
            "msgid \"a\"\nmsgstr \"b\"\n\n\"c\"\n",
            "zh-CN.po:4: a string outside",
        ),
        ("msgstr \"b\"\n", "zh-CN.po:1: msgstr without a msgid"),
        ("msgid \"a\\q\"\n", "zh-CN.po:1: unknown escape"),
        (
            "msgid \"a\"\nmsgtxt \"b\"\n",
            "zh-CN.po:2: unknown keyword `msgtxt`",
        ),
    ] {
        let err = po::parse(text, "zh-CN.po").unwrap_err().to_string();
        assert!(err.starts_with(expected), "{err}");
    }
}

#[test]
fn merge_keeps_translations_and_marks_changed_english_fuzzy() {
    let entry = |msgid: &str, msgstr: &str| Entry {
        msgstr: msgstr.into(),
        ..Entry::new(msgid)
    };
    let old = Catalog {
        header: update::new_header("zh-CN"),
        header_line: 0,
        entries: vec![
            entry("The registry answers.", "注册中心作答。"),
            entry("A service registers itself.", "服务注册自己。"),
            entry("Gone for good.", "没了。"),
        ],
    };
    let template = Catalog {
        entries: vec![
            entry("The registry answers.", ""),
            entry("A service registers itself in Consul.", ""),
            entry("Something new entirely", ""),
        ],
        ..Catalog::default()
    };
    let merged = update::merge(&old, &template);
    let states: Vec<(&str, bool)> = merged
        .entries
        .iter()
        .map(|e| (e.msgstr.as_str(), e.fuzzy))
        .collect();
    assert_eq!(
        states,
        [
            ("注册中心作答。", false),
            ("服务注册自己。", true),
            ("", false)
        ]
    );
    assert_eq!(merged.header, old.header);
}

#[test]
fn import_keeps_a_translation_of_changed_english_as_fuzzy() {
    let fx = Fixture::book();
    fx.write(
        "zh/old.json",
        r#"{"The registry answers at once.": "注册中心立即作答。", "Gone entirely, nothing alike.": "没了。"}"#,
    );
    update::import(fx.path(), &[fx.path().join("zh/old.json")], None, "zh-CN").unwrap();
    let catalog = po::read_translation(&fx.path().join("book/po/zh-CN.po")).unwrap();
    let entry = catalog
        .entries
        .iter()
        .find(|e| e.msgid == "The registry answers.")
        .unwrap();
    assert_eq!(
        (entry.msgstr.as_str(), entry.fuzzy),
        ("注册中心立即作答。", true)
    );
    assert!(!catalog.entries.iter().any(|e| e.msgstr == "没了。"));
}
