//! The zh-CN edition built from the catalog: linked to the English, noted where stale,
//! titled in Chinese, and the English still built when the catalog is bad.

use crate as book;
use crate::i18n::coverage;
use crate::i18n::po;
use crate::i18n::update;
use crate::testutil::{self, Fixture};

#[test]
fn a_bad_catalog_fails_the_translation_and_leaves_the_english_built() {
    let fx = testutil::translated_book();
    let po_file = fx.path().join("book/po/zh-CN.po");
    let text = std::fs::read_to_string(&po_file).unwrap();
    std::fs::write(&po_file, text.replace("\"Plural-Forms", "\"X-Plural")).unwrap();
    let (dir, editions) = book::build_languages(fx.path(), None).unwrap();
    let err = format!("{:#}", editions.unwrap_err());
    assert!(
        err.contains("zh-CN.po:1: the header has no `Plural-Forms` field"),
        "{err}"
    );
    assert!(dir.join("01-services.html").is_file());
    assert!(book::build(fx.path()).is_err(), "verify sees it");
}

#[test]
fn the_zh_cn_edition_is_built_linked_noted_and_searchable() {
    let fx = testutil::translated_book();
    let dir = book::build(fx.path()).unwrap();
    let read = |page: &str| std::fs::read_to_string(dir.join(page)).unwrap();

    let english = read("01-services.html");
    assert!(
        english.contains("<a class=\"lang-switch\" href=\"zh-CN/01-services.html\""),
        "the English page links to its translation"
    );
    let chinese = read("zh-CN/01-services.html");
    assert!(chinese.contains("<html lang=\"zh-CN\""));
    assert!(chinese.contains("服务注册自己。"), "{chinese}");
    assert!(
        chinese.contains(">客户端</text>"),
        "the label is translated"
    );
    assert!(chinese.contains("<a class=\"lang-switch\" href=\"../01-services.html\""));
    assert!(chinese.contains("<script src=\"search-cjk.js\"></script>"));
    assert!(
        !chinese.contains("i18n-note"),
        "a whole translation has no note"
    );
    let later = read("zh-CN/02-later.html");
    assert!(later.contains("i18n-note"), "{later}");
    assert!(later.contains("<a href=\"../02-later.html\" lang=\"en\">"));

    // The English changes: the page says so, and shows the new English.
    fx.write(
        "book/src/01-services.md",
        "# Services\n\nA service registers itself with Consul.\n\nThe registry answers.\n",
    );
    let dir = book::build(fx.path()).unwrap();
    let stale = std::fs::read_to_string(dir.join("zh-CN/01-services.html")).unwrap();
    assert!(stale.contains("此页英文原文已更新"), "{stale}");
    assert!(stale.contains("A service registers itself with Consul."));
    assert!(stale.contains("注册中心作答。"));

    // Search: the index holds the pairs of the Chinese text.
    let index = std::fs::read_dir(dir.join("zh-CN"))
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("searchindex"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap())
        .unwrap();
    assert!(index.contains("\"服\":{\"df\":"), "{index}");
    assert!(dir.join("zh-CN/search-cjk.js").is_file());
}

