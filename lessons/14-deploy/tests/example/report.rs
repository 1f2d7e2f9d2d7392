//! What a run shows: the report's parts and the timeline's picture.

use std::time::Duration;

use l14_deploy::exercises::availability::Availability;
use l14_deploy::history::{Call, Outcome};
use l14_deploy::{report, timeline};

use super::{answered, failed, ms, window};

#[test]
fn the_report_has_a_row_for_the_run_and_one_per_fault() {
    let mut calls: Vec<Call> = (0..100).map(|i| answered(i * 100, "user-a")).collect();
    for call in calls.iter_mut().skip(40).take(10) {
        *call = failed(call.at.as_millis() as u64);
    }
    let windows = [window("kill host-b", 4_000, 6_000)];
    let text = report::report(&calls, &windows);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("window"), "{text}");
    assert!(lines[0].contains("p99 answered"), "{text}");
    assert!(lines[1].starts_with("whole run 0.0–9.9 s"), "{text}");
    assert!(
        lines[1].contains(" 90 ") && lines[1].contains(" 10 "),
        "{text}"
    );
    assert!(lines[2].starts_with("kill host-b 4.0–6.0 s"), "{text}");
    assert!(
        lines[2].contains("1.00 s"),
        "from the window's start to the answer at 5.0 s: {text}"
    );
    assert!(
        lines[3].contains("counted by when they were sent"),
        "{text}"
    );
    assert!(text.contains("answered by: user-a 90"), "{text}");
    assert!(text.contains("first failure: at 4.0 s, 503"), "{text}");
}

/// A failure that took `latency` ms.
fn failed_after(at: u64, latency: u64) -> Call {
    Call {
        latency: ms(latency),
        ..failed(at)
    }
}

#[test]
fn every_failure_counts_once_under_the_fault_it_was_in_flight_during() {
    let calls = vec![
        answered(0, "host-a"),
        // Sent before the partition, lost in it: the partition's.
        failed_after(4_850, 5_000),
        failed_after(6_000, 5_000),
        // Sent during both faults: the first one's only.
        failed_after(8_500, 5_000),
        // Sent after the partition, while host-b is down: the kill's.
        failed_after(12_500, 1),
        // During no fault at all.
        failed_after(30_000, 2),
        answered(31_000, "host-a"),
    ];
    let partition = window("partition host-c", 5_400, 10_000);
    let kill = window("kill host-b", 8_000, 20_000);
    let (during, outside) =
        report::in_flight_during(&calls, |call| !call.answered(), &[&partition, &kill]);
    let sent = |lost: &[&Call]| lost.iter().map(|call| call.at).collect::<Vec<Duration>>();
    assert_eq!(sent(&during[0]), [ms(4_850), ms(6_000), ms(8_500)]);
    assert_eq!(sent(&during[1]), [ms(12_500)]);
    assert_eq!(sent(&outside), [ms(30_000)]);

    let text = report::report(&calls, &[partition, kill]);
    assert!(
        text.contains("failed calls: 5, each under the fault it was in flight during"),
        "{text}"
    );
    let (_, failures) = text.split_once("failed calls:").unwrap();
    let line = |start: &str| {
        failures
            .lines()
            .find(|line| line.trim_start().starts_with(start))
            .unwrap_or_else(|| panic!("no line {start:?}: {text}"))
            .to_string()
    };
    let partition = line("partition host-c 5.4–10.0 s");
    assert!(partition.contains("3, each took 5.0s"), "{text}");
    let kill = line("kill host-b 8.0–20.0 s");
    assert!(kill.contains("1, took 1.0ms"), "{text}");
    let outside = line("during no fault");
    assert!(outside.contains("1, took 2.0ms, sent at 30.0 s"), "{text}");
}

#[test]
fn failures_that_took_different_times_show_the_range() {
    let calls = vec![failed_after(100, 1), failed_after(200, 5_000)];
    let text = report::report(&calls, &[window("partition host-c", 0, 1_000)]);
    assert!(text.contains("2, took 1.0ms to 5.0s"), "{text}");
    let quiet = report::report(&[answered(0, "host-a")], &[]);
    assert!(quiet.contains("failed calls: none"), "{quiet}");
}

fn not_yet_implemented(_: &[Call], _: Duration, _: Duration) -> Availability {
    todo!()
}

fn a_learners_slip(calls: &[Call], _: Duration, _: Duration) -> Availability {
    let _ = &calls[calls.len()];
    Availability::default()
}

