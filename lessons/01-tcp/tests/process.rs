//! The echo server as a process, watched from outside: `cargo test -p l01-tcp --test main process::`.
//!
//! `kill`, systemd, Docker and Kubernetes stop a server with SIGTERM, a person with Ctrl-C
//! (SIGINT). Both must take the same graceful path: refuse new clients, let the open ones
//! finish, exit 0. A second signal stops the server at once.

use testkit::{PATIENCE, ServerProcess, within};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const SERVER: &str = env!("CARGO_BIN_EXE_l01-tcp");

async fn start() -> ServerProcess {
    ServerProcess::start(SERVER, &["server", "--addr", "127.0.0.1:0"], 1).await
}

/// Sends one line and returns the line that comes back.
async fn echo(client: &mut BufReader<TcpStream>, line: &str) -> String {
    client
        .get_mut()
        .write_all(line.as_bytes())
        .await
        .expect("send a line");
    let mut reply = String::new();
    within("the echo", client.read_line(&mut reply))
        .await
        .expect("read the echo");
    reply
}

#[tokio::test]
async fn sigterm_lets_open_connections_finish_then_exits_0() {
    let mut server = start().await;
    let mut client = BufReader::new(TcpStream::connect(server.addr()).await.expect("connect"));
    assert_eq!(echo(&mut client, "before\n").await, "before\n");

    server.signal("TERM");
    server.logged("no longer accepting").await;
    assert!(
        TcpStream::connect(server.addr()).await.is_err(),
        "a new client was accepted after SIGTERM"
    );
    // The client that was already connected is still served, then leaves.
    assert_eq!(echo(&mut client, "after\n").await, "after\n");
    drop(client);

    server.exits_cleanly_within(PATIENCE).await;
    server.logged("SIGTERM received").await;
}

#[tokio::test]
async fn ctrl_c_takes_the_same_path() {
    let mut server = start().await;
    server.signal("INT");
    server.exits_cleanly_within(PATIENCE).await;
    server.logged("SIGINT (Ctrl-C) received").await;
}

#[tokio::test]
async fn a_second_signal_stops_at_once() {
    let mut server = start().await;
    // A client that never leaves would hold the server for its whole grace period (5 s).
    let _client = TcpStream::connect(server.addr()).await.expect("connect");
    server.logged("connected").await;

    server.signal("INT");
    server.logged("no longer accepting").await;
    server.signal("TERM");
    let status = server.exits_within(PATIENCE).await;
    assert_eq!(status.code(), Some(128 + 15), "log:\n{}", server.log());
}

#[tokio::test]
async fn a_base_port_moves_the_default_address_into_the_copys_block() {
    // A block of ports whose place for lesson 01, base + 11, is free right now.
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port();
    let base = (free - 11).to_string();
    let server =
        ServerProcess::start_with_env(SERVER, &["server"], &[("WORKBOOK_BASE_PORT", &base)], 1)
            .await;
    assert_eq!(
        server.addr().port(),
        free,
        "with WORKBOOK_BASE_PORT={base} and no --addr, lesson 01's server listens on base + 11, \
         where `cargo run -p workbook -- ports` says it is"
    );
}

#[tokio::test]
async fn a_client_that_reaches_no_server_exits_with_failure() {
    let nowhere = testkit::tool::nothing_listens();
    let said = testkit::tool::fails(SERVER, &["client", "--addr", &nowhere, "hello"], &[]).await;
    assert!(said.contains("cannot connect to"), "it says why:\n{said}");
}

#[tokio::test]
async fn the_client_ends_quietly_when_its_output_is_cut() {
    // `client hello | head -0`: the echo has nowhere to go.
    let server = start().await;
    let addr = server.addr().to_string();
    testkit::tool::ends_quietly_when_output_is_cut(
        SERVER,
        &["client", "--addr", &addr, "hello"],
        &[],
    )
    .await;
}

#[test]
fn a_taken_address_is_named_with_who_holds_it() {
    // This test holds the port: the server's one-line error names the address and the
    // program that listens there (this test's own binary), not "os error 98" alone.
    let held = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let addr = held.local_addr().expect("its address").to_string();
    let mut server = std::process::Command::new(SERVER);
    server.args(["server", "--addr", &addr]);
    let output = testkit::output_within("the server that cannot listen", &mut server, PATIENCE);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{stderr}");
    let said = format!("cannot listen on {addr}: the port is taken by ");
    assert!(stderr.contains(&said), "{stderr}");
    assert!(
        stderr.contains(&format!("(pid {})", std::process::id())),
        "the holder is named: {stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
}
