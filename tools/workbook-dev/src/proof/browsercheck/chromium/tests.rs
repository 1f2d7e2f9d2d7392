use super::*;
use workbook_book::testutil::{self, Fixture};

/// A chapter with one of each thing the check looks for, and a page that is fine.
#[tokio::test]
pub(super) async fn finds_what_a_reader_would_find_broken() {
    let fx = Fixture::course();
    let wide_code = format!(
        "fn wide() -> &'static str {{\n    \"{}\"\n}}",
        "x".repeat(110)
    );
    let wide_drawing = format!("┌{}┐\n└{}┘", "─".repeat(110), "─".repeat(110));
    // A table too wide for the column (mdBook's wrapper scrolls it), a box that cuts
    // off its words, one that passes the column, and one that scrolls on purpose.
    let wide_table = format!("| Go | Rust |\n|---|---|\n| `{}` | x |", "y".repeat(120));
    let boxes = format!(
        "<div style=\"overflow-x: hidden; white-space: nowrap\">cut {}</div>\n\n\
         <div style=\"width: 1500px\">too wide</div>\n\n\
         <div style=\"overflow-x: auto\"><div style=\"width: 1500px\">scrolls</div></div>",
        "z".repeat(200)
    );
    fx.write(
        "book/src/02-rpc.md",
        &format!(
            "# RPC\n\n[gone](gone.md), [nowhere](#nowhere), [fine](01-tcp.md), \
             [the file](../../lessons/01-tcp/src/exercises/echo.rs)\n\n\
             ![a picture](missing.png)\n\n```rust\n{wide_code}\n```\n\n\
             ```svgbob\n{wide_drawing}\n```\n\n```svgbob\n┌──┐\n└──┘\n```\n\n\
             {{{{#include nothing.rs}}}}\n\n{wide_table}\n\n{boxes}\n"
        ),
    );
    let html = book::build(fx.path()).unwrap();
    let (pages, problems) = match run(fx.path(), &html).await {
        BrowserCheck::Ran {
            pages, problems, ..
        } => (pages, problems),
        BrowserCheck::Skipped(reason) => {
            // As in `verify`: said, never silent.
            println!("the browser check is skipped: {reason}");
            return;
        }
    };
    assert_eq!(pages, 3);
    let found: Vec<String> = problems
        .iter()
        .map(|p| format!("{}: {}", p.location, p.message))
        .collect();
    let expected = [
        "book/src/02-rpc.md: an unresolved {{#include shows on the page",
        "book/src/02-rpc.md: the image missing.png does not load",
        "book/src/02-rpc.md: the link gone.html leads nowhere (HTTP 404)",
        "book/src/02-rpc.md: the link #nowhere points to #nowhere, which its page does not have",
        "book/src/02-rpc.md: a listing needs ",
        "book/src/02-rpc.md: a diagram is ",
        "book/src/02-rpc.md: a table needs ",
        "book/src/02-rpc.md: a <div> hides ",
        "book/src/02-rpc.md: a <div> is 1500 px wide and passes the ",
        // In a phone's window the table and the listing scroll in their own boxes, and
        // that is fine; the rest still does not fit (this book has no stylesheet that
        // shrinks its diagrams).
        "book/src/02-rpc.md: in a 390 px window, a diagram is ",
        "book/src/02-rpc.md: in a 390 px window, a <div> hides ",
        "book/src/02-rpc.md: in a 390 px window, a <div> is 1500 px wide and passes the ",
    ];
    for start in expected {
        assert!(
            found.iter().any(|f| f.starts_with(start)),
            "no {start:?} in {found:#?}"
        );
    }
    assert_eq!(found.len(), expected.len(), "{found:#?}");
}

#[test]
pub(super) fn pages_follow_the_summary() {
    let fx = Fixture::course();
    fx.write(
        "book/src/SUMMARY.md",
        "# Summary\n\n[Intro](introduction.md)\n- [01](01-tcp.md)\n- [Draft]()\n- [A](more/a.md)\n",
    );
    assert_eq!(
        chapter_pages(fx.path()),
        [
            (
                "introduction.html".into(),
                "book/src/introduction.md".into()
            ),
            ("01-tcp.html".into(), "book/src/01-tcp.md".into()),
            ("more/a.html".into(), "book/src/more/a.md".into()),
        ]
    );
}

/// Both editions in headless Chromium: the pages load, and each language switch leads to the
/// same page in the other language.
#[tokio::test]
async fn both_editions_pass_the_browser_check() {
    let fx = testutil::translated_book();
    let html = book::build(fx.path()).unwrap();
    match super::run(fx.path(), &html).await {
        BrowserCheck::Ran {
            pages, problems, ..
        } => {
            let found: Vec<String> = problems
                .iter()
                .map(|p| format!("{}: {}", p.location, p.message))
                .collect();
            assert_eq!(found, Vec::<String>::new());
            assert_eq!(pages, 4, "two chapters in two languages");
        }
        BrowserCheck::Skipped(reason) => println!("the browser check is skipped: {reason}"),
    }
}

/// The book's search, asked as a reader asks it: a Chinese word found on its page, and a
/// search that finds nothing said as a problem.
#[tokio::test]
async fn a_search_that_does_not_find_its_chapter_is_a_problem() {
    let fx = testutil::translated_book();
    let html = book::build(fx.path()).unwrap();
    let Some(browser) = Browser::or_skip(WINDOW.0, WINDOW.1).await else {
        return;
    };
    let pages = chapter_pages(fx.path());
    let searches = [
        Search {
            on: "zh-CN/02-later.html",
            query: "注册中心",
            finds: "01-services.html",
        },
        Search {
            on: "zh-CN/02-later.html",
            query: "注册中心",
            finds: "02-later.html",
        },
        // Not a chapter of this book: not asked.
        Search {
            on: "zh-CN/index.html",
            query: "服务发现",
            finds: "07-discover.html",
        },
    ];
    let problems = check_pages(&browser.client, fx.path(), &html, &pages, &searches)
        .await
        .unwrap();
    let searched: Vec<String> = problems
        .iter()
        .filter(|p| p.location.starts_with("the book's search"))
        .map(|p| p.message.clone())
        .collect();
    assert_eq!(searched.len(), 1, "{searched:#?}");
    assert!(
        searched[0].starts_with("注册中心 does not find zh-CN/02-later.html"),
        "{searched:#?}"
    );
    let _ = browser.client.clone().close().await;
}
