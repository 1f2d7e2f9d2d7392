use super::*;

/// How the end of a server's log is compared, when a `^C` comes in a later block than
/// its start: `...` for all it logged before, then exactly the lines the block shows.
#[test]
fn the_end_of_a_log_is_its_tail() {
    let log = [
        "listening",
        "registered",
        "SayHello: answering",
        "SIGINT",
        "stopped",
    ];
    assert!(compare(&["...", "SIGINT", "stopped"], &log).is_ok());
    assert!(
        compare(&["...", "SIGINT"], &log).is_err(),
        "a line after it is extra"
    );
    assert!(compare(&["...", "SIGINT", "stopped", "gone"], &log).is_err());
}

#[test]
pub(super) fn brackets_stand_for_any_text_within_a_line() {
    assert!(line_matches(
        "date: [..]",
        "date: Sat, 21 Nov 2026 05:52:33 GMT"
    ));
    assert!(line_matches("date: [..]", "date: "));
    assert!(line_matches(
        "[..] INFO l05_grpc: [..]",
        "2026-11-21T05:52:23Z  INFO l05_grpc: up"
    ));
    assert!(line_matches("a[..]b[..]c", "abc"));
    assert!(line_matches("a[..]b[..]c", "a-b-b-c"));
    assert!(!line_matches("a[..]b[..]c", "acb"));
    assert!(!line_matches("date: [..]", "Date: Sat"));
    assert!(!line_matches("plain", "plain and more"));
    assert!(line_matches("plain", "plain"));
}

#[test]
pub(super) fn times_differ_from_run_to_run() {
    assert!(line_matches(
        "2026-11-22T10:35:48.446223Z  INFO l06_register::server: up",
        "2026-11-23T00:41:02.1Z  INFO l06_register::server: up"
    ));
    assert!(!line_matches(
        "2026-11-22T10:35:48.446223Z  INFO l06_register::server: up",
        "2026-11-23T00:41:02.1Z  WARN l06_register::server: up"
    ));
    assert!(line_matches(
        "    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.21s",
        "    Finished `dev` profile [unoptimized + debuginfo] target(s) in 12.03s"
    ));
    assert!(line_matches(
        "at 2026-11-22T10:35:48Z.",
        "at 2026-01-01T00:00:00Z."
    ));
}

#[test]
pub(super) fn an_ellipsis_line_stands_for_any_lines() {
    let book = ["first", "...", "last"];
    assert_eq!(compare(&book, &["first", "a", "b", "last"]), Ok(()));
    assert_eq!(compare(&book, &["first", "last"]), Ok(()));
    assert_eq!(compare(&["...", "end"], &["x", "y", "end"]), Ok(()));
    let mismatch = compare(&book, &["first", "a"]).unwrap_err();
    assert_eq!(mismatch.at, 2);
    assert_eq!(
        mismatch.diff,
        [
            DiffLine::Same("first".into()),
            DiffLine::Same("...".into()),
            DiffLine::Missing("last".into()),
        ]
    );
}

#[test]
pub(super) fn a_mismatch_says_from_which_line_of_the_book() {
    let mismatch = compare(&["a", "b", "c"], &["a", "x", "c"]).unwrap_err();
    assert_eq!(mismatch.at, 1);
    assert_eq!(
        mismatch.diff,
        [
            DiffLine::Same("a".into()),
            DiffLine::Missing("b".into()),
            DiffLine::Extra("x".into()),
            DiffLine::Same("c".into()),
        ]
    );
    // Output the book leaves out shows after the book's last line.
    let mismatch = compare(
        &["Commands:", "  help"],
        &["Commands:", "  help", "", "Options:"],
    )
    .unwrap_err();
    assert_eq!(mismatch.at, 2);
    assert_eq!(
        short_diff(&mismatch.diff, 12),
        ["  Commands:", "    help", "+", "+ Options:"]
    );
}

#[test]
pub(super) fn a_short_diff_keeps_two_lines_around_each_change() {
    let book: Vec<String> = (1..=20).map(|n| format!("line {n}")).collect();
    let mut run = book.clone();
    run[9] = "changed".into();
    let book: Vec<&str> = book.iter().map(String::as_str).collect();
    let run: Vec<&str> = run.iter().map(String::as_str).collect();
    let mismatch = compare(&book, &run).unwrap_err();
    assert_eq!(mismatch.at, 9);
    assert_eq!(
        short_diff(&mismatch.diff, 12),
        [
            "  line 8",
            "  line 9",
            "- line 10",
            "+ changed",
            "  line 11",
            "  line 12"
        ]
    );
}
