//! `deploy.availability`: one window of a history, in numbers.

use std::time::Duration;

use l14_deploy::exercises::availability::{Availability, availability};
use l14_deploy::history::{Call, Outcome};

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

fn answered(at: u64, latency: u64) -> Call {
    Call {
        at: ms(at),
        latency: ms(latency),
        outcome: Outcome::Answered("user-10.14.0.12-7021".to_string()),
    }
}

fn failed(at: u64) -> Call {
    Call {
        at: ms(at),
        latency: ms(2000),
        outcome: Outcome::Failed("503 Service Unavailable".to_string()),
    }
}

#[test]
fn a_quiet_window_counts_every_call_and_its_gaps_are_the_calls_spacing() {
    let calls: Vec<Call> = (0..10).map(|i| answered(i * 100, 5)).collect();
    let seen = availability(&calls, ms(0), ms(1000));
    assert_eq!(
        seen,
        Availability {
            answered: 10,
            failed: 0,
            longest_gap: ms(100),
            p99: Some(ms(5)),
        }
    );
}

#[test]
fn only_the_calls_sent_within_the_window_count_its_end_excluded() {
    let calls = vec![
        answered(99, 1),
        answered(100, 2),
        answered(150, 3),
        answered(200, 4),
    ];
    let seen = availability(&calls, ms(100), ms(200));
    assert_eq!(seen.answered, 2, "{seen:?}");
    assert_eq!(seen.failed, 0, "{seen:?}");
    // From 150 to the window's end at 200: the last answer to the edge is a gap too.
    assert_eq!(seen.longest_gap, ms(50), "{seen:?}");
}

#[test]
fn failures_open_a_gap_that_ends_at_the_next_answer() {
    let calls = vec![
        answered(0, 3),
        answered(100, 3),
        failed(200),
        failed(300),
        failed(400),
        answered(950, 3),
        answered(1000, 3),
    ];
    let seen = availability(&calls, ms(0), ms(1050));
    assert_eq!(seen.answered, 4, "{seen:?}");
    assert_eq!(seen.failed, 3, "{seen:?}");
    assert_eq!(
        seen.longest_gap,
        ms(850),
        "from the answer at 100 to the one at 950: {seen:?}"
    );
}

#[test]
fn the_calls_may_come_in_any_order() {
    let mut calls = vec![
        answered(0, 1),
        answered(500, 1),
        answered(600, 1),
        answered(1000, 1),
    ];
    calls.reverse();
    calls.swap(0, 2);
    let seen = availability(&calls, ms(0), ms(1000));
    assert_eq!(seen.longest_gap, ms(500), "{seen:?}");
}

#[test]
fn the_window_edges_count_as_ends_of_a_gap() {
    let calls = vec![answered(700, 1), answered(800, 1)];
    let seen = availability(&calls, ms(0), ms(900));
    assert_eq!(
        seen.longest_gap,
        ms(700),
        "the window's start to the first answer: {seen:?}"
    );
}

#[test]
fn a_window_with_no_answer_is_one_gap_its_whole_length_and_has_no_p99() {
    let calls = vec![
        answered(0, 1),
        failed(1200),
        failed(1700),
        answered(3000, 1),
    ];
    let seen = availability(&calls, ms(1000), ms(2500));
    assert_eq!(
        seen,
        Availability {
            answered: 0,
            failed: 2,
            longest_gap: ms(1500),
            p99: None,
        }
    );
    let empty = availability(&[], ms(1000), ms(1400));
    assert_eq!(empty.longest_gap, ms(400), "{empty:?}");
    assert_eq!((empty.answered, empty.failed, empty.p99), (0, 0, None));
}

#[test]
fn p99_is_the_nearest_rank_of_the_answered_calls_only() {
    // 200 answers: 1..=200 ms. Nearest rank ⌈0.99 · 200⌉ = 198: the 198th smallest, 198 ms.
    let mut calls: Vec<Call> = (1..=200).map(|i| answered(i * 10, i)).collect();
    // A failure's latency (2 s, a timeout) is no answer's latency.
    calls.push(failed(5));
    let seen = availability(&calls, ms(0), ms(3000));
    assert_eq!(seen.p99, Some(ms(198)), "{seen:?}");

    // Few answers: ⌈0.99 · 3⌉ = 3, the slowest.
    let few = vec![answered(0, 7), answered(10, 2), answered(20, 40)];
    assert_eq!(availability(&few, ms(0), ms(100)).p99, Some(ms(40)));
    let one = vec![answered(0, 9)];
    assert_eq!(availability(&one, ms(0), ms(100)).p99, Some(ms(9)));
}

#[test]
fn an_empty_or_backwards_window_is_no_calls_and_no_gap_beyond_it() {
    let calls = vec![answered(100, 1)];
    let seen = availability(&calls, ms(500), ms(500));
    assert_eq!(seen, Availability::default());
    let backwards = availability(&calls, ms(500), ms(200));
    assert_eq!(backwards, Availability::default());
}
