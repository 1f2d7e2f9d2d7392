//! A teacher's view of a class: `report --json` carries what the learner's state knows of
//! each exercise, and `report --class` says who is stuck where, the longest first, and
//! which exercise stops the most learners, in English and in Chinese.

use crate::fixture::Course;

/// Three learners: Ada stuck on `demo.add` for 25 minutes, Bob on it for 10 (and on
/// `demo.triple` for 5), Zoe done with it.
fn class_of_three() -> Course {
    let course = Course::new().with_second_exercise();
    course.write(
        "reports/ada.json",
        r#"{"learner": "Ada", "id": "a1", "done": [], "exercises": [
            {"id": "demo.add", "status": "failed", "attempts": 4, "hints": 2,
             "first": "2026-11-23T09:00:00Z", "last": "2026-11-23T09:40:00Z", "stuck_minutes": 25}]}"#,
    );
    course.write(
        "reports/bob.json",
        r#"{"learner": "Bob", "id": "b2", "done": [], "exercises": [
            {"id": "demo.add", "status": "failed", "attempts": 2, "hints": 0, "stuck_minutes": 10},
            {"id": "demo.triple", "status": "failed", "attempts": 1, "hints": 1, "stuck_minutes": 5}]}"#,
    );
    course.write(
        "reports/zoe.json",
        r#"{"learner": "Zoe", "id": "c3", "done": ["demo.add"], "exercises": [
            {"id": "demo.add", "status": "passed", "attempts": 1, "hints": 0}]}"#,
    );
    course
}

#[test]
fn the_class_report_says_who_is_stuck_where_and_what_stops_the_class() {
    let course = class_of_three();
    let reports = course.path("reports");
    let reports = reports.to_str().unwrap();
    let (ok, out) = course.run(&["report", "--class", reports]);
    assert!(ok, "{out}");
    let ada = out
        .find("Ada  stuck on demo.add for 25 min (checks: 4, hints: 2)")
        .unwrap_or_else(|| panic!("{out}"));
    let bob = out
        .find("Bob  stuck on demo.add for 10 min (checks: 2, hints: 0)")
        .unwrap_or_else(|| panic!("{out}"));
    assert!(ada < bob, "the longest stuck first:\n{out}");
    assert!(!out.contains("Zoe  stuck"), "{out}");
    let add = out
        .find("demo.add  2 learners stuck on it, the longest for 25 min")
        .unwrap_or_else(|| panic!("{out}"));
    let triple = out
        .find("demo.triple  1 learner stuck on it, for 5 min")
        .unwrap_or_else(|| panic!("{out}"));
    assert!(add < triple, "{out}");

    let (ok, out) = course.run(&["--lang", "zh-CN", "report", "--class", reports]);
    assert!(ok, "{out}");
    assert!(out.contains("现在谁需要你"), "{out}");
    assert!(
        out.contains("Ada  卡在 demo.add 上 25 分钟（检查 4 次，看了 2 条提示）"),
        "{out}"
    );
    assert!(
        out.contains("demo.add  2 位学员卡在这里，最长的已 25 分钟"),
        "{out}"
    );
}

#[test]
fn the_json_report_carries_each_exercise_the_learner_worked_on() {
    let course = Course::new().with_second_exercise();
    let (ok, out) = course.run(&["check", "demo.add"]);
    assert!(!ok, "the stub passed:\n{out}");
    let (ok, out) = course.run(&["hint", "demo.add"]);
    assert!(ok, "{out}");
    let (ok, out) = course.run(&["report", "--json"]);
    assert!(ok, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let exercises = report["exercises"].as_array().expect("exercises");
    assert_eq!(exercises.len(), 1, "{out}");
    let add = &exercises[0];
    assert_eq!(add["id"], "demo.add");
    assert_eq!(add["status"], "failed");
    assert_eq!(add["attempts"], 1);
    assert_eq!(add["hints"], 1);
    assert_eq!(add["stuck_minutes"], 0);
    assert!(
        add["first"].as_str().is_some_and(|t| t.ends_with('Z')),
        "{out}"
    );
    assert!(add["last"].as_str().is_some(), "{out}");

    // Handed in, it says who is stuck.
    course.write("reports/me.json", &out);
    let reports = course.path("reports");
    let (ok, out) = course.run(&["report", "--class", reports.to_str().unwrap()]);
    assert!(ok, "{out}");
    assert!(
        out.contains("stuck on demo.add for 0 min (checks: 1, hints: 1)"),
        "{out}"
    );
}
