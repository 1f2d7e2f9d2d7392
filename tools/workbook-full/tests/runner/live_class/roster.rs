//! The roster is the teacher's: from the command line (`class roster`, as the page's
//! buttons do it) a learner is removed, renamed, merged into another row, let join again
//! under their name; joining is closed and opened; the code is changed.

use super::{Running, batch, run};
use crate::fixture::Course;

#[test]
fn the_teacher_changes_the_roster_while_the_class_runs() {
    let course = Course::new();
    let server = Running::start(&course, "127.0.0.1:0", "en");
    let dir = course.path("class");
    let dir = dir.to_str().unwrap();
    let roster = |args: &[&str]| {
        let mut all = vec!["class", "roster", "--dir", dir];
        all.extend_from_slice(args);
        let (ok, out) = run(&course, &all);
        assert!(ok, "class roster {args:?}: {out}");
        out
    };
    let join = |code: &str, name: &str| {
        let body = serde_json::json!({"code": code, "name": name}).to_string();
        server.post("/api/join", None, &body)
    };
    let names = || -> Vec<String> {
        server
            .export()
            .iter()
            .map(|report| report["learner"].as_str().unwrap().to_string())
            .collect()
    };
    let ada = server.join("Ada");
    server.join("Bob");
    server.join("Mallory");
    // Ada's second clone, joined under another name.
    let ada_again = server.join("Ada 2");
    for (seq, token) in [(1, &ada), (2, &ada_again)] {
        let answer = server.post("/api/verdicts", Some(token), &batch(seq, "demo.add", false));
        assert_eq!(answer.status, 200, "{}", answer.body);
    }

    // Each answered with what it did, and nothing of the joining code.
    for (args, said) in [
        (
            &["remove", "Mallory"][..],
            "Mallory is no longer in the class",
        ),
        (&["rename", "Bob", "Robert"], "Bob is called Robert now"),
        (&["merge", "Ada 2", "Ada"], "Ada 2's verdicts are Ada's now"),
    ] {
        let out = roster(args);
        assert!(out.contains(said), "{args:?}: {out}");
        assert!(!out.contains(&server.code), "{args:?}: {out}");
    }
    assert_eq!(names(), ["Ada", "Robert"]);
    let reports = server.export();
    assert_eq!(reports[0]["exercises"][0]["attempts"], 2, "{reports:?}");

    // Ada on a new machine: her name is taken, until the teacher lets her in again.
    assert_eq!(join(&server.code, "Ada").status, 409);
    let out = roster(&["rejoin", "Ada"]);
    assert!(
        out.contains("Ada may join again under their name, once") && !out.contains(&server.code),
        "{out}"
    );
    let answer = join(&server.code, "ada");
    assert_eq!(answer.status, 200, "{}", answer.body);
    let token: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    let token = token["token"].as_str().unwrap();
    assert_eq!(join(&server.code, "Ada").status, 409, "once");
    let old = server.post("/api/verdicts", Some(&ada), &batch(3, "demo.add", true));
    assert_eq!(old.status, 401, "the old clone's token is no one's");
    let new = server.post("/api/verdicts", Some(token), &batch(4, "demo.add", true));
    assert_eq!(new.status, 200, "{}", new.body);
    assert_eq!(names(), ["Ada", "Robert"]);

    // Joining closed, then open again, then with a new code.
    let closed = roster(&["close"]);
    assert!(closed.contains("takes no joins now"), "{closed}");
    let refused = join(&server.code, "Zoe");
    assert_eq!(refused.status, 423, "{}", refused.body);
    assert!(
        refused.body.contains("takes no more joins"),
        "{}",
        refused.body
    );
    roster(&["open"]);
    assert_eq!(join(&server.code, "Zoe").status, 200);
    let changed = roster(&["new-code"]);
    let code = changed
        .split_whitespace()
        .find(|word| word.len() == 7 && word.ends_with('.'))
        .map(|word| word.trim_end_matches('.').to_string())
        .unwrap_or_else(|| panic!("a new code: {changed}"));
    assert_ne!(code, server.code);
    assert_eq!(join(&server.code, "Yan").status, 403, "the old code");
    assert_eq!(join(&code, "Yan").status, 200, "the new code");

    // A name the class does not have, said so.
    let (ok, out) = run(
        &course,
        &["class", "roster", "--dir", dir, "remove", "Nobody"],
    );
    assert!(!ok && out.contains("no learner is called Nobody"), "{out}");
}
