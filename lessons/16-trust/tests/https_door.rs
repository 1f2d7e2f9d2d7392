//! The gateway's HTTPS door, from outside: a connection counts from its accept to its close,
//! across its handshake and its requests, as a plain one does. One machine that finishes
//! more handshakes than its share holds its share and no more: the rest are closed at once,
//! and another machine is still answered.

use l16_trust::gateway::CONNECTIONS_AT_ONCE;
use shared::door;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::addresses::{connect_from, loopback, others_answer};
use crate::door::closed_by_the_server;
use crate::program::{start_gateway_with, start_user};
use crate::support::{Certs, browser_config, server_name};

/// A handshake with the gateway from `127.0.0.N`, done, or the error it ended with.
async fn handshake(
    connector: &TlsConnector,
    from: u8,
    gateway: std::net::SocketAddr,
) -> std::io::Result<TlsStream<TcpStream>> {
    let tcp = connect_from(loopback(from), gateway).await;
    testkit::within(
        "a handshake with the gateway",
        connector.connect(server_name("gateway"), tcp),
    )
    .await
}

#[tokio::test]
async fn one_address_s_finished_handshakes_past_its_share_are_closed_at_once() {
    if !others_answer("one_address_s_finished_handshakes_past_its_share_are_closed_at_once") {
        return;
    }
    let certs = Certs::new(&["user", "gateway"]);
    let redis = testkit::redis().await;
    let user = start_user(certs.path(), redis.url(), &[]).await;
    let gateway = start_gateway_with(certs.path(), &user, &["--tls"]).await;
    let addr = gateway.addr();
    // The gateway's door, as it sizes it: the most its open files allow, up to 1,024, and a
    // quarter of them from one address. (The test's limit is raised as the gateway's is,
    // and both may rise as far: the same hard limit.)
    let share = door::most_for_files(door::raise_file_limit(), CONNECTIONS_AT_ONCE) / 4;
    let connector = TlsConnector::from(browser_config(&certs.identity("gateway")));

    // One machine finishes its share of handshakes, and says nothing.
    let mut held = Vec::new();
    for _ in 0..share {
        let tls = handshake(&connector, 1, addr)
            .await
            .expect("a handshake within the share");
        held.push(tls);
    }
    // Its next connection is closed at once, before any handshake: the share is full.
    let started = std::time::Instant::now();
    let mut one_more = connect_from(loopback(1), addr).await;
    closed_by_the_server(
        &mut one_more,
        "the door to close a connection past the share",
    )
    .await;
    assert!(
        started.elapsed() < l16_trust::tls::HANDSHAKE_DEADLINE,
        "closed {:?} after it connected: at the handshake's deadline, not by the door",
        started.elapsed()
    );
    gateway
        .logged(&format!(
            "{share} connections from its address open, its share"
        ))
        .await;

    // Another machine is answered, while the first still holds its share.
    let mut other = handshake(&connector, 2, addr)
        .await
        .expect("127.0.0.2's handshake");
    let request = "GET /api/v1.0/session HTTP/1.1\r\nhost: gateway\r\nconnection: close\r\n\r\n";
    other
        .write_all(request.as_bytes())
        .await
        .expect("the request sent");
    let mut answer = String::new();
    testkit::within("the answer to 127.0.0.2", other.read_to_string(&mut answer))
        .await
        .expect("the answer read");
    assert!(answer.starts_with("HTTP/1.1 200 "), "127.0.0.2: {answer}");

    // One of the first machine's connections closes: its place in the share comes back.
    held.pop();
    let again = async {
        loop {
            let tcp = connect_from(loopback(1), addr).await;
            if let Ok(tls) = connector.connect(server_name("gateway"), tcp).await {
                return tls;
            }
        }
    };
    let _again = testkit::within("a place in 127.0.0.1's share, given back", again).await;
    drop(held);
}
