//! `testkit::redis()` gives a test a Redis that answers, and leaves nothing running.

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use testkit::within;

/// `host:port` of a `redis://host:port` URL.
fn host_port(url: &str) -> &str {
    url.trim_start_matches("redis://")
        .trim_end_matches('/')
        .rsplit('@')
        .next()
        .unwrap()
}

/// Sends one inline RESP command and returns the reply's first line.
async fn command(addr: &str, line: &str) -> String {
    let mut stream = within("a connection to Redis", TcpStream::connect(addr))
        .await
        .expect("Redis accepts connections");
    stream
        .write_all(format!("{line}\r\n").as_bytes())
        .await
        .unwrap();
    let mut reply = String::new();
    within(
        "Redis's reply",
        BufReader::new(stream).read_line(&mut reply),
    )
    .await
    .unwrap();
    reply.trim_end().to_string()
}

#[tokio::test]
async fn redis_answers_ping_and_stores_values() {
    let server = testkit::redis().await;
    let addr = host_port(server.url()).to_string();
    assert_eq!(command(&addr, "PING").await, "+PONG");
    let key = format!("testkit-{}", std::process::id());
    assert_eq!(command(&addr, &format!("SET {key} hello")).await, "+OK");
    assert_eq!(command(&addr, &format!("GET {key}")).await, "$5");
    assert_eq!(command(&addr, &format!("DEL {key}")).await, ":1");
}

#[tokio::test]
async fn a_private_server_is_gone_after_drop() {
    let server = testkit::redis().await;
    let Some(pid) = server.pid() else {
        return; // REDIS_URL: someone else's server, nothing was started
    };
    assert!(
        server.url().starts_with("redis://127.0.0.1:"),
        "{}",
        server.url()
    );
    let addr = host_port(server.url()).to_string();
    assert_eq!(command(&addr, "PING").await, "+PONG");
    drop(server);

    assert!(
        TcpStream::connect(&addr).await.is_err(),
        "{addr} still accepts connections after drop"
    );
    if cfg!(target_os = "linux") {
        assert!(
            !std::path::Path::new(&format!("/proc/{pid}")).exists(),
            "redis-server {pid} is still in the process table"
        );
    }
}

#[tokio::test]
async fn two_tests_get_two_servers() {
    let (first, second) = tokio::join!(testkit::redis(), testkit::redis());
    if first.pid().is_none() {
        return;
    }
    assert_ne!(first.url(), second.url());
    assert_eq!(command(host_port(first.url()), "PING").await, "+PONG");
    assert_eq!(command(host_port(second.url()), "PING").await, "+PONG");
}
