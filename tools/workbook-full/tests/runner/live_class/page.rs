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
        if Instant::now() >= deadline {
            let shown = client
                .execute("return document.body.innerText.slice(0, 2000);", Vec::new())
                .await
                .unwrap_or_default();
            panic!("the page never showed {what}; it showed:\n{shown}");
        }
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

/// What the page at its size shows of a room: the rows' and the grid's extent, the
/// exercises in the grid, the stuck list's names, the export links.
pub(super) const MEASURE: &str = "const rows = [...document.querySelectorAll('#grid tbody tr')];\
    const grid = document.querySelector('#grid').getBoundingClientRect();\
    return { height: innerHeight, width: innerWidth, rows: rows.length,\
      lastBottom: rows.length ? rows[rows.length - 1].getBoundingClientRect().bottom : 0,\
      gridRight: grid.right,\
      columns: [...document.querySelectorAll('#grid th.exercise')].map((th) => th.textContent),\
      stuck: [...document.querySelectorAll('#stuck td.name')].map((td) => td.textContent),\
      links: [document.getElementById('csv').href, document.getElementById('json').href] };";

#[tokio::test]
async fn the_wall_shows_a_room_of_thirty_at_both_sizes() {
    for (width, height) in [(1366, 768), (1024, 768)] {
        let browser = match testkit::browser::Browser::start(width, height).await {
            Ok(browser) => browser,
            Err(reason) => return println!("skipped: {reason}"),
        };
        let client = &browser.client;
        // Two lessons; the room is on the first.
        let course = Course::new()
            .with_second_exercise()
            .with_second_lesson(false);
        let server = Running::start(&course, "127.0.0.1:0", "en");
        // Thirty learners: ten failing demo.add (checked alone), ten who passed it, ten
        // whose lesson check failed both stubs (started on nothing).
        for n in 0..30 {
            let token = server.join(&format!("Learner {n:02} Lovelace"));
            let body = match n % 3 {
                0 => batch(1, "demo.add", false),
                1 => batch(1, "demo.add", true),
                _ => {
                    batch(1, "demo.triple", false).replace("\"current\":true", "\"current\":false")
                }
            };
            let answer = server.post("/api/verdicts", Some(&token), &body);
            assert_eq!(answer.status, 200, "{}", answer.body);
        }
        client
            .goto(&format!("{}/?token={}", server.url, server.teacher))
            .await
            .unwrap();
        until(
            client,
            "thirty rows",
            "return document.querySelectorAll('#grid tbody tr').length === 30 ? true : null;",
        )
        .await;
        let seen = client.execute(MEASURE, Vec::new()).await.unwrap();
        let at = format!("{width}×{height}: {seen}");
        assert_eq!(seen["rows"], 30, "{at}");
        assert!(
            seen["lastBottom"].as_f64().unwrap() <= seen["height"].as_f64().unwrap(),
            "every learner's row on screen, {at}"
        );
        assert!(
            seen["gridRight"].as_f64().unwrap() <= seen["width"].as_f64().unwrap(),
            "{at}"
        );
        // The lessons the room is on: demo's exercises, not lesson two's.
        assert_eq!(
            seen["columns"],
            serde_json::json!(["add", "triple"]),
            "{at}"
        );
        // Stuck: the ten failing the exercise they are on, no one for a lesson's stubs.
        assert_eq!(seen["stuck"].as_array().unwrap().len(), 10, "{at}");
        // No link on the wall carries the teacher's token.
        for link in seen["links"].as_array().unwrap() {
            assert!(!link.as_str().unwrap().contains(&server.teacher), "{at}");
        }

        // On the wall, initials or seat numbers next to "stuck", never names.
        for (show, pattern) in [("initials", "^[A-Z0-9.]+$"), ("seats", "^seat \\d+$")] {
            let script = format!(
                "const s = document.getElementById('show'); s.value = '{show}'; s.dispatchEvent(new Event('change'));\
                 return null;"
            );
            client.execute(&script, Vec::new()).await.unwrap();
            let check = format!(
                "const names = [...document.querySelectorAll('#stuck td.name')].map((td) => td.textContent);\
                 return names.length === 10 && names.every((n) => /{pattern}/.test(n)) ? names : null;"
            );
            until(client, show, &check).await;
        }
        let errors = client
            .execute("return window.pageErrors || [];", Vec::new())
            .await
            .unwrap();
        assert_eq!(errors, serde_json::json!([]), "errors at {width}×{height}");
        let _ = client.clone().close().await;
    }
}

#[tokio::test]
async fn the_roster_is_changed_from_the_page() {
    use testkit::browser::WINDOW;
    let browser = match testkit::browser::Browser::start(WINDOW.0, WINDOW.1).await {
        Ok(browser) => browser,
        Err(reason) => return println!("skipped: {reason}"),
    };
    let client = &browser.client;
    let course = Course::new();
    let server = Running::start(&course, "127.0.0.1:0", "en");
    server.join("Ada");
    server.join("Mallory");
    client
        .goto(&format!("{}/?token={}", server.url, server.teacher))
        .await
        .unwrap();
    until(
        client,
        "the grid",
        "return document.querySelectorAll('#grid tbody tr').length === 2 ? true : null;",
    )
    .await;
    // The roster opened; the teacher's confirmations answered yes.
    client
        .execute(
            "window.confirm = () => true; document.getElementById('roster-details').open = true; return null;",
            Vec::new(),
        )
        .await
        .unwrap();
    until(
        client,
        "the roster",
        "return document.querySelectorAll('#roster tbody tr').length === 2 ? true : null;",
    )
    .await;
    client
        .execute(
            "document.getElementById('toggle-joining').click(); return null;",
            Vec::new(),
        )
        .await
        .unwrap();
    until(
        client,
        "joining closed",
        "return document.getElementById('joining').textContent === 'joining is closed' ? true : null;",
    )
    .await;
    let body = serde_json::json!({"code": server.code, "name": "Zoe"}).to_string();
    assert_eq!(server.post("/api/join", None, &body).status, 423);
    client
        .execute(
            "const row = [...document.querySelectorAll('#roster tbody tr')].find((tr) => tr.dataset.learner === 'Mallory');\
             [...row.querySelectorAll('button')].find((b) => b.textContent === 'Remove').click(); return null;",
            Vec::new(),
        )
        .await
        .unwrap();
    until(
        client,
        "Mallory gone",
        "return document.querySelectorAll('#grid tbody tr').length === 1 ? true : null;",
    )
    .await;
    let names: Vec<Value> = server
        .export()
        .iter()
        .map(|report| report["learner"].clone())
        .collect();
    assert_eq!(names, [serde_json::json!("Ada")]);
    let errors = client
        .execute("return window.pageErrors || [];", Vec::new())
        .await
        .unwrap();
    assert_eq!(errors, serde_json::json!([]));
    let _ = client.clone().close().await;
}
