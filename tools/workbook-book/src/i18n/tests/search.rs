//! Search in Chinese: the index holds pairs of characters, and a word typed into the
//! zh-CN edition's search, in a real browser, finds its page. (The real book's search is
//! asked by `verify`'s browser check, on the book it builds: its chromium.rs `SEARCHES`.)

use crate as book;
use crate::i18n::search_cjk;
use crate::testutil;

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
    let browser = testkit::browser::Browser::or_skip(WINDOW.0, WINDOW.1).await?;
    let client = &browser.client;
    let listener = book::bind(0).await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let server = tokio::spawn(book::serve(
        listener,
        html.to_path_buf(),
        root.to_path_buf(),
        axum::Router::new(),
    ));
    client
        .goto(&format!("{base}{page}?search={query}"))
        .await
        .unwrap();
    // Waited for as an event: the results appear once the page has loaded its search
    // index. A few seconds on a quiet machine; under CI's parallel tests (other browsers,
    // a build beside it) once over 20 s, so the bound is a minute.
    let found = client
        .wait()
        .at_most(std::time::Duration::from_secs(60))
        .for_element(Locator::Css("#mdbook-searchresults li a"))
        .await;
    let mut links = Vec::new();
    if let Err(error) = &found {
        // What the page shows instead, for the failure to say: whether it loaded, whether
        // its search index did, and what the results' heading reads.
        let seen = client
            .execute(
                "return [document.readyState, location.href, typeof window.search, \
                 (document.querySelector('#mdbook-searchresults-header') || {}).innerText];",
                vec![],
            )
            .await;
        eprintln!("no search result for {query:?} on {page} within a minute ({error}): {seen:?}");
    }
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
