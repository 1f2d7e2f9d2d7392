//! `report` and `report --class` on fixtures: what a teacher reads and what the JSON holds.

use std::fs;

use super::*;
use crate::testutil::Fixture;
use std::time::Duration;

/// The text as it would look without colour, whatever stdout is during the tests.
fn plain(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            chars.by_ref().find(|&c| c == 'm');
        } else {
            out.push(c);
        }
    }
    out
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn counts_this_learner_in_course_order_and_drops_unknown_ids() {
    let fx = Fixture::course();
    let course = Course::load(fx.path()).unwrap();
    let mut state = State::default();
    state.record("rpc.call", true);
    state.record("tcp.echo", true);
    state.record("rpc.frame", false);
    state.record("old.gone", true);

    let report = Report::from_state(&course, &state, "Ada");
    assert_eq!(report.done, ["tcp.echo", "rpc.call"]);
    assert_eq!(report.total, 3);
    assert_eq!(
        report.lessons.0,
        [
            ("tcp".to_string(), Count { done: 1, total: 1 }),
            ("rpc".to_string(), Count { done: 1, total: 2 }),
        ]
    );
    let text = plain(&report.render());
    assert!(text.starts_with("Ada  2/3 done  "), "{text}");
    assert!(text.contains("\n  tcp 1/1   rpc 1/2\n"), "{text}");
    assert!(text.contains("done: tcp.echo, rpc.call"), "{text}");
}

#[test]
fn the_json_form_has_the_documented_shape_and_reads_back() {
    let fx = Fixture::course();
    let course = Course::load(fx.path()).unwrap();
    let mut report = Report::new(&course, "Ada", &ids(&["rpc.frame"]), "now".into());
    report.id = "5f0c2a9e11d4b7a3".into();
    let json = serde_json::to_string(&report).unwrap();
    assert_eq!(
        json,
        r#"{"learner":"Ada","id":"5f0c2a9e11d4b7a3","done":["rpc.frame"],"total":3,"lessons":{"tcp":{"done":0,"total":1},"rpc":{"done":1,"total":2}},"generated":"now"}"#
    );
    let back = Report::parse(&course, &json).unwrap();
    assert_eq!(back.learner, "Ada");
    assert_eq!(back.id, "5f0c2a9e11d4b7a3");
    assert_eq!(back.done, report.done);
    assert_eq!(back.lessons.0, report.lessons.0);
    assert_eq!(back.generated, "now");
}

