use super::*;

fn info() -> RunInfo {
    RunInfo {
        protocol: "rpc",
        addr: "127.0.0.1:7002".into(),
        connections: 2,
        pipeline: 1,
        warmup: Duration::ZERO,
        duration: Duration::from_secs(2),
        unit: "req",
    }
}

#[test]
fn merged_records_add_up() {
    let mut a = Recorder::new();
    let mut b = Recorder::new();
    for _ in 0..99 {
        a.ok(Duration::from_micros(100));
    }
    a.answered();
    b.ok(Duration::from_millis(10));
    b.error("wrong reply", || "expected x, got y".into());
    b.error("wrong reply", || {
        unreachable!("only the first example is kept")
    });
    a.errors("no reply", 3, || "3 requests".into());
    a.merge(b);
    let report = Report::new(info(), a);
    assert_eq!(report.requests(), 100);
    assert_eq!(report.replies_total(), 101);
    assert_eq!(report.requests_per_second(), 50.0);
    assert_eq!(report.errors(), 5);
    assert_eq!(
        report.error_kinds(),
        vec![
            ("no reply", 3, "3 requests"),
            ("wrong reply", 2, "expected x, got y")
        ]
    );
    let p50 = report.latency(0.5).as_micros();
    assert!((99..=101).contains(&p50), "p50 {p50} µs");
    assert!(report.latency(0.999) >= Duration::from_millis(9));
    let json = report.to_json();
    assert_eq!(json["requests"], 100);
    assert_eq!(json["errors"], 5);
    assert_eq!(json["error_kinds"][1]["kind"], "wrong reply");
    let text = report.to_string();
    assert!(text.contains("warm-up 0s, measured 2s"), "{text}");
    assert!(text.contains("50 req/s"), "{text}");
    assert!(
        text.contains("wrong reply × 2: expected x, got y"),
        "{text}"
    );
}

#[test]
fn many_kinds_of_error_are_still_all_counted() {
    const KINDS: [&str; 20] = [
        "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10", "k11", "k12", "k13",
        "k14", "k15", "k16", "k17", "k18", "k19",
    ];
    let mut a = Recorder::new();
    for kind in KINDS {
        a.error(kind, String::new);
    }
    let mut merged = Recorder::new();
    merged.merge(a);
    let report = Report::new(info(), merged);
    assert_eq!(report.errors(), 20);
    let listed: u64 = report.error_kinds().iter().map(|(_, n, _)| n).sum();
    assert_eq!(listed, 20);
}
