//! A history read back: the node of an answer, a file that is not a history, and the
//! journal's faults as windows on the load's clock.

use l14_deploy::history;
use l14_deploy::load::{self, Run, Start};

use super::{fault, ms, tempdir, window};

#[test]
fn the_node_is_read_from_the_user_services_answer() {
    assert_eq!(
        load::node_of(r#"{"msg":"Hello load from user-10.14.0.12-7021"}"#).as_deref(),
        Some("user-10.14.0.12-7021")
    );
    assert_eq!(load::node_of(r#"{"msg":"Hello load"}"#), None);
    assert_eq!(load::node_of(r#"{"message":"Hello x from y"}"#), None);
    assert_eq!(load::node_of("<html>"), None);
}

#[test]
fn a_history_that_is_not_one_says_where() {
    let folder = tempdir();
    let path = folder.join("bad.jsonl");
    std::fs::write(&path, "").unwrap();
    let error = Run::read(&path).unwrap_err();
    assert!(format!("{error:#}").contains("is empty"), "{error:#}");

    std::fs::write(
        &path,
        "{\"started_unix_ms\":1,\"gateway\":\"g\",\"rate\":1}\n{\"at_ms\":-4}\n",
    )
    .unwrap();
    let error = Run::read(&path).unwrap_err();
    assert!(format!("{error:#}").contains("bad.jsonl:2"), "{error:#}");
}

#[test]
fn the_journal_s_faults_become_windows_on_the_load_s_clock() {
    let run = Run {
        start: Start {
            started_unix_ms: 1_000_000,
            gateways: Vec::new(),
            rate: 10,
            containers: Vec::new(),
        },
        calls: vec![],
        length: ms(30_000),
    };
    let faults = [
        // before the run, healed before it began: not shown
        fault("slow host-b", 900_000, Some(950_000)),
        // began before, healed during: from the run's start
        fault("partition host-c", 990_000, Some(1_005_000)),
        fault("kill host-b", 1_010_000, Some(1_012_500)),
        // still on at the end: drawn to the end
        fault("slow host-a", 1_020_000, None),
        // after the run
        fault("heal", 1_040_000, None),
    ];
    let journal = tempdir().join("faults.jsonl");
    for fault in &faults {
        history::append(&journal, fault).unwrap();
    }
    assert_eq!(
        run.windows(&journal).unwrap(),
        [
            window("partition host-c", 0, 5_000),
            window("kill host-b", 10_000, 12_500),
            window("slow host-a", 20_000, 30_000),
        ]
    );
    // No journal: no faults.
    assert_eq!(run.windows(&tempdir().join("none")).unwrap(), []);
}

#[test]
fn a_new_history_keeps_the_earlier_one_beside_it() {
    let folder = tempdir();
    let path = folder.join("history.jsonl");
    assert_eq!(history::keep_earlier(&path).unwrap(), None);
    std::fs::write(&path, "first").unwrap();
    let kept = history::keep_earlier(&path).unwrap();
    assert_eq!(kept, Some(folder.join("history-1.jsonl")));
    assert!(!path.exists());
    std::fs::write(&path, "second").unwrap();
    let kept = history::keep_earlier(&path).unwrap();
    assert_eq!(kept, Some(folder.join("history-2.jsonl")));
    let read = |name: &str| std::fs::read_to_string(folder.join(name)).unwrap();
    assert_eq!(read("history-1.jsonl"), "first");
    assert_eq!(read("history-2.jsonl"), "second");
}

#[test]
fn a_folder_where_the_history_goes_is_refused_and_left_where_it_is() {
    let folder = tempdir();
    let theirs = folder.join("notes");
    std::fs::create_dir_all(&theirs).unwrap();
    std::fs::write(theirs.join("mine.txt"), "mine").unwrap();
    let said = format!("{:#}", history::keep_earlier(&theirs).unwrap_err());
    assert!(said.contains("is a folder"), "{said}");
    assert_eq!(
        std::fs::read_to_string(theirs.join("mine.txt")).unwrap(),
        "mine"
    );
    assert!(!folder.join("notes-1").exists());
}
