//! A class is one file: stopped with Ctrl-C, `class.sqlite` alone (copied without the
//! log beside it) holds every learner and verdict; while it runs, `class backup` copies it
//! whole, verdicts coming in meanwhile.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rusqlite::{Connection, OpenFlags};

use super::{Running, batch, run};
use crate::fixture::Course;

/// The learners and verdicts in the database `file`, opened read-only as it is: its
/// integrity checked first.
fn class_in(file: &std::path::Path) -> (u64, u64) {
    let db = Connection::open_with_flags(file, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap_or_else(|err| panic!("{}: {err}", file.display()));
    let check: String = db
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .unwrap();
    assert_eq!(check, "ok", "{}", file.display());
    let count = |table: &str| -> u64 {
        db.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |row| {
            row.get::<_, i64>(0)
        })
        .unwrap_or_else(|err| panic!("{}: {table}: {err}", file.display())) as u64
    };
    (count("learner"), count("verdict"))
}

#[test]
fn a_class_stopped_with_ctrl_c_is_in_its_database_file_alone() {
    let course = Course::new();
    let server = Running::start(&course, "127.0.0.1:0", "en");
    let ada = server.join("Ada");
    server.join("Bob");
    for seq in 1..=30 {
        let answer = server.post("/api/verdicts", Some(&ada), &batch(seq, "demo.add", false));
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    let status = server.interrupt();
    assert!(status.success(), "a clean stop: {status:?}");
    // The file alone, copied where no log is beside it, as a teacher keeps it.
    let kept = course.path("class/class.sqlite");
    let alone = course.path("kept/class.sqlite");
    std::fs::create_dir_all(alone.parent().unwrap()).unwrap();
    std::fs::copy(&kept, &alone).unwrap();
    assert_eq!(class_in(&alone), (2, 30));
    assert!(
        !course.path("class/class.sqlite-wal").exists(),
        "no log left beside it"
    );
}

#[test]
fn class_backup_copies_the_class_whole_while_verdicts_come_in() {
    let course = Course::new();
    let server = Running::start(&course, "127.0.0.1:0", "en");
    let ada = server.join("Ada");
    let bob = server.join("Bob");
    // Some kept before the copy starts, more while it is made.
    let before = 20;
    for seq in 1..=before {
        let answer = server.post("/api/verdicts", Some(&ada), &batch(seq, "demo.add", false));
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    let kept = AtomicU64::new(before);
    let stop = AtomicBool::new(false);
    let dir = course.path("class");
    let copy = course.path("backup.sqlite");
    let copied = std::thread::scope(|scope| {
        // A learner sending all along, until the copy is made.
        let sender = scope.spawn(|| {
            // As fast as the server lets one learner: a refusal for the rate keeps nothing.
            let mut seq = before;
            while !stop.load(Ordering::Relaxed) {
                seq += 1;
                let answer =
                    server.post("/api/verdicts", Some(&ada), &batch(seq, "demo.add", false));
                match answer.status {
                    200 => kept.fetch_add(1, Ordering::Relaxed),
                    429 => 0,
                    _ => panic!("{}: {}", answer.status, answer.body),
                };
            }
        });
        let args = [
            "class",
            "backup",
            "--dir",
            dir.to_str().unwrap(),
            copy.to_str().unwrap(),
        ];
        let copied = run(&course, &args);
        stop.store(true, Ordering::Relaxed);
        // deadline: told to stop, it ends after its verdict in flight, which the server
        // answers within its own request deadline
        sender.join().unwrap();
        copied
    });
    let (ok, out) = copied;
    assert!(ok && out.contains("copied whole"), "{out}");
    // Every verdict acknowledged before the copy began, and the copy consistent.
    let (learners, verdicts) = class_in(&copy);
    assert_eq!(learners, 2);
    assert!(
        verdicts >= before && verdicts <= kept.load(Ordering::Relaxed),
        "{verdicts} verdicts; {before} kept before the copy, {} after",
        kept.load(Ordering::Relaxed)
    );
    // Never over a file: a second copy to the same name is refused, the first kept.
    let (ok, out) = run(
        &course,
        &[
            "class",
            "backup",
            "--dir",
            dir.to_str().unwrap(),
            copy.to_str().unwrap(),
        ],
    );
    assert!(!ok && out.contains("exists already"), "{out}");
    assert_eq!(class_in(&copy).1, verdicts);
    // The class goes on (for Bob: Ada sent as fast as her rate let her).
    let answer = server.post("/api/verdicts", Some(&bob), &batch(1, "demo.add", true));
    assert_eq!(answer.status, 200, "{}", answer.body);
}
