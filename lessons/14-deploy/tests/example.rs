//! The worked example's own tests: the load against a gateway of the test's own, its
//! history read back, the windows of the nemesis's journal, the report and the picture.
//! (The lab itself, on Docker, is `tests/lab/`.)

use std::time::Duration;

use l14_deploy::history::{self, Call, Fault, Outcome};
use l14_deploy::load::{self, Plan, Run, Start, Window};
use l14_deploy::{report, timeline};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

fn answered(at: u64, node: &str) -> Call {
    Call {
        at: ms(at),
        latency: ms(3),
        outcome: Outcome::Answered(node.to_string()),
    }
}

fn failed(at: u64) -> Call {
    Call {
        at: ms(at),
        latency: ms(500),
        outcome: Outcome::Failed("503 Service Unavailable".to_string()),
    }
}

/// A gateway of the test's own: the user service's answer from `node` for the first
/// `answers` requests, then 503s, as `micro api` says when no node is left.
async fn gateway(answers: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut served = 0;
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            served += 1;
            let reply = if served <= answers {
                let node = ["user-10.14.0.11-7021", "user-10.14.0.12-7021"][served % 2];
                let body = format!(r#"{{"msg":"Hello load from {node}"}}"#);
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                )
            } else {
                let body = r#"{"id":"go.micro.api","code":503,"detail":"no node of user","status":"Service Unavailable"}"#;
                format!(
                    "HTTP/1.1 503 Service Unavailable\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                )
            };
            tokio::spawn(async move {
                let mut request = [0u8; 1024];
                let _ = stream.read(&mut request).await;
                let _ = stream.write_all(reply.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn the_load_writes_down_every_call_and_reads_back_the_same_history() {
    let gateway = gateway(6).await;
    let folder = tempdir();
    let path = folder.join("history.jsonl");
    let plan = Plan {
        gateway: gateway.clone(),
        rate: 50,
        duration: ms(200),
    };
    let run = load::run(&plan, &path, std::future::pending())
        .await
        .unwrap();

    // 50 a second for 200 ms: ten calls, on schedule, whatever each answer took.
    assert_eq!(run.calls.len(), 10, "{:?}", run.calls);
    let answered = run.calls.iter().filter(|call| call.answered()).count();
    assert_eq!(answered, 6, "{:?}", run.calls);
    let nodes: std::collections::BTreeSet<_> = run
        .calls
        .iter()
        .filter_map(|call| match &call.outcome {
            Outcome::Answered(node) => Some(node.as_str()),
            Outcome::Failed(_) => None,
        })
        .collect();
    assert_eq!(
        nodes.into_iter().collect::<Vec<_>>(),
        ["user-10.14.0.11-7021", "user-10.14.0.12-7021"]
    );
    let failure = run.calls.iter().find(|call| !call.answered()).unwrap();
    assert!(
        matches!(&failure.outcome, Outcome::Failed(why) if why.starts_with("503")),
        "{failure:?}"
    );
    let last = run.calls.last().unwrap().at;
    assert!(
        last >= ms(180),
        "sent on schedule, not sooner: {:?}",
        run.calls
    );

    let read = Run::read(&path).unwrap();
    assert_eq!(read.calls, run.calls);
    assert_eq!(read.start, run.start);
    assert_eq!(read.start.gateway, gateway);
}

#[tokio::test]
async fn a_gateway_that_is_not_there_is_a_failure_per_call_not_an_error() {
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap()
    };
    let folder = tempdir();
    let plan = Plan {
        gateway: format!("http://{closed}"),
        rate: 20,
        duration: ms(100),
    };
    let run = load::run(&plan, &folder.join("h.jsonl"), std::future::pending())
        .await
        .unwrap();
    assert_eq!(run.calls.len(), 2, "{:?}", run.calls);
    for call in &run.calls {
        assert_eq!(
            call.outcome,
            Outcome::Failed("the gateway refused the connection".to_string())
        );
    }
}

#[tokio::test]
async fn a_rate_the_load_cannot_keep_is_refused() {
    let plan = Plan {
        gateway: "http://127.0.0.1:1".to_string(),
        rate: 0,
        duration: ms(100),
    };
    let error = load::run(&plan, &tempdir().join("h"), std::future::pending())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("--rate 0"), "{error}");
}

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
            gateway: String::new(),
            rate: 10,
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

fn fault(what: &str, from: u64, to: Option<u64>) -> Fault {
    Fault {
        what: what.to_string(),
        from_unix_ms: from,
        to_unix_ms: to,
    }
}

fn window(what: &str, from: u64, to: u64) -> Window {
    Window {
        what: what.to_string(),
        from: ms(from),
        to: ms(to),
    }
}

/// A folder of the test's own, under the target directory.
fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let folder = std::env::temp_dir().join(format!(
        "l14-example-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&folder).unwrap();
    folder
}
