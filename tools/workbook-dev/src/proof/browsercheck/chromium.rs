//! Driving Chromium (started by testkit's `Browser`): one headless session in the check's
//! window, and every chapter loaded and looked at by `browsercheck.js`; then the book's
//! search asked what a reader would ask it ([`SEARCHES`]).

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use testkit::browser::{Browser, PHONE, WINDOW};

use super::BrowserCheck;
use crate::proof::bookcheck;
use workbook_book as book;
use workbook_core::problem::Problem;

/// What runs in each page and returns its problems, one sentence each.
pub(super) const PAGE_CHECK: &str = include_str!("browsercheck.js");

/// What a reader types into the book's search, on which page, and the chapter it must
/// find: in the zh-CN edition, 服务发现 (service discovery) finds chapter 07, the chapter
/// about it. mdBook's index splits words at spaces, which Chinese has none of; the book
/// indexes pairs of characters instead (`workbook_book::i18n::search_cjk`), and this is that
/// index, in the real book, in a real browser. A search whose chapter the book does not have
/// (a smaller book's check) is not asked.
const SEARCHES: &[Search] = &[Search {
    on: "zh-CN/index.html",
    query: "服务发现",
    finds: "07-discover.html",
}];

/// A reader's search: typed on the page `on`, `query` finds the chapter `finds` (a page of
/// the same edition).
pub(super) struct Search {
    pub(super) on: &'static str,
    pub(super) query: &'static str,
    pub(super) finds: &'static str,
}

/// How long one look at the search's results may take to show: a few seconds on a quiet
/// machine (the page loads its index first). A search is given two looks ([`search`]).
const SEARCH_PATIENCE: Duration = Duration::from_secs(30);

/// The whole check's limit, five times its quiet run and more: the book's 46 pages at both
/// window sizes take 50 s on two quiet cores (`verify --book`), and the test command runs
/// them beside the lab chapters, where they took 51–77 s and once over 120 s (at the idle
/// priority) on a slower machine of two cores. A hang still ends here.
pub(super) const TIME_LIMIT: Duration = Duration::from_secs(300);

