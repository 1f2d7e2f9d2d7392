//! The load against a gateway of the test's own: every call written down and read back,
//! a gateway that is not there, calls passed on from gateways that do not take them or
//! answer 503 (and not from one that answers 502), a rate the load cannot keep; and the
//! lesson's `load` with no lab up, refused.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use l14_deploy::history::Outcome;
use l14_deploy::load::{self, Plan, Run};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::{ms, tempdir};

/// A gateway of the test's own: the user service's answer from `node` for the first
/// `answers` requests, then 503s, as `micro api` says when no node is left.
async fn gateway(answers: usize) -> String {
    gateway_failing(answers, "503 Service Unavailable").await
}

/// [`gateway`], failing with `status` (`502 Bad Gateway`) after its answers.
async fn gateway_failing(answers: usize, status: &'static str) -> String {
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
                let body = r#"{"code":14,"message":"no node of user","status":"Unavailable"}"#;
                format!(
                    "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
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
        gateways: vec![gateway.clone()],
        rate: 50,
        duration: ms(200),
        containers: Vec::new(),
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
    assert_eq!(read.start.gateways, [gateway]);
}

#[tokio::test]
async fn a_gateway_that_is_not_there_is_a_failure_per_call_not_an_error() {
    let closed = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap()
    };
    let folder = tempdir();
    let plan = Plan {
        gateways: vec![format!("http://{closed}")],
        rate: 20,
        duration: ms(100),
        containers: Vec::new(),
    };
    let run = load::run(&plan, &folder.join("h.jsonl"), std::future::pending())
        .await
        .unwrap();
    assert_eq!(run.calls.len(), 2, "{:?}", run.calls);
    for call in &run.calls {
        assert_eq!(
            call.outcome,
            Outcome::Failed(format!(
                "the gateway refused the connection (gateway {closed})"
            ))
        );
    }
}

/// A gateway that takes each connection and closes it unanswered, as Docker's port
/// forwarder does when no gateway listens behind it.
async fn closes_unanswered() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request).await;
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_call_a_gateway_does_not_take_goes_to_the_next_and_an_error_does_not() {
    let refused = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let folder = tempdir();
    // Each call begins at the next gateway: the first two pass it on to the third.
    let plan = Plan {
        gateways: vec![refused, closes_unanswered().await, gateway(100).await],
        rate: 50,
        duration: ms(120),
        containers: Vec::new(),
    };
    let run = load::run(&plan, &folder.join("h.jsonl"), std::future::pending())
        .await
        .unwrap();
    assert_eq!(run.calls.len(), 6, "{:?}", run.calls);
    assert!(
        run.calls.iter().all(|call| call.answered()),
        "{:?}",
        run.calls
    );

    // A gateway's error that may have run (502) is its answer: not sent on to the next.
    let plan = Plan {
        gateways: vec![
            gateway_failing(0, "502 Bad Gateway").await,
            gateway(100).await,
        ],
        rate: 50,
        duration: ms(80),
        containers: Vec::new(),
    };
    let run = load::run(&plan, &folder.join("h2.jsonl"), std::future::pending())
        .await
        .unwrap();
    let failed = run.calls.iter().filter(|call| !call.answered()).count();
    assert_eq!((run.calls.len(), failed), (4, 2), "{:?}", run.calls);

    // A 503 says no node ran it: the next gateway may have it.
    let plan = Plan {
        gateways: vec![gateway(0).await, gateway(100).await],
        rate: 50,
        duration: ms(80),
        containers: Vec::new(),
    };
    let run = load::run(&plan, &folder.join("h3.jsonl"), std::future::pending())
        .await
        .unwrap();
    let failed = run.calls.iter().filter(|call| !call.answered()).count();
    assert_eq!((run.calls.len(), failed), (4, 0), "{:?}", run.calls);
}

#[tokio::test]
async fn a_rate_the_load_cannot_keep_is_refused() {
    let plan = Plan {
        gateways: vec!["http://127.0.0.1:1".to_string()],
        rate: 0,
        duration: ms(100),
        containers: Vec::new(),
    };
    let error = load::run(&plan, &tempdir().join("h"), std::future::pending())
        .await
        .unwrap_err();
    assert!(error.to_string().contains("--rate 0"), "{error}");
}

#[test]
fn with_no_lab_up_the_load_is_refused_at_once_and_the_history_is_kept() {
    let folder = tempdir();
    let history = folder.join("history.jsonl");
    std::fs::write(&history, "an earlier run's history\n").unwrap();
    // A project no lab of anyone's has.
    let project = format!("l14-none-{}", std::process::id());
    let started = Instant::now();
    let out = testkit::output_within(
        "`l14-deploy load` with no lab up",
        Command::new(env!("CARGO_BIN_EXE_l14-deploy"))
            .args(["--project", &project, "load", "--for", "10m", "--history"])
            .arg(&history)
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE"),
        Duration::from_secs(60),
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "refused: {said}");
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "at once, not after calling for ten minutes"
    );
    assert_eq!(said.trim().lines().count(), 1, "one line: {said}");
    // Where Docker answers, the lab is what is missing; elsewhere, Docker.
    let docker = Command::new("docker")
        .args(["version", "--format", "{{.Server.Version}}"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .is_ok_and(|child| {
            testkit::child_output_within("`docker version`", child, testkit::PATIENCE)
                .status
                .success()
        });
    if docker {
        assert!(
            said.contains(&format!("no lab is up (project {project})"))
                && said.contains("cargo run --release -p l14-deploy -- up"),
            "{said}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(&history).unwrap(),
        "an earlier run's history\n",
        "the history of an earlier run is kept"
    );
}
