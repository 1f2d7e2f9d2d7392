//! The store's own tests: what it keeps across a reopening, what a failed transaction
//! leaves (nothing), and who may join again under a name.

use super::*;

fn event(learner: i64, seq: u64) -> Event {
    Event {
        learner,
        seq,
        exercise: "tcp.echo".into(),
        passed: false,
        test: Some("echoes_a_line".into()),
        message: Some("not yet implemented".into()),
        hints: 1,
        at_ms: 1_000 + seq,
        received_ms: 2_000,
        current: true,
        untouched: false,
    }
}

#[test]
fn keeps_learners_and_events_once_across_a_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("class.sqlite");
    {
        let mut store = Store::open(&path).unwrap();
        let class = ClassRow {
            name: "c".into(),
            code: "ABC".into(),
            teacher_token: "t".into(),
            joining: true,
        };
        store.create_class(&class, 1).unwrap();
        let Added::Learner(ada) = store
            .transaction(|w| w.add_learner(&new("Ada", "ta", 60)))
            .unwrap()
        else {
            panic!("Ada joins")
        };
        for same in ["Ada", "ADA", "Ａｄａ"] {
            let taken = store
                .transaction(|w| w.add_learner(&new(same, "tb", 60)))
                .unwrap();
            assert_eq!(taken, Added::Taken, "{same} is Ada's name");
        }
        let full = store
            .transaction(|w| w.add_learner(&new("Bob", "tc", 1)))
            .unwrap();
        assert_eq!(full, Added::Full, "a class of one holds one");
        let kept = store
            .transaction(|w| {
                Ok((
                    w.keep(&event(ada, 1))?,
                    w.keep(&event(ada, 1))?,
                    w.keep(&event(ada, 2))?,
                ))
            })
            .unwrap();
        assert_eq!(
            kept,
            (true, false, true),
            "a verdict sent twice is kept once"
        );
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.class().unwrap().unwrap().code, "ABC");
    assert_eq!(store.learners().unwrap()[0].name, "Ada");
    let mut seqs = Vec::new();
    store.events(|e| seqs.push(e.seq)).unwrap();
    assert_eq!(seqs, [1, 2]);
}

/// A join of `name` with token `token`, into a class of `most`.
fn new(name: &str, token: &str, most: usize) -> NewLearner {
    NewLearner {
        name: name.into(),
        token: token.into(),
        rejoin_code: format!("R{token}"),
        presented: None,
        held: None,
        joined_ms: 5,
        most,
        open: true,
    }
}

#[test]
fn a_learner_joins_again_with_their_rejoin_code_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("class.sqlite")).unwrap();
    let Added::Learner(ada) = store
        .transaction(|w| w.add_learner(&new("Ada", "ta", 1)))
        .unwrap()
    else {
        panic!("Ada joins")
    };
    // Joining closed: the class's own learners still come back in.
    let again = |presented: &str, token: &str| NewLearner {
        presented: Some(presented.into()),
        open: false,
        ..new("ada", token, 1)
    };
    let closed = NewLearner {
        open: false,
        ..new("Bob", "tz", 9)
    };
    assert_eq!(
        store.transaction(|w| w.add_learner(&closed)).unwrap(),
        Added::Closed
    );
    let wrong = store
        .transaction(|w| w.add_learner(&again("Rtx", "tb")))
        .unwrap();
    assert_eq!(wrong, Added::Taken, "another's code is no code");
    // In a full class too, and a closed one: it is no new learner.
    let back = store
        .transaction(|w| w.add_learner(&again("Rta", "tb")))
        .unwrap();
    assert_eq!(
        back,
        Added::Again {
            id: ada,
            old: "ta".into(),
            name: "Ada".into()
        }
    );
    let used = store
        .transaction(|w| w.add_learner(&again("Rta", "tc")))
        .unwrap();
    assert_eq!(used, Added::Taken, "a code is used once");
    assert_eq!(store.learners().unwrap()[0].token, "tb");
}

