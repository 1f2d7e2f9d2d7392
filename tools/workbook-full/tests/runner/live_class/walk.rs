//! A teacher's walk through a class of thirty, scripted: three learners in three clones of
//! the course (the real runner, `class join` and `check`), twenty-seven more sending as the
//! runner does, a script on one machine flooding joins and holding connections, the server
//! killed (`kill -9`) and started again, and the page for the wall in Chromium.

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::{Running, batch, cell, run};
use crate::fixture::Course;

#[tokio::test]
async fn a_class_of_thirty_through_a_flood_and_a_kill() {
    let teacher = Course::new();
    // Stuck from the first failure on, so that the page's list is the room's at once.
    let stuck_at_once = ["--stuck-after", "0"];
    let server = Running::start_with(&teacher, "127.0.0.1:0", "en", &stuck_at_once);
    let port = server.server().port;

    // Three learners in three clones: each joins, writes something in the exercise they
    // are on (not yet right) and checks it.
    let clones: Vec<(Course, &str)> = ["Ada", "Grace", "Linus"]
        .into_iter()
        .map(|name| (Course::new(), name))
        .collect();
    std::thread::scope(|scope| {
        for (clone, name) in &clones {
            let server = &server;
            scope.spawn(move || {
                let (ok, out) = run(
                    clone,
                    &["class", "join", &server.url, &server.code, "--name", name],
                );
                assert!(ok, "{out}");
                clone.write(
                    "lessons/01-demo/src/exercises/add.rs",
                    "pub fn add(a: u32, b: u32) -> u32 {\n    a * b\n}\n",
                );
                let (passed, out) = run(clone, &["check", "demo.add"]);
                assert!(!passed, "a wrong answer fails: {out}");
            });
        }
    });
    // Twenty-seven more: a lesson's check of the stubs each, and nine on demo.add, failing.
    for n in 0..27 {
        let token = server.join(&format!("Learner {n:02}"));
        let lesson = batch(1, "demo.add", false).replace("\"current\":true", "\"current\":false");
        assert_eq!(
            server.post("/api/verdicts", Some(&token), &lesson).status,
            200
        );
        if n % 3 == 0 {
            let alone = batch(2, "demo.add", false);
            assert_eq!(
                server.post("/api/verdicts", Some(&token), &alone).status,
                200
            );
        }
    }
    for (_, name) in &clones {
        server.watch_until(|message| cell(message, name, "demo.add").is_some());
    }

    // A script on one machine: wrong codes, and connections that never finish a request.
    let flood_from = |server: &Running| {
        let wrong = serde_json::json!({"code": "WRONG9", "name": "Mallory"}).to_string();
        let held: Vec<TcpStream> = (0..200)
            .map(|_| {
                let mut stream = super::room::connect_from([127, 0, 0, 2], server);
                let _ = stream.write_all(b"POST /api/join HTTP/1.1\r\nHost: x\r\n");
                stream
            })
            .collect();
        for _ in 0..300 {
            super::room::post_from([127, 0, 0, 2], server, "/api/join", &wrong);
        }
        held
    };
    let held = flood_from(&server);
    // Meanwhile Ada checks again, and the page has it. Her runner's sender tries once and
    // gives up when the server is slower than its limits (3 s to connect, 10 s for an
    // answer: `send::LIMITS`), and nothing here sends again: her verdict on the page is the
    // server's answer to her, in time, in a room just flooded. (That a learner is answered
    // while the machine's connections are still held, `room.rs` holds.)
    let (passed, out) = run(&clones[0].0, &["check", "demo.add"]);
    assert!(!passed, "{out}");
    server.watch_until(|message| {
        cell(message, "Ada", "demo.add").is_some_and(|cell| cell["attempts"] == 2)
    });
    drop(held);

    // Killed, and started again on its address: every acknowledged verdict is there.
    server.kill();
    let server = Running::start_with(&teacher, &format!("127.0.0.1:{port}"), "en", &stuck_at_once);
    let reports = server.export();
    assert_eq!(reports.len(), 30, "thirty learners");

    // The page for the wall, at both sizes: thirty rows, twelve stuck (the three clones and
    // nine of the others), every one of them in view, none for a lesson's stubs.
    for (width, height) in [(1366, 768), (1024, 768)] {
        let Some(browser) = testkit::browser::Browser::or_skip(width, height).await else {
            return;
        };
        let client = &browser.client;
        client
            .goto(&format!("{}/?token={}", server.url, server.teacher))
            .await
            .unwrap();
        let deadline = Instant::now() + super::DEADLINE;
        let seen = loop {
            let seen = client
                .execute(super::page::MEASURE, Vec::new())
                .await
                .unwrap();
            if seen["rows"] == 30 && seen["stuck"].as_array().is_some_and(|s| s.len() == 12) {
                break seen;
            }
            assert!(Instant::now() < deadline, "{width}×{height}: {seen}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let height = seen["height"].as_f64().unwrap();
        for line in seen["stuckLines"].as_array().unwrap() {
            assert!(
                line["bottom"].as_f64().unwrap() <= height,
                "{width}×{height}: {seen}"
            );
        }
        assert!(
            seen["pageWidth"].as_f64().unwrap() <= seen["width"].as_f64().unwrap(),
            "{width}×{height}: {seen}"
        );
        let _ = client.clone().close().await;
    }
}