#[test]
fn without_the_exercise_the_report_says_so_in_one_line_and_shows_the_rest() {
    let calls = vec![answered(0, "host-a"), failed(100), answered(200, "host-b")];
    let windows = [window("partition host-c", 50, 150)];
    let text = report::report_with(&calls, &windows, not_yet_implemented, None);
    let lines: Vec<&str> = text.lines().collect();
    // A `todo!()` outside the exercise's file is a panic like any other; the stub's own is
    // named by its exercise (tests/unfinished.rs runs the program on it).
    assert!(
        lines[0].contains("the exercise deploy.availability, which panicked (not yet implemented)")
            && lines[0].contains("cargo run -p workbook -- check deploy.availability"),
        "{text}"
    );
    assert!(lines[1].starts_with("faults: partition host-c"), "{text}");
    assert_eq!(lines[2], "answered by: host-a 1, host-b 1", "{text}");
    assert!(text.contains("failed calls: 1"), "{text}");
    assert!(text.contains("first failure: at 0.1 s, 503"), "{text}");

    let text = report::report_with(&calls, &windows, a_learners_slip, None);
    let first = text.lines().next().unwrap();
    assert!(
        first.contains("deploy.availability, which panicked (index out of bounds"),
        "{text}"
    );
}

#[test]
fn slow_answers_are_counted_apart_under_the_fault_they_were_held_up_by() {
    let slow = |at: u64, latency: u64| Call {
        latency: ms(latency),
        ..answered(at, "host-a")
    };
    let calls = vec![
        answered(0, "host-a"),
        slow(4_900, 502),
        slow(5_100, 501),
        answered(5_200, "host-b"),
        slow(9_000, 150),
    ];
    let text = report::report(&calls, &[window("partition host-c", 5_000, 8_000)]);
    assert!(
        text.contains("faults: partition host-c 5.0–8.0 s"),
        "{text}"
    );
    assert!(
        text.contains(
            "slow answers (100ms or more): 3, each under the fault it was in flight during:"
        ),
        "{text}"
    );
    let (_, slow_part) = text.split_once("slow answers").unwrap();
    assert!(slow_part.contains("2, took 501.0ms to 502.0ms"), "{text}");
    assert!(
        slow_part.contains("1, took 150.0ms, sent at 9.0 s"),
        "{text}"
    );
    assert!(text.contains("failed calls: none"), "{text}");

    let quiet = report::report(&[answered(0, "host-a")], &[]);
    assert!(quiet.contains("faults: none"), "{quiet}");
    assert!(
        quiet.contains("slow answers (100ms or more): none"),
        "{quiet}"
    );
}

#[test]
fn the_timeline_draws_a_row_per_node_a_mark_per_call_and_the_faults_behind() {
    let calls = vec![
        answered(0, "user-10.14.0.11-7021"),
        answered(100, "user-10.14.0.12-7021"),
        failed(200),
        answered(300, "user-10.14.0.11-7021"),
    ];
    let windows = [window("partition <host-c> & co", 150, 250)];
    let svg = timeline::svg(&calls, &windows);
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    assert!(svg.trim_end().ends_with("</svg>"), "{svg}");
    // One mark per call, 1.5 wide: three answers in green, the failure in red with a line
    // for its 500 ms wait.
    let marks = |colour: &str| {
        svg.lines()
            .filter(|line| {
                line.starts_with("<rect") && line.contains(&format!("fill=\"{colour}\""))
            })
            .filter(|line| line.contains("width=\"1.5\""))
            .count()
    };
    assert_eq!(marks("#2a7d3f"), 3 + 1, "and one in the legend: {svg}");
    assert_eq!(marks("#c62828"), 1 + 1, "and one in the legend: {svg}");
    assert_eq!(svg.matches("<line x1=\"").count() - ticks(&svg), 1, "{svg}");
    // Rows: each node, then the calls nobody answered.
    let rows: Vec<usize> = ["user-10.14.0.11-7021", "user-10.14.0.12-7021", "no answer"]
        .iter()
        .map(|row| svg.find(&format!(">{row}</text>")).expect(row))
        .collect();
    assert!(rows.is_sorted(), "{svg}");
    // The fault's label, escaped.
    assert!(
        svg.contains(">partition &lt;host-c&gt; &amp; co</text>"),
        "{svg}"
    );
    // Empty history: still a picture.
    let empty = timeline::svg(&[], &[]);
    assert!(empty.contains(">no answer</text>") && empty.contains("</svg>"));
}

/// The lines that are no call's: the rows' and the time axis's ticks.
fn ticks(svg: &str) -> usize {
    svg.lines()
        .filter(|line| line.contains("stroke=\"#ddd\"") || line.contains("stroke=\"#888\""))
        .count()
}

#[test]
fn the_timeline_draws_slow_answers_apart_and_says_what_each_mark_is() {
    let slow = Call {
        at: ms(100),
        latency: l14_deploy::history::SLOW,
        outcome: Outcome::Answered("host-b".to_string()),
    };
    let svg = timeline::svg(&[answered(0, "host-a"), slow], &[]);
    let slow_marks: Vec<&str> = svg
        .lines()
        .filter(|line| line.contains("#ef8a00") && !line.contains("<text"))
        .collect();
    // The slow answer's mark and the line of its wait.
    assert_eq!(slow_marks.len(), 2, "{svg}");
    for key in [
        ">answered</text>",
        ">answered after 100ms or more (a line: its wait)</text>",
        ">no answer (a line: its wait)</text>",
        ">a fault</text>",
    ] {
        assert!(svg.contains(key), "the legend says {key}: {svg}");
    }
}
