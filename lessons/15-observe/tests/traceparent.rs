//! `observe.traceparent`: the W3C header read, a child written, bad input refused. The
//! valid headers are the recommendation's own examples (W3C Trace Context, section 3.2).

use l15_observe::exercises::traceparent::{TraceParent, parse};

const EXAMPLE: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

fn expected() -> TraceParent {
    TraceParent {
        trace_id: [
            0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e,
            0x47, 0x36,
        ],
        parent_id: [0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7],
        flags: 0x01,
    }
}

#[test]
fn the_recommendations_example_is_read() {
    assert_eq!(parse(EXAMPLE), Ok(expected()));
    let not_sampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
    let read = parse(not_sampled).map(|parent| parent.flags);
    assert_eq!(read, Ok(0), "flags 00: not sampled");
    let padded = format!(" \t{EXAMPLE} ");
    assert_eq!(
        parse(&padded),
        Ok(expected()),
        "spaces and tabs around are ignored"
    );
}

#[test]
fn a_later_version_is_read_by_its_first_four_fields() {
    let later = "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-comes-next";
    assert_eq!(parse(later), Ok(expected()));
    let same_length = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    assert_eq!(parse(same_length), Ok(expected()));
}

#[test]
fn a_child_keeps_the_trace_and_names_its_parent() {
    let child = expected().child([1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(
        child,
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0102030405060708-01"
    );
}

#[test]
fn what_is_no_traceparent_is_refused() {
    let bad = [
        ("", "empty"),
        ("00", "a version alone"),
        (
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "version ff",
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-00",
            "version 00, longer",
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
            "a short trace id",
        ),
        (
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "upper-case hex",
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0g",
            "a flag not hex",
        ),
        (
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "a zero trace id",
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "a zero parent id",
        ),
        (
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
            "not '-'",
        ),
        (
            "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01.",
            "no '-' after flags",
        ),
        (
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-é1",
            "not ASCII",
        ),
    ];
    for (header, what) in bad {
        let read = parse(header);
        assert!(read.is_err(), "{what}: {header:?} read as {read:?}");
    }
    let huge = format!(
        "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-{}",
        "a".repeat(100_000)
    );
    let read = parse(&huge);
    assert!(read.is_err(), "a header of 100 kB read as {read:?}");
}