/// Checks every chapter of the book built into `html_dir`, served with the sources under `root`.
pub async fn run(root: &Path, html_dir: &Path) -> BrowserCheck {
    let started = Instant::now();
    let browser = match Browser::start(WINDOW.0, WINDOW.1).await {
        Ok(browser) => browser,
        Err(reason) => return BrowserCheck::Skipped(reason),
    };
    let client = &browser.client;

    let pages = chapter_pages(root);
    let checking = check_pages(client, root, html_dir, &pages, SEARCHES);
    let checked = tokio::time::timeout(TIME_LIMIT, checking)
        .await
        .unwrap_or_else(|_| bail!("the pages took longer than {} s", TIME_LIMIT.as_secs()));
    // Closing the session ends Chromium; dropping the browser ends chromedriver.
    let _ = client.clone().close().await;
    drop(browser);

    let problems = checked.unwrap_or_else(|err| {
        vec![Problem {
            location: "the browser check".into(),
            message: format!("{err:#}"),
        }]
    });
    BrowserCheck::Ran {
        pages: pages.len(),
        windows: [WINDOW, PHONE],
        problems,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// Each chapter's page in the built book and its source, in the order of `SUMMARY.md`:
/// `("01-tcp.html", "book/src/01-tcp.md")`.
/// Then the same pages of each translated edition: `("zh-CN/01-tcp.html", "book/src/01-tcp.md
/// (zh-CN)")`.
pub(super) fn chapter_pages(root: &Path) -> Vec<(String, String)> {
    let summary = std::fs::read_to_string(root.join("book/src/SUMMARY.md")).unwrap_or_default();
    let english: Vec<(String, String)> = bookcheck::summary_links(&summary)
        .into_iter()
        .filter_map(|(_, chapter)| {
            let page = chapter.strip_suffix(".md")?;
            Some((format!("{page}.html"), format!("book/src/{chapter}")))
        })
        .collect();
    let translated = workbook_book::i18n::translated(root)
        .into_iter()
        .flat_map(|lang| {
            english
                .iter()
                .map(move |(page, source)| (format!("{lang}/{page}"), format!("{source} ({lang})")))
        });
    let translated: Vec<_> = translated.collect();
    english.into_iter().chain(translated).collect()
}

/// Serves the book on a free loopback port, checks each page in the browser, then asks its
/// search each of `searches` whose chapter is among the pages.
pub(super) async fn check_pages(
    client: &Client,
    root: &Path,
    html_dir: &Path,
    pages: &[(String, String)],
    searches: &[Search],
) -> Result<Vec<Problem>> {
    let listener = book::bind(0).await?;
    let base = format!("http://{}/", listener.local_addr()?);
    // The book alone, as the session's book server serves it: the chapters are the pages.
    let server = tokio::spawn(book::serve(
        listener,
        html_dir.to_path_buf(),
        root.to_path_buf(),
        book::Views::none().routes,
    ));
    let mut problems = Vec::new();
    // A laptop's window first, with everything fitting; then a phone's, where listings and
    // tables may scroll inside their boxes but nothing else passes the column.
    for (window, narrow) in [(WINDOW, false), (PHONE, true)] {
        client.set_window_size(window.0, window.1).await?;
        for (page, source) in pages {
            let url = format!("{base}{page}");
            let mut found = check_page(client, &url, narrow).await;
            // A page looked at while the machine is loaded has once measured a zh-CN table
            // too wide, its fallback font not yet settled; a real problem is there on a
            // second look too, so only what the second look finds is said.
            if found.as_ref().is_ok_and(|found| !found.is_empty()) {
                found = check_page(client, &url, narrow).await;
            }
            let found = found.unwrap_or_else(|err| vec![format!("{page}: {err:#}")]);
            problems.extend(found.into_iter().map(|message| Problem {
                location: source.clone(),
                message: if narrow {
                    format!("in a {} px window, {message}", window.0)
                } else {
                    message
                },
            }));
        }
    }
    client.set_window_size(WINDOW.0, WINDOW.1).await?;
    for Search { on, query, finds } in searches {
        let edition = on.rsplit_once('/').map_or("", |(edition, _)| edition);
        let wanted = format!("{edition}/{finds}")
            .trim_start_matches('/')
            .to_string();
        if !pages.iter().any(|(chapter, _)| *chapter == wanted) {
            continue;
        }
        let said = match search(client, &format!("{base}{on}"), query).await? {
            Found::Links(links) if links.iter().any(|link| link.contains(finds)) => continue,
            Found::Links(links) => format!("it finds {links:?}"),
            Found::Nothing(seen) => format!(
                "no results showed within {} s on either of two looks; the page: {seen}",
                SEARCH_PATIENCE.as_secs()
            ),
        };
        problems.push(Problem {
            location: format!("the book's search ({on})"),
            message: format!("{query} does not find {wanted}; {said}"),
        });
    }
    server.abort();
    Ok(problems)
}

/// What the book's search showed for a query: the links of its results, or, when none
/// showed on either look, what the page said instead.
enum Found {
    Links(Vec<String>),
    Nothing(String),
}

/// Asks the book's search for `query` on the page at `url`.
///
/// The results appear once the page has run its search scripts and loaded its index: waited
/// for as an event. On a loaded machine, a page has once come up whose scripts had never
/// run (no query in the bar, no index asked for, for a whole minute) while the same search
/// a moment later found its chapter; so a search that shows nothing is asked again on the
/// page loaded anew, and only what that second look shows is said, with what the first saw.
async fn search(client: &Client, url: &str, query: &str) -> Result<Found> {
    client.goto(&format!("{url}?search={query}")).await?;
    let first = match results(client).await? {
        Found::Links(links) => return Ok(Found::Links(links)),
        Found::Nothing(seen) => seen,
    };
    client.refresh().await?;
    Ok(match results(client).await? {
        Found::Links(links) => Found::Links(links),
        Found::Nothing(seen) => Found::Nothing(format!("{seen}; on the first look: {first}")),
    })
}

/// The links the search shows on the page now, waited for [`SEARCH_PATIENCE`].
async fn results(client: &Client) -> Result<Found> {
    let results = Locator::Css("#mdbook-searchresults li a");
    if client
        .wait()
        .at_most(SEARCH_PATIENCE)
        .for_element(results)
        .await
        .is_err()
    {
        let seen = client.execute(SEARCH_STATE, vec![]).await?;
        return Ok(Found::Nothing(seen.to_string()));
    }
    let mut links = Vec::new();
    for link in client.find_all(results).await? {
        links.push(link.attr("href").await?.unwrap_or_default());
    }
    Ok(Found::Links(links))
}

/// What a search that shows no results has come to, said when it fails: the document's
/// state, its header ("No search results for …"), the query in the bar, whether the index
/// was asked for and has loaded, whether the Chinese query cutting (`search-cjk.js`) is in
/// place, and the page's scripts that have not loaded (none has a timing entry).
const SEARCH_STATE: &str = r#"
const byId = (id) => document.getElementById(id);
const scripts = Array.from(document.scripts).filter((s) => s.src);
return {
  url: location.href,
  readyState: document.readyState,
  header: byId("mdbook-searchresults-header")?.innerText ?? null,
  bar: byId("mdbook-searchbar")?.value ?? null,
  barClasses: byId("mdbook-searchbar-outer")?.className ?? null,
  indexAsked: byId("mdbook-search-index")?.src ?? null,
  indexLoaded: Boolean(window.search && window.search.index),
  cjkCutting: typeof elasticlunr !== "undefined" && String(elasticlunr.tokenizer).includes("flatMap"),
  scripts: scripts.map((s) => s.src.split("/").pop()),
  notLoaded: scripts
    .filter((s) => performance.getEntriesByName(s.src).length === 0)
    .map((s) => s.src.split("/").pop()),
};
"#;

pub(super) async fn check_page(client: &Client, url: &str, narrow: bool) -> Result<Vec<String>> {
    client.goto(url).await?;
    let found = client
        .execute(PAGE_CHECK, vec![json!({ "narrow": narrow })])
        .await?;
    let Value::Array(found) = found else {
        bail!("the page check returned {found}");
    };
    Ok(found
        .into_iter()
        .map(|problem| match problem {
            Value::String(text) => text,
            other => other.to_string(),
        })
        .collect())
}

#[cfg(test)]
mod tests;
