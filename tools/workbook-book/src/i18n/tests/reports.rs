//! What coverage reports: the note on a stale page, the chapters under their threshold,
//! and the prose that counts.

use std::collections::BTreeMap;

use crate::i18n::coverage::{self, Counts};
use crate::i18n::translate;

#[test]
fn the_note_says_what_is_stale_and_links_the_english() {
    let counts = |translated, fuzzy, untranslated| Counts {
        translated,
        fuzzy,
        untranslated,
    };
    let page = std::path::Path::new("part/07-discover.md");
    assert_eq!(translate::note("zh-CN", &counts(5, 0, 0), page), None);
    let stale = translate::note("zh-CN", &counts(8, 1, 1), page).unwrap();
    assert!(stale.contains("此页英文原文已更新"), "{stale}");
    assert!(
        stale.contains("href=\"../../part/07-discover.html\""),
        "{stale}"
    );
    let new = translate::note("zh-CN", &counts(1, 0, 9), page).unwrap();
    assert!(new.contains("此页尚未翻译"), "{new}");
}

#[test]
fn chapters_under_their_threshold_are_reported() {
    let rows = vec![
        (
            "SUMMARY.md".to_string(),
            Counts {
                translated: 4,
                fuzzy: 0,
                untranslated: 0,
            },
        ),
        (
            "01-tcp.md".to_string(),
            Counts {
                translated: 9,
                fuzzy: 1,
                untranslated: 0,
            },
        ),
        (
            "07-discover.md".to_string(),
            Counts {
                translated: 0,
                fuzzy: 0,
                untranslated: 9,
            },
        ),
    ];
    let thresholds = BTreeMap::from([
        ("SUMMARY.md".to_string(), 100.0),
        ("01-tcp.md".to_string(), 100.0),
    ]);
    assert_eq!(
        coverage::shortfalls(&rows, &thresholds),
        ["01-tcp.md: 90 % translated, under the 100 % it must have"]
    );
}

#[test]
fn prose_leaves_out_code_blocks() {
    let chapter = "# T\n\nSome text.\n\n```rust\n// a comment\nlet x = \"s\";\n```\n\n- an item\n\nText.\n\n    indented \"code\"\n\nMore.\n";
    assert_eq!(
        coverage::prose_messages(chapter),
        ["T", "Some text.", "an item", "Text.", "More."]
    );
}

#[test]
fn a_listings_comments_count_in_rust_and_in_a_language_the_extractor_cannot_read() {
    use crate::i18n::po::{Catalog, Entry};
    let at = |msgid: &str, place: &str| Entry {
        references: vec![place.to_string()],
        ..Entry::new(msgid)
    };
    let catalog = Catalog {
        entries: vec![
            at("// Says hello to one name.", "src/05-grpc.md:40"),
            at(
                "```protobuf\nservice Greeter {\n  // Says hello.\n  rpc SayHello (A) returns (B);\n}\n```",
                "src/05-grpc.md:32",
            ),
            at("\"http://127.0.0.1:7005\"", "src/05-grpc.md:50"),
            at("// Elsewhere.", "src/04-protobuf.md:9"),
        ],
        ..Catalog::default()
    };
    let counted = coverage::listing_comments(&catalog, "05-grpc.md");
    assert_eq!(
        counted.len(),
        2,
        "the comment and the .proto listing: {counted:?}"
    );
    assert!(counted[1].starts_with("```protobuf"));
}
