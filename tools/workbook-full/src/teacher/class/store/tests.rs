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
    assert_eq!(back, Added::Again(ada, "ta".into()));
    let used = store
        .transaction(|w| w.add_learner(&again("Rta", "tc")))
        .unwrap();
    assert_eq!(used, Added::Taken, "a code is used once");
    assert_eq!(store.learners().unwrap()[0].token, "tb");
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
