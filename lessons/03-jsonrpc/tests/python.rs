//! A second language: Python's standard library calls the server over TCP and HTTP.

use std::process::{Command, Stdio};
use std::sync::Arc;

use l03_jsonrpc::{http, methods, tcp};
use tokio::net::TcpListener;

#[tokio::test]
async fn python_calls_over_tcp_and_http() {
    let io = Arc::new(methods::handler());
    let tcp_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let http_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let tcp_addr = tcp_listener.local_addr().unwrap();
    let http_addr = http_listener.local_addr().unwrap();
    tokio::spawn(tcp::serve(tcp_listener, io.clone(), std::future::pending()));
    tokio::spawn(http::serve(http_listener, io, std::future::pending()));

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python_client.py");
    let python = Command::new("python3")
        .arg(script)
        .arg(tcp_addr.to_string())
        .arg(http_addr.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 must be installed to run this test");
    let output =
        testkit::child_output_within_async("the Python client", python, testkit::PATIENCE).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the Python client failed:\n{stdout}{stderr}"
    );
    assert!(
        stdout.contains("ok  hello.HelloWorld over HTTP"),
        "{stdout}"
    );
}
