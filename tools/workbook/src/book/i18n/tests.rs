//! The translated edition on a small book: catalogs read and written, a bad one reported,
//! the zh-CN pages built with their switch, their notes and their Chinese search.

use std::collections::BTreeMap;

use super::coverage::{self, Counts};
use super::po::{self, Catalog, Entry, REQUIRED_HEADER};
use super::{search_cjk, translate, update};
use crate::book;
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
    assert_eq!(label.references, ["src/01-services.md:7"]);
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
        (&entry.msgid, &entry.msgstr, entry.fuzzy),
        (&expected.msgid, &expected.msgstr, true)
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
    let config = super::config(&root).unwrap();
    let catalog = po::read_translation(&super::po_file(&root, "zh-CN")).unwrap();
    let messages = super::book_title::messages(&config.book);
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
fn chinese_text_is_indexed_by_pairs_of_characters() {
    let terms = search_cjk::terms("服务发现 uses 注册中心, 与 gRPC");
    let keys: Vec<&str> = terms.keys().map(String::as_str).collect();
    assert_eq!(keys, ["与", "中心", "册中", "务发", "发现", "服务", "注册"]);

    let script = "window.search = Object.assign(window.search, JSON.parse('{\"index\":{\"documentStore\":{\"docs\":{\"0\":{\"body\":\"服务发现 it\\'s\",\"title\":\"x\"}}},\"index\":{\"body\":{\"root\":{\"docs\":{},\"df\":0}},\"title\":{\"root\":{\"docs\":{},\"df\":0}}}}}'));";
    let rewritten = search_cjk::rewrite_index(script).unwrap();
    assert!(
        rewritten.contains(
            "\"服\":{\"df\":0,\"docs\":{},\"务\":{\"df\":1,\"docs\":{\"0\":{\"tf\":1.0}}}}"
        ),
        "{rewritten}"
    );
    assert!(
        rewritten.contains("it\\'s"),
        "the escaping is kept: {rewritten}"
    );
    assert!(search_cjk::rewrite_index("var x = 1;").is_err());
}

/// What the book's search shows for `query` on `page`, in headless Chromium: the links of
/// its results (None where there is no browser, said so).
pub(crate) async fn search_in_browser(
    root: &std::path::Path,
    html: &std::path::Path,
    page: &str,
    query: &str,
) -> Option<Vec<String>> {
    use fantoccini::Locator;
    use testkit::browser::WINDOW;
    let browser = match testkit::browser::Browser::start(WINDOW.0, WINDOW.1).await {
        Ok(browser) => browser,
        Err(reason) => {
            println!("the browser search is skipped: {reason}");
            return None;
        }
    };
    let client = &browser.client;
    let listener = book::bind(0).await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let server = tokio::spawn(book::serve(
        listener,
        html.to_path_buf(),
        root.to_path_buf(),
    ));
    client
        .goto(&format!("{base}{page}?search={query}"))
        .await
        .unwrap();
    let found = client
        .wait()
        .at_most(std::time::Duration::from_secs(20))
        .for_element(Locator::Css("#mdbook-searchresults li a"))
        .await;
    let mut links = Vec::new();
    if found.is_ok() {
        for link in client
            .find_all(Locator::Css("#mdbook-searchresults li a"))
            .await
            .unwrap()
        {
            links.push(link.attr("href").await.unwrap().unwrap_or_default());
        }
    }
    let _ = client.clone().close().await;
    server.abort();
    Some(links)
}

/// A Chinese word typed into the zh-CN edition's search finds the page that has it.
#[tokio::test]
async fn chinese_search_finds_chinese_words_in_the_browser() {
    let fx = testutil::translated_book();
    let html = book::build(fx.path()).unwrap();
    let Some(links) = search_in_browser(fx.path(), &html, "zh-CN/02-later.html", "注册中心").await
    else {
        println!("the browser search is skipped: no Chromium or chromedriver");
        return;
    };
    assert!(
        links.iter().any(|l| l.contains("01-services.html")),
        "{links:?}"
    );
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

/// In the course's own zh-CN edition, 服务发现 (service discovery) typed into the search
/// finds chapter 07, the chapter about it.
#[tokio::test]
async fn the_real_books_search_finds_service_discovery_in_chapter_07() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("tools/workbook is two folders below the course")
        .to_path_buf();
    let html = book::build(&root).unwrap();
    let links = search_in_browser(&root, &html, "zh-CN/index.html", "服务发现").await;
    let Some(links) = links else {
        println!("the browser search is skipped: no Chromium or chromedriver");
        return;
    };
    assert!(
        links.iter().any(|l| l.contains("07-discover.html")),
        "{links:?}"
    );
}
