//! What a run shows: the report's rows and the timeline's picture.

use l14_deploy::history::Call;
use l14_deploy::{report, timeline};

use super::{answered, failed, window};

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
    assert!(text.contains("answered by: user-a 90"), "{text}");
    assert!(text.contains("first failure: at 4.0 s, 503"), "{text}");
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
    // One mark per call: 1.5 wide, in green or red.
    assert_eq!(svg.matches("width=\"1.5\"").count(), 4, "{svg}");
    assert_eq!(svg.matches("#c62828").count(), 1, "{svg}");
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