#[test]
fn a_rejoin_code_finds_its_row_under_the_teachers_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("class.sqlite")).unwrap();
    let Added::Learner(ada) = store
        .transaction(|w| w.add_learner(&new("Ada", "ta", 9)))
        .unwrap()
    else {
        panic!("Ada joins")
    };
    let rename = Change::Rename {
        name: "Ada".into(),
        to: "Ada L.".into(),
    };
    store.transaction(|w| w.roster(&rename)).unwrap();
    // The line her runner printed before the rename, with her old name.
    let back = NewLearner {
        presented: Some("Rta".into()),
        ..new("Ada", "tb", 9)
    };
    assert_eq!(
        store.transaction(|w| w.add_learner(&back)).unwrap(),
        Added::Again {
            id: ada,
            old: "ta".into(),
            name: "Ada L.".into()
        },
        "her row, under the teacher's name: no new row"
    );
    assert_eq!(store.learners().unwrap().len(), 1);
}

#[test]
fn the_same_copy_joining_again_is_in_already_or_moves_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("class.sqlite")).unwrap();
    let Added::Learner(ada) = store
        .transaction(|w| w.add_learner(&new("Ada", "ta", 9)))
        .unwrap()
    else {
        panic!("Ada joins")
    };
    store
        .transaction(|w| w.add_learner(&new("Bob", "tb", 9)))
        .unwrap();
    store.transaction(|w| w.keep(&event(ada, 1))).unwrap();
    let from_her_copy = |name: &str| NewLearner {
        held: Some("ta".into()),
        ..new(name, "unused", 9)
    };
    let run = |store: &mut Store, name: &str| {
        store
            .transaction(|w| w.add_learner(&from_her_copy(name)))
            .unwrap()
    };
    let already = Added::Already {
        id: ada,
        rejoin: Some("Rta".into()),
    };
    assert_eq!(run(&mut store, "ADA"), already, "her name in any case");
    assert_eq!(run(&mut store, "Bob"), Added::Taken, "another's name");
    assert_eq!(
        run(&mut store, "Ada Lovelace"),
        Added::Moved {
            id: ada,
            was: "Ada".into(),
            rejoin: Some("Rta".into())
        }
    );
    let learners = store.learners().unwrap();
    let names: Vec<&str> = learners.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(
        names,
        ["Ada Lovelace", "Bob"],
        "her row moved, none left behind"
    );
    assert_eq!(learners[0].token, "ta", "her copy's token as it was");
    assert_eq!(store.count().unwrap(), 1, "her verdicts with it");
}

#[test]
fn a_merged_rows_token_sends_as_the_other_row() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("class.sqlite")).unwrap();
    for (name, token) in [("Ada", "ta"), ("Ada 2", "t2"), ("Ada 3", "t3")] {
        store
            .transaction(|w| w.add_learner(&new(name, token, 9)))
            .unwrap();
    }
    let merge = |name: &str, into: &str| Change::Merge {
        name: name.into(),
        into: into.into(),
    };
    // Ada 3 into Ada 2, then Ada 2 into Ada: both tokens are Ada's row's now.
    store
        .transaction(|w| w.roster(&merge("Ada 3", "Ada 2")))
        .unwrap();
    store
        .transaction(|w| w.roster(&merge("Ada 2", "Ada")))
        .unwrap();
    let ada = store.learners().unwrap()[0].id;
    let mut merged = store.merged_tokens().unwrap();
    merged.sort();
    assert_eq!(merged, [("t2".to_string(), ada), ("t3".to_string(), ada)]);
    assert!(store.gone_tokens().unwrap().is_empty(), "no token is gone");
    // Ada removed: every token of hers is, and said so.
    let remove = Change::Remove { name: "Ada".into() };
    store.transaction(|w| w.roster(&remove)).unwrap();
    assert!(store.merged_tokens().unwrap().is_empty());
    let mut gone = store.gone_tokens().unwrap();
    gone.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        gone,
        ["t2", "t3", "ta"].map(|token| (token.to_string(), Gone::Removed))
    );
}

#[test]
fn a_failed_transaction_keeps_nothing_of_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("class.sqlite")).unwrap();
    let Added::Learner(ada) = store
        .transaction(|w| w.add_learner(&new("Ada", "ta", 60)))
        .unwrap()
    else {
        panic!("Ada joins")
    };
    let failed: Result<()> = store.transaction(|w| {
        w.keep(&event(ada, 1))?;
        anyhow::bail!("stopped half-way")
    });
    assert!(failed.is_err());
    assert_eq!(store.count().unwrap(), 0);
}
