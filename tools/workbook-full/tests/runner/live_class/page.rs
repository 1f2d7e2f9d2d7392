//! The dashboard in headless Chromium, as the book's pages are checked: it loads in each
//! language, a verdict sent after it loaded shows in its cell without a reload, a hostile
//! name shows as the characters it is, a room of thirty's stuck list is in view on the
//! wall, a learner failing for less than the teacher's while is trying, not stuck, and
//! nothing on it raised an error. `fit.rs` holds it to every width and zoom and `wall.rs`
//! prints it and takes the guide's pictures of it, with the helpers here: a page waited on
//! ([`until`]), a room of thirty opened ([`open_room_of_thirty`], or its page alone,
//! [`open_page_of_thirty`]), a menu chosen ([`choose`]), no error raised
//! ([`no_page_errors`]).

use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::Value;

use super::thirty::{EXERCISES, ROOM, room_of_thirty};
use super::{Class, Running, batch};
use crate::fixture::Course;

/// Runs `script` in the page until it returns something other than `null`.
pub(super) async fn until(client: &Client, what: &str, script: &str) -> Value {
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

/// The room of thirty in `lang`, each failing learner stuck at once (`--stuck-after 0`), its
/// page open in `client` with its thirty rows drawn.
pub(super) async fn open_room_of_thirty(client: &Client, lang: &str) -> Class {
    let class = room_of_thirty(lang, &["--stuck-after", "0"]);
    open_page_of_thirty(client, &class).await;
    class
}

/// The page of `class`, a room of thirty made with options of its own, open in `client`
/// with its thirty rows drawn.
pub(super) async fn open_page_of_thirty(client: &Client, class: &Class) {
    client.goto(&class.page()).await.unwrap();
    until(
        client,
        "thirty rows",
        "return document.querySelectorAll('#grid tbody tr').length === 30 ? true : null;",
    )
    .await;
}

/// Chooses `value` in the page's menu `id`, and waits until the page has drawn it.
pub(super) async fn choose(client: &Client, id: &str, value: &str) {
    let script = format!(
        "const before = Number(document.body.dataset.draws || 0);\
         const s = document.getElementById('{id}'); s.value = '{value}'; s.dispatchEvent(new Event('change'));\
         return before;"
    );
    let before = client.execute(&script, Vec::new()).await.unwrap();
    until(
        client,
        &format!("{id} {value} drawn"),
        &format!("return Number(document.body.dataset.draws || 0) > {before} ? true : null;"),
    )
    .await;
}

/// Fails the test if anything on the page raised an error, naming the page `at`.
pub(super) async fn no_page_errors(client: &Client, at: &str) {
    let errors = client
        .execute("return window.pageErrors || [];", Vec::new())
        .await
        .unwrap();
    assert_eq!(errors, serde_json::json!([]), "errors on the page, {at}");
}

#[tokio::test]
async fn the_dashboard_shows_each_verdict_live_in_both_languages() {
    use testkit::browser::WINDOW;
    let Some(browser) = testkit::browser::Browser::or_skip(WINDOW.0, WINDOW.1).await else {
        return;
    };
    let client = &browser.client;
    for (lang, learner_word) in [("en", "Learner"), ("zh-CN", "学员")] {
        let hostile = "<script>alert(1)</script>";
        // Stuck at once: the failure's line is in the stuck list.
        let at_once = ["--stuck-after", "0"];
        let class = Running::with_learners(Course::new(), lang, &at_once, &[hostile]);
        let (server, token) = (&class.server, &class.tokens[0]);
        client.goto(&class.page()).await.unwrap();
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
        let answer = server.post("/api/verdicts", Some(token), &batch(1, "demo.add", false));
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
        no_page_errors(client, lang).await;
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
      stuckHeading: document.getElementById('stuck-heading').textContent,\
      trying: Number(document.getElementById('trying').dataset.count || 0),\
      tryingText: document.getElementById('trying').textContent,\
      links: [document.getElementById('csv').href, document.getElementById('json').href],\
      pageWidth: document.documentElement.scrollWidth,\
      stuckLines: [...document.querySelectorAll('#stuck tbody tr.line')].map((tr) => {\
        const message = tr.querySelector('td.message'); const box = tr.getBoundingClientRect();\
        return { height: box.height, bottom: box.bottom, lineHeight: parseFloat(getComputedStyle(message).lineHeight) || 16,\
          cut: message.scrollWidth > message.clientWidth, whole: message.title.includes(message.textContent),\
          length: message.textContent.length }; }) };";

/// The wall's sizes: a projector's two, and the smaller with a browser's bars (its tabs,
/// its address bar) taking 118 px of it.
const WALLS: [(u32, u32); 3] = [(1366, 768), (1024, 768), (1024, 650)];

#[tokio::test]
async fn the_wall_shows_a_room_of_thirty_at_both_sizes() {
    for (width, height) in WALLS {
        let Some(browser) = testkit::browser::Browser::or_skip(width, height).await else {
            return;
        };
        let client = &browser.client;
        // Stuck from the first failure on: the failing learners are stuck at once.
        let class = open_room_of_thirty(client, "en").await;
        let server = &class.server;
        let seen = client.execute(MEASURE, Vec::new()).await.unwrap();
        let at = format!("{width}×{height}: {seen}");
        assert_eq!(seen["rows"], 30, "{at}");
        // Never wider than the window, whatever the runner's messages.
        assert!(
            seen["pageWidth"].as_f64().unwrap() <= seen["width"].as_f64().unwrap(),
            "the page is wider than the window, {at}"
        );
        // Ten stuck learners, each on one line and all in view; the runner's messages of
        // up to 300 characters cut to what fits, whole in their title.
        let lines = seen["stuckLines"].as_array().unwrap();
        assert_eq!(lines.len(), 10, "{at}");
        for line in lines {
            assert!(
                line["height"].as_f64().unwrap() < 2.0 * line["lineHeight"].as_f64().unwrap(),
                "a stuck learner on more than one line, {at}"
            );
            assert!(
                line["bottom"].as_f64().unwrap() <= seen["height"].as_f64().unwrap(),
                "a stuck learner out of view, {at}"
            );
            assert_eq!(line["whole"], true, "{at}");
        }
        assert!(
            lines
                .iter()
                .any(|line| line["cut"] == true && line["length"].as_u64() > Some(200)),
            "the runner's long messages, cut: {at}"
        );
        // A line cut short, clicked, opens whole, its failing test named below it, and
        // closes again.
        let toggle = "const tr = [...document.querySelectorAll('#stuck tbody tr.line')]\
              .find((tr) => { const m = tr.querySelector('td.message'); return m.scrollWidth > m.clientWidth; });\
            const closed = tr.getBoundingClientRect().height; tr.click();\
            const opened = tr.getBoundingClientRect().height;\
            const test = tr.nextElementSibling && tr.nextElementSibling.classList.contains('detail')\
              ? tr.nextElementSibling.textContent : null;\
            const expected = tr.querySelector('td.message').title.split('\\n')[0];\
            tr.click();\
            return [opened, closed, tr.getBoundingClientRect().height, test, expected,\
              document.querySelectorAll('#stuck tr.detail').length];";
        let opened = client.execute(toggle, Vec::new()).await.unwrap();
        let tall = |i: usize| opened[i].as_f64().unwrap();
        assert!(
            tall(0) > 1.5 * tall(1) && tall(2) == tall(1),
            "the line opened whole and closed again: {opened}, {at}"
        );
        let (test, expected) = (opened[3].as_str(), opened[4].as_str().unwrap());
        assert!(
            !expected.is_empty() && test.is_some_and(|test| test.ends_with(expected)),
            "its test below it: {opened}, {at}"
        );
        assert_eq!(opened[5], 0, "closed again: {opened}, {at}");
        assert!(
            seen["gridRight"].as_f64().unwrap() <= seen["width"].as_f64().unwrap(),
            "{at}"
        );
        // The lesson the room is on (the course's others left out), each exercise by its
        // own name.
        let columns: Vec<&str> = EXERCISES
            .iter()
            .map(|id| id.trim_start_matches("grpc."))
            .collect();
        assert_eq!(seen["columns"], serde_json::json!(columns), "{at}");
        // Stuck: each learner failing the exercise they are on, no one for a lesson's stubs.
        let failing = ROOM.iter().filter(|seat| seat.failing()).count();
        assert_eq!(seen["stuck"].as_array().unwrap().len(), failing, "{at}");
        assert_eq!(seen["trying"], 0, "{at}");
        assert!(
            seen["stuckHeading"].as_str().unwrap().contains(" 0 min"),
            "the threshold is on the page: {at}"
        );
        // No link on the wall carries the teacher's token.
        for link in seen["links"].as_array().unwrap() {
            assert!(!link.as_str().unwrap().contains(&server.teacher), "{at}");
        }

        // On the wall, initials or seat numbers everywhere, the grid as the stuck list:
        // no full name on the page.
        let full_names = serde_json::to_string(&super::thirty::names("en")).unwrap();
        for (show, pattern) in [("initials", "^[A-Z0-9.]+$"), ("seats", "^seat \\d+$")] {
            choose(client, "show", show).await;
            let check = format!(
                "const names = [...document.querySelectorAll('#stuck td.name')].map((td) => td.textContent);\
                 const grid = [...document.querySelectorAll('#grid td.name')].map((td) => td.textContent);\
                 const text = document.body.innerText;\
                 return names.length === {failing} && grid.length === 30\
                   && [...names, ...grid].every((n) => /{pattern}/.test(n))\
                   && !{full_names}.some((name) => text.includes(name)) ? names : null;"
            );
            until(client, show, &check).await;
        }
        no_page_errors(client, &format!("{width}×{height}")).await;
        let _ = client.clone().close().await;
    }
}

#[tokio::test]
async fn a_learner_failing_for_less_than_the_teachers_while_is_trying() {
    use testkit::browser::WINDOW;
    let Some(browser) = testkit::browser::Browser::or_skip(WINDOW.0, WINDOW.1).await else {
        return;
    };
    let client = &browser.client;
    // An hour: the failures sent now are minutes old at most, however slow the machine.
    let names = ["Ada", "Grace", "Linus"];
    let class = Running::with_learners(Course::new(), "en", &["--stuck-after", "1h"], &names);
    let server = &class.server;
    for (token, passed) in class.tokens.iter().zip([false, false, true]) {
        let answer = server.post("/api/verdicts", Some(token), &batch(1, "demo.add", passed));
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    let snapshot = server.watch_until(|message| message["type"] == "snapshot");
    assert_eq!(
        snapshot["stuck_after_ms"], 3_600_000,
        "the server's threshold"
    );
    client.goto(&class.page()).await.unwrap();
    until(
        client,
        "three rows",
        "return document.querySelectorAll('#grid tbody tr').length === 3 ? true : null;",
    )
    .await;
    let seen = client.execute(MEASURE, Vec::new()).await.unwrap();
    // Failing, not yet for an hour: trying, and no one in the stuck list.
    assert_eq!(seen["stuck"], serde_json::json!([]), "{seen}");
    assert_eq!(seen["trying"], 2, "{seen}");
    assert_eq!(
        seen["tryingText"], "Trying (failing for less than 60 min): Ada, Grace",
        "{seen}"
    );
    assert!(
        seen["stuckHeading"].as_str().unwrap().contains("60 min"),
        "{seen}"
    );
    // Two hours later by the page's clock (as the server's, the offset between them
    // kept), drawn again: the two are stuck now, none trying.
    client
        .execute(
            "const now = Date.now; Date.now = () => now() + 2 * 3600 * 1000;\
             document.getElementById('show').dispatchEvent(new Event('change')); return null;",
            Vec::new(),
        )
        .await
        .unwrap();
    let stuck = until(
        client,
        "the two stuck",
        "const names = [...document.querySelectorAll('#stuck td.name')].map((td) => td.textContent);\
         return names.length === 2 && document.getElementById('trying').dataset.count === '0' ? names : null;",
    )
    .await;
    assert_eq!(stuck, serde_json::json!(["Ada", "Grace"]));
    // Hours, not minutes: "2 h"; and a day and more later, days.
    let since =
        "return [...document.querySelectorAll('#stuck td.minutes')].map((td) => td.textContent);";
    let shown = client.execute(since, Vec::new()).await.unwrap();
    assert_eq!(shown, serde_json::json!(["2 h", "2 h"]));
    client
        .execute(
            "const now = Date.now; Date.now = () => now() + 3 * 24 * 3600 * 1000;\
             document.getElementById('show').dispatchEvent(new Event('change')); return null;",
            Vec::new(),
        )
        .await
        .unwrap();
    let shown = until(
        client,
        "days",
        "const shown = [...document.querySelectorAll('#stuck td.minutes')].map((td) => td.textContent);\
         return shown[0] === '3 d' ? shown : null;",
    )
    .await;
    assert_eq!(shown, serde_json::json!(["3 d", "3 d"]));
    no_page_errors(client, "two learners trying").await;
    let _ = client.clone().close().await;
}
