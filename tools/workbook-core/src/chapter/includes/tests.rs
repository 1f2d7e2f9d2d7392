use super::*;

#[test]
fn reads_include_forms_as_mdbook_does() {
    let text = "a\n{{#include ../x.rs:accept}}\n{{ #include ../y.rs }}\n{{#include z.rs:10:20}} {{#include z.rs:10:}}\n{{#include z.rs::5}}\n\\{{#include escaped.rs}}\n{{#rustdoc_include w.rs:main}}\n{{#title T}}\n";
    let found = find_includes(text);
    let simple: Vec<(usize, &str, Selector)> = found
        .iter()
        .map(|i| (i.line, i.path.as_str(), i.selector.clone()))
        .collect();
    assert_eq!(
        simple,
        [
            (2, "../x.rs", Selector::Anchor("accept".into())),
            (3, "../y.rs", Selector::Whole),
            (4, "z.rs", Selector::Lines(Some(10))),
            (4, "z.rs", Selector::Lines(Some(10))),
            (5, "z.rs", Selector::Lines(None)),
            (7, "w.rs", Selector::Anchor("main".into())),
        ]
    );
}

#[test]
fn a_chapter_expanded_has_its_listings_in_place() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("server.rs"),
        "use x;\n// ANCHOR: serve\nfn serve() {\n    // ANCHOR: inner\n    accept();\n    // ANCHOR_END: inner\n}\n// ANCHOR_END: serve\n",
    )
    .unwrap();
    let chapter = "# One\n\n```rust\n{{#include server.rs:serve}}\n```\n\nThen {{#include server.rs:inner}} and \\{{#include server.rs}}.\n\n{{#include missing.rs:gone}}\n";
    assert_eq!(
        expand(chapter, dir.path()),
        "# One\n\n```rust\nfn serve() {\n    accept();\n}\n```\n\nThen     accept(); and \\{{#include server.rs}}.\n\n{{#include missing.rs:gone}}\n"
    );
    assert_eq!(expand("no includes\n", dir.path()), "no includes\n");
}
