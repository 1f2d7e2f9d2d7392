//! The server: every verdict it acknowledged is there after a `kill -9` and a restart;
//! who may read what; each bad input refused with its reason, and the server still
//! serving the class after a flood of them.

use super::{Running, batch};
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
    assert_eq!(again.body, r#"{"kept":0}"#);
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
    let (ok, table) = course.run(&["report", "--class", exported.to_str().unwrap()]);
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
    refused(
        post(&batch(1, "demo.nope", false)),
        400,
        "no exercise `demo.nope`",
    );
    let long = batch(1, "demo.add", false).replace("adds_two_numbers", &"t".repeat(161));
    refused(post(&long), 400, "test is longer than 160");
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
    assert!(!csv.contains(hostile), "nothing was kept for the refused");

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
