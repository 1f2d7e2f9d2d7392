//! `testkit::consul()` gives a test an agent that answers, and leaves nothing running.

use std::time::Duration;

use testkit::{ConsulKind, within};

/// `host:port` of an `http://host:port` URL.
fn host_port(url: &str) -> &str {
    url.split_once("://").map_or(url, |(_, rest)| rest)
}

async fn leader(url: &str) -> String {
    let answer = within(
        "GET /v1/status/leader",
        reqwest::get(format!("{url}/v1/status/leader")),
    )
    .await
    .expect("the agent answers HTTP");
    assert!(answer.status().is_success(), "status {}", answer.status());
    answer.json::<String>().await.expect("a JSON string")
}

#[tokio::test]
async fn the_agent_answers_and_elects_itself_leader() {
    let agent = testkit::consul().await;
    assert!(
        agent.url().starts_with("http://") || agent.url().starts_with("https://"),
        "the URL has a scheme: {}",
        agent.url()
    );
    assert!(
        !agent.url().ends_with('/'),
        "no trailing slash: {}",
        agent.url()
    );
    assert!(!leader(agent.url()).await.is_empty(), "a leader is known");
}

#[tokio::test]
async fn what_the_guard_started_is_gone_after_drop() {
    let agent = testkit::consul().await;
    if agent.kind() == ConsulKind::External {
        return; // someone else's agent: nothing was started, nothing to stop
    }
    let url = agent.url().to_string();
    let pid = agent.pid();
    leader(&url).await;
    drop(agent);

    let refused = tokio::net::TcpStream::connect(host_port(&url)).await;
    assert!(
        refused.is_err(),
        "{url} still accepts connections after drop"
    );
    if let Some(pid) = pid {
        assert_reaped(pid);
    }
}

#[tokio::test]
async fn two_tests_get_two_agents() {
    let (first, second) = tokio::join!(testkit::consul(), testkit::consul());
    if first.kind() == ConsulKind::External {
        return;
    }
    assert_ne!(first.url(), second.url());
    leader(first.url()).await;
    leader(second.url()).await;
}

#[tokio::test(flavor = "current_thread")]
async fn the_embedded_agent_answers_while_the_test_blocks_its_thread() {
    let agent = testkit::consul().await;
    let url = format!("{}/v1/status/leader", agent.url());
    // A blocking client on another thread, while this test's only runtime thread waits in
    // `join`: an agent running on the test's runtime could not answer.
    let answer = std::thread::spawn(move || {
        let (host, path) = host_port(&url).split_once('/').unwrap();
        let mut stream = std::net::TcpStream::connect(host).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        use std::io::{Read, Write};
        write!(stream, "GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        reply
    })
    .join()
    .unwrap();
    assert!(answer.starts_with("HTTP/1."), "an HTTP answer: {answer}");
    assert!(answer.contains(" 200 "), "200 OK: {answer}");
}

/// The process is gone from the process table (killed and waited for, not a zombie).
fn assert_reaped(pid: u32) {
    if cfg!(target_os = "linux") {
        let entry = std::path::PathBuf::from(format!("/proc/{pid}"));
        assert!(
            !entry.exists(),
            "process {pid} is still in the process table"
        );
    }
}
