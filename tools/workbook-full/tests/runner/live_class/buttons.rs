//! The roster's buttons on the dashboard, clicked in headless Chromium as a teacher clicks
//! them (the browser's questions answered as the teacher would): after each click, the
//! server's state is read from outside, through its exports and its joins.

use fantoccini::Client;
use serde_json::Value;

use super::page::until;
use super::{Running, batch};
use crate::fixture::Course;

/// Runs `script` in the page; what it returns.
async fn run(client: &Client, script: &str) -> Value {
    client.execute(script, Vec::new()).await.unwrap()
}

/// Clicks the button labelled `label` in the roster's row of `name`.
async fn click(client: &Client, name: &str, label: &str) {
    let script = format!(
        "const row = [...document.querySelectorAll('#roster tbody tr')].find((tr) => tr.dataset.learner === {name:?});\
         [...row.querySelectorAll('button')].find((b) => b.textContent === {label:?}).click(); return null;"
    );
    run(client, &script).await;
}

/// Waits until the grid's rows are `names`, in order.
async fn grid_is(client: &Client, names: &[&str]) {
    let wanted = serde_json::to_string(names).unwrap();
    let script = format!(
        "const names = [...document.querySelectorAll('#grid tbody tr')].map((tr) => tr.dataset.learner);\
         return JSON.stringify(names) === {wanted:?} ? true : null;"
    );
    until(client, &wanted, &script).await;
}

/// The learners' names, as the server's export has them.
fn names(server: &Running) -> Vec<String> {
    server
        .export()
        .iter()
        .map(|report| report["learner"].as_str().unwrap().to_string())
        .collect()
}

/// A join of `name` with `code`: the server's status.
fn join(server: &Running, code: &str, name: &str) -> u16 {
    let body = serde_json::json!({"code": code, "name": name}).to_string();
    server.post("/api/join", None, &body).status
}

#[tokio::test]
async fn every_roster_button_changes_the_class() {
    use testkit::browser::WINDOW;
    let Some(browser) = testkit::browser::Browser::or_skip(WINDOW.0, WINDOW.1).await else {
        return;
    };
    let client = &browser.client;
    let learners = ["Ada", "Ada 2", "Bob", "Mallory"];
    let class = Running::with_learners(Course::new(), "en", &[], &learners);
    let server = &class.server;
    // Ada's two clones, one verdict each.
    for (seq, token) in [(1, &class.tokens[0]), (2, &class.tokens[1])] {
        let answer = server.post("/api/verdicts", Some(token), &batch(seq, "demo.add", false));
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    client.goto(&class.page()).await.unwrap();
    grid_is(client, &learners).await;
    // The roster opened; the teacher's confirmations answered yes, Bob's new name typed.
    run(
        client,
        "window.confirm = () => true; window.prompt = () => 'Robert';\
         document.getElementById('roster-details').open = true; return null;",
    )
    .await;
    until(
        client,
        "the roster",
        "return document.querySelectorAll('#roster tbody tr').length === 4 ? true : null;",
    )
    .await;

    // Close joining, and open it again.
    for (label, state, status) in [
        ("joining closed", "joining is closed", 423),
        ("joining open", "joining is open", 200),
    ] {
        run(
            client,
            "document.getElementById('toggle-joining').click(); return null;",
        )
        .await;
        let script = format!(
            "return document.getElementById('joining').textContent === {state:?} ? true : null;"
        );
        until(client, label, &script).await;
        assert_eq!(join(server, &server.code, "Zoe"), status, "{label}");
    }

    click(client, "Mallory", "Remove").await;
    grid_is(client, &["Ada", "Ada 2", "Bob", "Zoe"]).await;
    assert_eq!(names(server), ["Ada", "Ada 2", "Bob", "Zoe"]);

    click(client, "Bob", "Rename").await;
    grid_is(client, &["Ada", "Ada 2", "Robert", "Zoe"]).await;
    assert_eq!(names(server), ["Ada", "Ada 2", "Robert", "Zoe"]);

    // Merge "Ada 2" into Ada: the menu lists the others when opened, then one is chosen.
    run(
        client,
        "const row = [...document.querySelectorAll('#roster tbody tr')].find((tr) => tr.dataset.learner === 'Ada 2');\
         const menu = row.querySelector('select'); menu.dispatchEvent(new Event('focus'));\
         menu.value = 'Ada'; menu.dispatchEvent(new Event('change')); return null;",
    )
    .await;
    grid_is(client, &["Ada", "Robert", "Zoe"]).await;
    assert_eq!(names(server), ["Ada", "Robert", "Zoe"]);
    let reports = server.export();
    assert_eq!(
        reports[0]["exercises"][0]["attempts"], 2,
        "both clones' verdicts are Ada's: {reports:?}"
    );

    // Let Ada join again: her name is hers to take once more, and her old token no one's.
    assert_eq!(join(server, &server.code, "Ada"), 409);
    click(client, "Ada", "Let join again").await;
    // The roster's line says so, until she has.
    let ada_line = "const row = [...document.querySelectorAll('#roster tbody tr')].find((tr) => tr.dataset.learner === 'Ada');";
    until(
        client,
        "Ada may join again",
        &format!("{ada_line} return row && row.textContent.includes('may join again, once') ? true : null;"),
    )
    .await;
    assert_eq!(join(server, &server.code, "Ada"), 200);
    until(
        client,
        "Ada joined again",
        &format!(
            "{ada_line} return row && !row.textContent.includes('may join again') ? true : null;"
        ),
    )
    .await;
    let old = server.post(
        "/api/verdicts",
        Some(&class.tokens[0]),
        &batch(3, "demo.add", false),
    );
    assert_eq!(old.status, 401, "{}", old.body);

    // A new code: the old one lets no one in, the page's does.
    run(
        client,
        "document.getElementById('new-code').click(); return null;",
    )
    .await;
    let code = until(
        client,
        "a new code",
        &format!(
            "const code = document.getElementById('code').textContent;\
             return code && code !== {:?} ? code : null;",
            server.code
        ),
    )
    .await;
    let code = code.as_str().unwrap();
    assert_eq!(join(server, &server.code, "Yves"), 403, "the old code");
    assert_eq!(join(server, code, "Yves"), 200, "the new code {code}");

    let errors = run(client, "return window.pageErrors || [];").await;
    assert_eq!(errors, serde_json::json!([]));
    let _ = client.clone().close().await;
}
