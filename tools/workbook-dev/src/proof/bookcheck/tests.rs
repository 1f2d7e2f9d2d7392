use super::*;
use workbook_book::testutil::Fixture;

/// The course's own book: every diagram is drawn whole (a slip fails here, with its
/// chapter, line and column).
#[test]
fn the_books_diagrams_have_no_misdrawings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    assert!(root.join("book/src/SUMMARY.md").is_file());
    let found: Vec<String> = check_diagrams(&root)
        .iter()
        .map(|p| format!("{}: {}", p.location, p.message))
        .collect();
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn accepts_resolving_includes() {
    let fx = Fixture::course();
    assert_eq!(check_includes(fx.path()), []);
}

#[test]
fn reports_missing_files_anchors_and_lines() {
    let fx = Fixture::course();
    fx.write(
        "book/src/02-rpc.md",
        "# RPC\n{{#include ../../lessons/02-rpc/src/gone.rs}}\n{{#include ../../lessons/01-tcp/src/server.rs:nope}}\n{{#include ../../lessons/01-tcp/src/server.rs:2:3}}\n{{#include ../../lessons/01-tcp/src/server.rs:40:}}\n",
    );
    fx.write("lessons/01-tcp/src/half.rs", "// ANCHOR: half\nfn x() {}\n");
    fx.write(
        "book/src/introduction.md",
        "{{#include ../../lessons/01-tcp/src/half.rs:half}}\n",
    );
    let problems = check_includes(fx.path());
    let text: Vec<String> = problems
        .iter()
        .map(|p| format!("{} {}", p.location, p.message))
        .collect();
    assert_eq!(text.len(), 4, "{text:#?}");
    assert!(
        text[0].starts_with(
            "book/src/02-rpc.md:2 includes ../../lessons/02-rpc/src/gone.rs, which does not exist"
        ),
        "{text:#?}"
    );
    assert!(
        text[1].contains(":3 ") && text[1].contains("no `ANCHOR: nope`"),
        "{text:#?}"
    );
    assert!(
        text[2].contains(":5 ") && text[2].contains("from line 40, but it has 3 lines"),
        "{text:#?}"
    );
    assert!(
        text[3].starts_with("book/src/introduction.md:1")
            && text[3].contains("no `ANCHOR_END: half`"),
        "{text:#?}"
    );
}

#[test]
fn summary_must_list_every_lesson_and_only_existing_files() {
    let fx = Fixture::course();
    let course = Course::load(fx.path()).unwrap();
    assert_eq!(check_summary(&course), []);

    fx.write(
        "book/src/SUMMARY.md",
        "# Summary\n\n- [01](01-tcp.md)\n- [Draft]()\n- [Later](99-later.md#part)\n",
    );
    let problems = check_summary(&course);
    let text: Vec<String> = problems
        .iter()
        .map(|p| format!("{} {}", p.location, p.message))
        .collect();
    assert_eq!(
        text,
        [
            "book/src/SUMMARY.md:5 lists 99-later.md, which does not exist",
            "book/src/SUMMARY.md:4 does not list 02-rpc.md, the chapter of lesson `rpc`: add \
             the line «- [02 · RPC from scratch](02-rpc.md)», after line 3 «- [01](01-tcp.md)»",
        ]
    );
}