#[test]
fn reads_a_class_sorted_by_name_and_lists_what_it_cannot_read() {
    let fx = Fixture::course();
    let course = Course::load(fx.path()).unwrap();
    fx.write(
        "reports/zoe.json",
        r#"{"learner": "Zoe", "done": ["tcp.echo", "rpc.frame", "rpc.call"], "generated": 1700000000}"#,
    );
    // Stale totals and an id the course no longer has are recounted and dropped.
    fx.write(
        "reports/bob.json",
        r#"{"learner": "bob", "id": "b0b1", "done": ["rpc.frame", "tcp.removed"], "total": 99, "lessons": {}}"#,
    );
    fx.write("reports/broken.json", "{\"learner\": \"Eve\", \"done\": [");
    fx.write("reports/nameless.json", r#"{"learner": " ", "done": []}"#);
    fx.write("reports/notes.txt", "not a report, and not read");
    fx.write("extra/ada.json", r#"{"learner": "Ada", "done": []}"#);
    // The same copy of the course handed in again: one row, with the work of both.
    fx.write(
        "reports/bob-later.json",
        r#"{"learner": "Bob ", "id": "b0b1", "done": ["tcp.echo"], "generated": "2026-11-20T10:00:00Z"}"#,
    );

    let class = read_class(
        &course,
        &[
            fx.path().join("reports"),
            fx.path().join("extra/ada.json"),
            fx.path().join("missing.json"),
        ],
    );
    let names: Vec<&str> = class.reports.iter().map(|r| r.learner.as_str()).collect();
    assert_eq!(names, ["Ada", "Bob", "Zoe"]);
    assert_eq!(class.reports[1].done, ["tcp.echo", "rpc.frame"]);
    assert_eq!(class.reports[1].generated, "2026-11-20T10:00:00Z");
    assert_eq!(class.reports[1].total, 3);
    assert_eq!(class.reports[2].generated, "1700000000");

    let unreadable: Vec<String> = class
        .unreadable
        .iter()
        .map(|(path, why)| format!("{}: {why}", path.file_name().unwrap().to_string_lossy()))
        .collect();
    assert_eq!(unreadable.len(), 3, "{unreadable:?}");
    assert!(
        unreadable[0].starts_with("broken.json: not a report: EOF"),
        "{unreadable:?}"
    );
    assert_eq!(unreadable[1], "nameless.json: the learner's name is empty");
    assert!(
        unreadable[2].starts_with("missing.json: "),
        "{unreadable:?}"
    );

    let table = plain(&render_class(&course, &class));
    assert_eq!(
        table,
        "learner  tcp  rpc  total\n\
         Ada      0/1  0/2    0/3\n\
         Bob      1/1  1/2    2/3\n\
         Zoe      1/1  2/2    3/3\n"
    );
}

#[test]
fn an_empty_folder_is_reported_not_fatal() {
    let fx = Fixture::course();
    let course = Course::load(fx.path()).unwrap();
    fs::create_dir_all(fx.path().join("empty")).unwrap();
    let class = read_class(&course, &[fx.path().join("empty")]);
    assert!(class.reports.is_empty());
    assert_eq!(class.unreadable[0].1, "a folder with no .json files");
}

#[test]
fn a_given_name_wins_and_blank_ones_fall_through() {
    let fx = Fixture::empty();
    assert_eq!(
        learner_name(fx.path(), Some("  Ada Lovelace ")),
        "Ada Lovelace"
    );
    assert!(!learner_name(fx.path(), Some("  ")).trim().is_empty());
}

#[test]
fn formats_times_as_rfc3339_utc() {
    let at = |secs| rfc3339(UNIX_EPOCH + Duration::from_secs(secs));
    assert_eq!(at(0), "1970-01-01T00:00:00Z");
    assert_eq!(at(951_868_799), "2000-02-29T23:59:59Z");
    assert_eq!(at(1_795_242_328), "2026-11-21T06:25:28Z");
}

#[test]
fn two_learners_of_one_name_are_two_rows_never_one() {
    let fx = Fixture::course();
    let course = Course::load(fx.path()).unwrap();
    // Two people whose git says "Sam", on two machines; and two old reports without ids.
    fx.write(
        "reports/sam-1.json",
        r#"{"learner": "Sam", "id": "aaaaaa11", "done": ["tcp.echo"]}"#,
    );
    fx.write(
        "reports/sam-2.json",
        r#"{"learner": "sam", "id": "bbbbbb22", "done": ["rpc.frame"]}"#,
    );
    fx.write("reports/kim-a.json", r#"{"learner": "Kim", "done": []}"#);
    fx.write(
        "reports/kim-b.json",
        r#"{"learner": "Kim", "done": ["tcp.echo"]}"#,
    );

    let class = read_class(&course, &[fx.path().join("reports")]);
    assert_eq!(class.shared_names, ["Kim", "Sam"]);
    let table = plain(&render_class(&course, &class));
    assert_eq!(
        table,
        "learner           tcp  rpc  total\n\
         Kim (kim-a.json)  0/1  0/2    0/3\n\
         Kim (kim-b.json)  1/1  0/2    1/3\n\
         Sam (aaaaaa)      1/1  0/2    1/3\n\
         sam (bbbbbb)      0/1  1/2    1/3\n"
    );
}