/// The book's title and description are messages of the catalog: the zh-CN edition's
/// `<title>`, menu bar and description are the translation's, the English edition's stay.
#[test]
fn the_zh_cn_edition_has_the_translated_title_and_description() {
    let fx = Fixture::book();
    fx.write(
        "book/book.toml",
        "[book]\ntitle = \"Services by hand\"\ndescription = \"A book of services.\"\nsrc = \"src\"\n",
    );
    fx.write(
        "zh/title.json",
        r#"{"Services by hand": "亲手做服务", "A book of services.": "一本关于服务的书。", "Services": "服务"}"#,
    );
    update::import(fx.path(), &[fx.path().join("zh/title.json")], None, "zh-CN").unwrap();
    let catalog = po::read_translation(&fx.path().join("book/po/zh-CN.po")).unwrap();
    let title = catalog
        .entries
        .iter()
        .find(|e| e.msgid == "Services by hand")
        .expect("the title is a message of the catalog");
    assert_eq!(title.references, ["book.toml"]);
    let rows = coverage::chapters(fx.path(), &catalog).unwrap();
    assert_eq!(rows[1].0, "book.toml");
    assert!(rows[1].1.is_complete(), "{rows:?}");

    let dir = book::build(fx.path()).unwrap();
    let read = |page: &str| std::fs::read_to_string(dir.join(page)).unwrap();
    let chinese = read("zh-CN/01-services.html");
    assert!(
        chinese.contains("<title>服务 - 亲手做服务</title>"),
        "{chinese}"
    );
    assert!(
        chinese.contains("<h1 class=\"menu-title\">亲手做服务</h1>"),
        "{chinese}"
    );
    assert!(
        chinese.contains("content=\"一本关于服务的书。\""),
        "{chinese}"
    );
    assert!(!chinese.contains("Services by hand"), "{chinese}");
    // The printed book's title page is made from the print page's title.
    assert!(read("zh-CN/print.html").contains("<title>亲手做服务</title>"));
    let english = read("01-services.html");
    assert!(english.contains("<h1 class=\"menu-title\">Services by hand</h1>"));

    // The English title changes: the edition shows it, and the catalog marks it fuzzy.
    let toml = std::fs::read_to_string(fx.path().join("book/book.toml")).unwrap();
    fx.write("book/book.toml", &toml.replace("by hand", "made by hand"));
    update::extract(fx.path()).unwrap();
    let dir = book::build(fx.path()).unwrap();
    let stale = std::fs::read_to_string(dir.join("zh-CN/01-services.html")).unwrap();
    assert!(
        stale.contains("menu-title\">Services made by hand<"),
        "{stale}"
    );
}

/// The course's own catalog translates its title and description.
#[test]
fn the_course_title_and_description_are_translated() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let config = crate::i18n::config(&root).unwrap();
    let catalog = po::read_translation(&crate::i18n::po_file(&root, "zh-CN")).unwrap();
    let messages = crate::i18n::book_title::messages(&config.book);
    assert_eq!(messages.len(), 2, "the book has a title and a description");
    for (english, what) in messages {
        let translation = catalog
            .entries
            .iter()
            .find(|e| e.msgid == english && e.is_translated())
            .map(|e| e.msgstr.as_str())
            .unwrap_or_else(|| panic!("{what} is not translated: {english}"));
        assert!(
            translation
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{what}: {translation}"
        );
    }
}

#[test]
fn a_word_in_a_picture_is_translated_apart_from_the_same_word_in_the_prose() {
    // The glossary keeps `client` in its English column; the diagram's box says 客户端.
    let fx = Fixture::book();
    fx.write(
        "book/src/01-services.md",
        "# Services\n\n```svgbob\n┌────────┐\n│ client │──▶\n└────────┘\n```\n\n| English |\n|---|\n| client |\n",
    );
    fx.write("zh/01.json", r#"{"Services": "服务", "English": "英文"}"#);
    // A translator's file names the English in the pictures' context by its key.
    fx.write("zh/label.json", r#"{"label\u0004client": "客户端"}"#);
    fx.write("zh/cell.json", r#"{"client": "client"}"#);
    let files = ["zh/01.json", "zh/cell.json", "zh/label.json"].map(|f| fx.path().join(f));
    update::import(fx.path(), &files, None, "zh-CN").unwrap();

    let catalog = po::read_translation(&fx.path().join("book/po/zh-CN.po")).unwrap();
    let client: Vec<_> = catalog
        .entries
        .iter()
        .filter(|e| e.msgid == "client")
        .collect();
    let translations: Vec<_> = client
        .iter()
        .map(|e| (e.context.as_deref(), e.msgstr.as_str()))
        .collect();
    assert_eq!(
        translations,
        [(None, "client"), (Some("label"), "客户端")],
        "two messages: the cell and the label"
    );
    let rows = coverage::chapters(fx.path(), &catalog).unwrap();
    let (_, counts) = rows
        .iter()
        .find(|(page, _)| page == "01-services.md")
        .unwrap();
    assert!(
        counts.is_complete(),
        "both counted, both translated: {counts:?}"
    );

    let dir = book::build(fx.path()).unwrap();
    let chinese = std::fs::read_to_string(dir.join("zh-CN/01-services.html")).unwrap();
    assert!(chinese.contains(">客户端</text>"), "the label: {chinese}");
    assert!(chinese.contains("<td>client</td>"), "the cell: {chinese}");
}
