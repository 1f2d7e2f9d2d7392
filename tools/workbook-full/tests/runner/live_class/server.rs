//! The server: every verdict it acknowledged is there after a `kill -9` and a restart;
//! who may read what; each bad input refused with its reason, and the server still
//! serving the class after a flood of them.

use super::{Running, batch, run};
use crate::fixture::Course;

#[test]
fn a_kill_and_a_restart_keep_every_acknowledged_verdict() {
    let course = Course::new();
    let server = Running::start(&course, "127.0.0.1:0", "en");
    let ada = server.join("Ada");
    let bob = server.join("Bob");
    for seq in 1..=20 {
        let token = if seq % 2 == 0 { &ada } else { &bob };
        let answer = server.post("/api/verdicts", Some(token), &batch(seq, "demo.add", false));
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    // Sent twice (its answer lost on the way): kept once.
    let again = server.post("/api/verdicts", Some(&ada), &batch(2, "demo.add", false));
    assert_eq!(again.body, r#"{"kept":0,"name":"Ada"}"#);
    let (code, teacher) = (server.code.clone(), server.teacher.clone());
    server.kill();

    let server = Running::start(&course, "127.0.0.1:0", "en");
    assert_eq!(
        (&server.code, &server.teacher),
        (&code, &teacher),
        "the same class"
    );
    let reports = server.export();
    let attempts: Vec<(String, u64)> = reports
        .iter()
        .map(|report| {
            let name = report["learner"].as_str().unwrap().to_string();
            (name, report["exercises"][0]["attempts"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(
        attempts,
        [("Ada".to_string(), 10), ("Bob".to_string(), 10)],
        "{reports:?}"
    );
    // The export is what `report --class` reads.
    course.write("exported.json", &serde_json::to_string(&reports).unwrap());
    let exported = course.path("exported.json");
    let (ok, table) = run(&course, &["report", "--class", exported.to_str().unwrap()]);
    assert!(
        ok && table.contains("Ada") && table.contains("Bob"),
        "{table}"
    );
    // The learners' tokens still hold.
    let answer = server.post("/api/verdicts", Some(&ada), &batch(21, "demo.add", true));
    assert_eq!(answer.status, 200, "{}", answer.body);
}

#[test]
fn the_page_and_the_exports_need_the_teachers_token() {
    let course = Course::new();
    let server = Running::start(&course, "127.0.0.1:0", "en");
    let ada = server.join("Ada");
    for path in ["/export.csv", "/export.json", "/api/stream"] {
        assert_eq!(server.get(path, None).status, 403, "{path}");
        assert_eq!(
            server.get(path, Some(&ada)).status,
            403,
            "{path} as a learner"
        );
        assert_eq!(
            server.get(&format!("{path}?token=wrong"), None).status,
            403,
            "{path}"
        );
    }
    let csv = server.get("/export.csv", Some(&server.teacher));
    assert_eq!(csv.status, 200);
    assert!(
        csv.body.starts_with("learner,exercise,status"),
        "{}",
        csv.body
    );
    // The teacher's token is no learner's.
    let answer = server.post(
        "/api/verdicts",
        Some(&server.teacher),
        &batch(1, "demo.add", false),
    );
    assert_eq!(answer.status, 401);
}

#[test]
fn each_bad_input_is_refused_with_its_reason() {
    let course = Course::new();
    let server = Running::start(&course, "127.0.0.1:0", "en");
    let join = |code: &str, name: &str| {
        let body = serde_json::json!({"code": code, "name": name}).to_string();
        server.post("/api/join", None, &body)
    };
    let refused = |answer: workbook::learner::class::http::Answer, status: u16, why: &str| {
        assert_eq!(answer.status, status, "{}", answer.body);
        assert!(answer.body.contains(why), "{} lacks {why}", answer.body);
    };
    refused(join("WRONG1", "Ada"), 403, "wrong class code");
    // A path the server does not have, or a method a route does not take: said in a body.
    refused(server.get("/nope", None), 404, "has nothing at /nope");
    refused(
        server.get("/api/verdicts", None),
        405,
        "/api/verdicts takes POST, not GET",
    );
    refused(
        server.asked("PUT", "/api/join", "{}"),
        405,
        "/api/join takes POST, not PUT",
    );
    refused(join(&server.code, ""), 422, "a name is needed");
    refused(join(&server.code, &"x".repeat(41)), 422, "longer than 40");
    refused(join(&server.code, "Ada\u{1b}[2J"), 422, "control character");
    let ada = server.join("Ada");
    refused(join(&server.code, "Ada"), 409, "taken");
    // A name is text: markup joins like any other name, and is exported as written.
    let hostile = r#""><img src=x onerror=alert(1)>"#;
    server.join(hostile);

    let post = |body: &str| server.post("/api/verdicts", Some(&ada), body);
    refused(post("{not json"), 400, "not a request this server reads");
    refused(post(r#"{"sent_ms": 1, "verdicts": []}"#), 400, "1 to 50");
    // A verdict refused is refused alone: the answer says which, and why.
    refused(
        post(&batch(1, "demo.nope", false)),
        200,
        r#""refused":[{"seq":1,"error":"the course has no exercise `demo.nope`"}]"#,
    );
    let long = batch(1, "demo.add", false).replace("adds_two_numbers", &"t".repeat(161));
    refused(post(&long), 200, "test is longer than 160");
    let huge = format!(
        r#"{{"sent_ms": 1, "verdicts": [], "pad": "{}"}}"#,
        "x".repeat(70_000)
    );
    refused(post(&huge), 413, "larger than 65536 bytes");
    refused(
        server.post("/api/verdicts", None, &batch(1, "demo.add", false)),
        401,
        "unknown learner token",
    );
    let csv = server.get("/export.csv", Some(&server.teacher)).body;
    assert!(
        !csv.contains(",\"demo."),
        "nothing was kept for the refused:\n{csv}"
    );
    // Every learner is in it, those who never checked too: on a line with no exercise.
    assert!(csv.contains("\r\n\"Ada\",,,0,0,,,,,\r\n"), "{csv}");
    assert!(
        csv.contains("\"\"\"><img src=x onerror=alert(1)>\",,,0,0"),
        "{csv}"
    );

    // A learner who floods is slowed down, alone.
    let answers: Vec<u16> = (0..200)
        .map(|_| post(r#"{"sent_ms": 1, "verdicts": []}"#).status)
        .collect();
    assert!(answers.contains(&429), "{answers:?}");
    // A thousand bogus joins: each refused, and the class goes on.
    for _ in 0..1000 {
        let status = join("BOGUS9", "Mallory").status;
        assert!(status == 403 || status == 429, "{status}");
    }
    assert_eq!(server.get("/api/hello", None).status, 200);
    let reports = server.export();
    assert_eq!(reports.len(), 2, "Ada and the hostile name, no one else");
    assert!(reports.iter().any(|report| report["learner"] == hostile));
}

#[test]
fn a_bad_verdict_is_refused_alone_and_a_learners_clock_is_not_believed() {
    let course = Course::new();
    let server = Running::start(&course, "127.0.0.1:0", "en");
    let ada = server.join("Ada");
    let now = workbook_core::class::now_ms();
    let verdict = |seq: u64, exercise: &str, hints: u64, at_ms: u64| {
        serde_json::json!({"seq": seq, "exercise": exercise, "passed": false,
            "test": "adds_two_numbers", "message": "not yet", "hints": hints,
            "at_ms": at_ms, "current": true})
    };
    let year = 365 * 24 * 60 * 60 * 1000;
    let body = serde_json::json!({"sent_ms": now, "verdicts": [
        // Made in 1970, by a laptop's clock.
        verdict(1, "demo.add", 1, 0),
        verdict(2, "demo.nope", 1, now),
        verdict(3, "demo.add", 4_000_000_000, now),
        // A year before its batch: a clock that was wrong then.
        verdict(4, "demo.add", 2, now - year),
    ]})
    .to_string();
    let answer = server.post("/api/verdicts", Some(&ada), &body);
    assert_eq!(answer.status, 200, "{}", answer.body);
    let accepted: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    assert_eq!(accepted["kept"], 2, "{accepted}");
    let refused: Vec<u64> = accepted["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(refused, [2, 3], "{accepted}");
    assert!(
        answer.body.contains("more than 100 hints"),
        "{}",
        answer.body
    );

    let reports = server.export();
    let add = &reports[0]["exercises"][0];
    assert_eq!(
        (add["attempts"].as_u64(), add["hints"].as_u64()),
        (Some(2), Some(2))
    );
    // Made "55 years ago" or a year ago: older than any queue keeps a verdict, so dated
    // when its batch was, not failing since a day.
    let minutes = add["stuck_minutes"].as_u64().unwrap();
    assert!(minutes <= 5, "stuck for {minutes} min");
}

#[test]
fn names_are_read_as_a_room_reads_them() {
    let course = Course::new();
    let server = Running::start(&course, "127.0.0.1:0", "en");
    let join = |name: &str| {
        let body = serde_json::json!({"code": server.code, "name": name}).to_string();
        server.post("/api/join", None, &body)
    };
    server.join("Ada");
    server.join("张伟");
    server.join("Ame\u{301}lie");
    for (name, status) in [
        // Shown reversed ("live"), or as a second 张伟: refused.
        ("\u{202e}evil", 422),
        ("张\u{200b}伟", 422),
        ("Ada\u{2060}", 422),
        // The same name in another case, width or composition: taken.
        ("ADA", 409),
        ("Ａｄａ", 409),
        ("Amélie", 409),
    ] {
        let answer = join(name);
        assert_eq!(answer.status, status, "{name:?}: {}", answer.body);
    }
    assert!(join("\u{202e}evil").body.contains("turns the text around"));
    let names: Vec<String> = server
        .export()
        .iter()
        .map(|report| report["learner"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["Ada", "张伟", "Amélie"], "kept composed");
}

#[test]
fn the_class_takes_the_teachers_number_of_learners_exactly() {
    let course = Course::new();
    let server = Running::start_with(&course, "127.0.0.1:0", "en", &["--max-learners", "5"]);
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let joins: Vec<_> = (0..20)
            .map(|n| {
                let server = &server;
                scope.spawn(move || {
                    let body =
                        serde_json::json!({"code": server.code, "name": format!("learner {n}")})
                            .to_string();
                    server.post("/api/join", None, &body).status
                })
            })
            .collect();
        // deadline: each thread makes one request, bounded by the client's limits (LIMITS)
        joins.into_iter().map(|join| join.join().unwrap()).collect()
    });
    let joined = statuses.iter().filter(|status| **status == 200).count();
    assert_eq!(joined, 5, "{statuses:?}");
    assert!(
        statuses.iter().all(|status| [200, 503].contains(status)),
        "{statuses:?}"
    );
    assert_eq!(server.export().len(), 5);
}

#[test]
fn a_stop_ends_the_server_at_once_with_a_page_open() {
    use std::io::{BufRead, BufReader, Write};
    let course = Course::new();
    let server = Running::start(&course, "127.0.0.1:0", "en");
    let address = server.server();
    let mut page = std::net::TcpStream::connect((address.host.as_str(), address.port)).unwrap();
    // The page's connection, beside its reader: for its timeouts, and for its end.
    let mut connection = page.try_clone().unwrap();
    write!(
        page,
        "GET /api/stream?token={} HTTP/1.1\r\nHost: x\r\n\r\n",
        server.teacher
    )
    .unwrap();
    let mut reader = BufReader::new(page);
    let mut line = String::new();
    // One deadline for the stream's first message: its keep-alives would reset a read timeout.
    let deadline = std::time::Instant::now() + super::DEADLINE;
    while !line.starts_with("data: ") {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        assert!(
            !left.is_zero(),
            "no message on the stream within {:?}",
            super::DEADLINE
        );
        connection.set_read_timeout(Some(left)).unwrap();
        line.clear();
        // deadline: the read's timeout is what is left of `deadline`
        assert!(reader.read_line(&mut line).unwrap() > 0, "the stream began");
    }
    // Ctrl-C, as the teacher presses it, and the server's end.
    let exit = server.interrupt();
    assert!(exit.success(), "{exit:?}");
    // At once is the page's stream ended by the server itself: its last chunk (`0`) sent,
    // the connection closed, nothing left for the stop to wait for. A server that waited
    // out its grace for the stream (5 s) would have cut it when its process ended, with no
    // last chunk. Read: what the reader holds past the first message, then the rest.
    let mut rest = reader.buffer().to_vec();
    let read = testkit::read_to_end_within(&mut connection, super::DEADLINE);
    rest.extend(read.as_deref().unwrap_or_default());
    let last = String::from_utf8_lossy(&rest[rest.len().saturating_sub(200)..]);
    assert!(
        read.is_ok() && rest.ends_with(b"\r\n0\r\n\r\n"),
        "the page's stream was cut, not ended by the server ({:?}); its last bytes: {last:?}",
        read.err()
    );
}

#[test]
fn the_page_is_told_the_teachers_while_before_stuck() {
    let course = Course::new();
    let server = Running::start(&course, "127.0.0.1:0", "en");
    let snapshot = server.watch_until(|message| message["type"] == "snapshot");
    assert_eq!(
        snapshot["stuck_after_ms"], 180_000,
        "three minutes unless told"
    );
    drop(server);
    let dir = course.path("class");
    let (ok, out) = run(
        &course,
        &[
            "class",
            "serve",
            "--dir",
            dir.to_str().unwrap(),
            "--stuck-after",
            "3 min",
        ],
    );
    assert!(!ok, "{out}");
    assert!(out.contains("90s, 3m or 1h"), "{out}");
}
