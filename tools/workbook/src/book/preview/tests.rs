use super::*;
use workbook_core::testutil::Fixture;

/// The page at `path`, or what was answered instead.
fn page_at(fx: &Fixture, path: &str) -> String {
    match answer(fx.path(), path, Lang::En, "Its server is being built.") {
        Some(Answer::Page(page)) => page,
        other => panic!("{path}: {other:?}"),
    }
}

#[test]
fn a_chapter_is_its_markdown_with_its_listings_in_place() {
    let fx = Fixture::course();
    let page = page_at(&fx, "/01-tcp.html");
    assert!(page.contains("<title>TCP</title>"), "{page}");
    assert!(page.contains(r#"<h1 id="tcp">TCP</h1>"#), "{page}");
    assert!(
        page.contains("fn accept() {}"),
        "the listing is included: {page}"
    );
    assert!(!page.contains("ANCHOR"), "{page}");
    assert!(
        page.contains("Its server is being built."),
        "how far: {page}"
    );
    assert!(
        page.contains("/__workbook/waiting"),
        "it follows the book: {page}"
    );
    assert!(!page.contains("in English"), "{page}");
    // The query and the fragment a browser sends are not part of the page's name.
    assert!(page_at(&fx, "/01-tcp.html?x=1").contains("fn accept() {}"));
}

#[test]
fn the_books_first_page_is_the_first_chapter_of_its_summary() {
    let fx = Fixture::course();
    assert!(page_at(&fx, "/").contains("<h1 id=\"intro\">Intro</h1>"));
    assert!(page_at(&fx, "/index.html").contains("<title>Intro</title>"));
}

#[test]
fn a_translated_editions_chapter_is_the_english_one_saying_so() {
    let fx = Fixture::course();
    // No translation: `/zh-CN/` is no edition of this book.
    assert!(answer(fx.path(), "/zh-CN/01-tcp.html", Lang::En, "").is_none());
    fx.write("book/po/zh-CN.po", "");
    let page = page_at(&fx, "/zh-CN/01-tcp.html");
    assert!(page.contains("fn accept() {}"), "{page}");
    assert!(page.contains("in English"), "{page}");
    let Some(Answer::Page(chinese)) = answer(fx.path(), "/zh-CN/01-tcp.html", Lang::ZhCn, "")
    else {
        panic!("the Chinese edition's chapter");
    };
    assert!(chinese.contains(r#"lang="zh-CN""#), "{chinese}");
    assert!(chinese.contains("英文"), "{chinese}");
}

#[test]
fn links_headings_and_teacher_notes_read_as_in_the_book() {
    let fx = Fixture::course();
    fx.write(
        "book/src/03-more.md",
        "# More & more\n\nSee [the frames](02-rpc.md#frames), [the site](https://example.com/a.md) \
         and [the file](../../lessons/01-tcp/src/exercises/echo.rs).\n\n## Two words\n\n## Two words\n\n\
         | a | b |\n|---|---|\n| 1 | 2 |\n\n<!-- teacher-notes -->\n- **Ask:** why?\n<!-- /teacher-notes -->\n",
    );
    let page = page_at(&fx, "/03-more.html");
    assert!(page.contains("<title>More &amp; more</title>"), "{page}");
    assert!(page.contains(r#"href="02-rpc.html#frames""#), "{page}");
    assert!(
        page.contains(r#"href="https://example.com/a.md""#),
        "{page}"
    );
    assert!(
        page.contains(r#"href="../../lessons/01-tcp/src/exercises/echo.rs""#),
        "{page}"
    );
    assert!(page.contains(r#"<h2 id="two-words">"#), "{page}");
    assert!(page.contains(r#"<h2 id="two-words-1">"#), "{page}");
    assert!(page.contains("<table>"), "{page}");
    assert!(
        page.contains(r#"<details class="teacher-notes"><summary>Teacher notes</summary>"#),
        "{page}"
    );
}

#[test]
fn the_files_a_chapter_shows_or_links_to_are_answered_and_nothing_beside() {
    let fx = Fixture::course();
    fx.write("book/src/images/a.svg", "<svg></svg>");
    fx.write("lessons/01-tcp/.hidden/secret.rs", "no");
    match answer(
        fx.path(),
        "/lessons/01-tcp/src/exercises/echo.rs",
        Lang::En,
        "",
    ) {
        Some(Answer::File {
            content_type,
            bytes,
        }) => {
            assert_eq!(content_type, "text/plain; charset=utf-8");
            assert!(String::from_utf8(bytes).unwrap().contains("todo!()"));
        }
        other => panic!("the exercise's file: {other:?}"),
    }
    for edition in ["", "/zh-CN"] {
        fx.write("book/po/zh-CN.po", "");
        match answer(fx.path(), &format!("{edition}/images/a.svg"), Lang::En, "") {
            Some(Answer::File { content_type, .. }) => assert_eq!(content_type, "image/svg+xml"),
            other => panic!("{edition}/images/a.svg: {other:?}"),
        }
    }
    for refused in [
        "/lessons/../Cargo.toml",
        "/lessons/01-tcp/.hidden/secret.rs",
        "/lessons/01-tcp/src/missing.rs",
        "/lessons/01-tcp/src",
        "/Cargo.toml",
        "/book.toml",
        "/../book.toml",
        "/SUMMARY",
        "/missing.html",
        "/sub/01-tcp.html",
        "/01 tcp.html",
        "/images/../../../Cargo.toml.png",
        "/print.html",
        "/wire",
        "",
    ] {
        let answered = answer(fx.path(), refused, Lang::En, "");
        assert!(answered.is_none(), "{refused}: {answered:?}");
    }
}
