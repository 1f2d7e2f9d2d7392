//! The dashboard in headless Chromium, as the book's pages are checked: it loads in each
//! language, a verdict sent after it loaded shows in its cell without a reload, a hostile
//! name shows as the characters it is, and nothing on it raised an error.

use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::Value;

use super::{Running, batch};
use crate::fixture::Course;

/// Runs `script` in the page until it returns something other than `null`.
async fn until(client: &Client, what: &str, script: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let value = client.execute(script, Vec::new()).await.unwrap();
        if !value.is_null() {
            return value;
        }
        assert!(Instant::now() < deadline, "the page never showed {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_dashboard_shows_each_verdict_live_in_both_languages() {
    use testkit::browser::WINDOW;
    let browser = match testkit::browser::Browser::start(WINDOW.0, WINDOW.1).await {
        Ok(browser) => browser,
        Err(reason) => return println!("skipped: {reason}"),
    };
    let client = &browser.client;
    for (lang, learner_word) in [("en", "Learner"), ("zh-CN", "学员")] {
        let course = Course::new();
        let server = Running::start(&course, "127.0.0.1:0", lang);
        let hostile = "<script>alert(1)</script>";
        let token = server.join(hostile);
        client
            .goto(&format!("{}/?token={}", server.url, server.teacher))
            .await
            .unwrap();
        // Loaded, connected, its words in the teacher's language, the token out of sight.
        until(
            client,
            "the grid",
            "return document.body.dataset.messages >= 1 ? true : null;",
        )
        .await;
        let heading = client
            .execute(
                "return [document.documentElement.lang, document.querySelector('#grid th').textContent, location.search];",
                Vec::new(),
            )
            .await
            .unwrap();
        assert_eq!(
            heading,
            serde_json::json!([lang, learner_word, ""]),
            "{lang}"
        );

        // A verdict after the page loaded shows in its cell, with no reload.
        let answer = server.post("/api/verdicts", Some(&token), &batch(1, "demo.add", false));
        assert_eq!(answer.status, 200, "{}", answer.body);
        let state = until(
            client,
            "the verdict",
            "const cell = document.querySelector('#grid td[data-exercise=\"demo.add\"]');\
             return cell && cell.dataset.state === 'failing' ? cell.dataset.state : null;",
        )
        .await;
        assert_eq!(state, "failing");
        // The name is text: shown as its characters, never run as markup.
        let shown = client
            .execute(
                "return [document.querySelector('#grid td.name').textContent, \
                 document.querySelectorAll('#grid script, #stuck script').length, \
                 document.querySelector('#stuck td.message').textContent];",
                Vec::new(),
            )
            .await
            .unwrap();
        assert_eq!(
            shown,
            serde_json::json!([hostile, 0, "not yet implemented: add a and b"]),
            "{lang}"
        );
        let errors = client
            .execute("return window.pageErrors || [];", Vec::new())
            .await
            .unwrap();
        assert_eq!(errors, serde_json::json!([]), "errors on the {lang} page");
    }
    let _ = client.clone().close().await;
}
