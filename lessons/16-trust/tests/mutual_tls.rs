//! Exercise `trust.tls`: `l16_trust::exercises::tls::client_verifier`, the judge of callers
//! in the user service's `server_config`, in real handshakes on loopback.

mod support;

use std::sync::Arc;

use l16_trust::ca::{Subject, Validity};
use l16_trust::exercises::tls::server_config;
use rustls::ClientConfig;
use support::{Certs, client_config, server_name};
use testkit::within;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::{TlsAcceptor, TlsConnector};

/// One handshake between a server configured by `server_config` for `user` and a client
/// configured by `client`: what the server made of it (the client's certificates, or its
/// error), and whether the client could then exchange a byte with it.
async fn handshake(certs: &Certs, client: Arc<ClientConfig>) -> (Result<usize, String>, bool) {
    let config = server_config(&certs.identity("user")).expect("a server configuration");
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let addr = listener.local_addr().expect("its address");
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("a connection");
        match acceptor.accept(tcp).await {
            Ok(mut tls) => {
                let certs = tls.get_ref().1.peer_certificates().map_or(0, <[_]>::len);
                let alpn = tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec);
                let _ = tls.write_all(b"!").await;
                let _ = tls.flush().await;
                match alpn.as_deref() {
                    Some(b"h2") => Ok(certs),
                    other => Err(format!("the handshake agreed on {other:?}, not h2")),
                }
            }
            Err(error) => Err(error.to_string()),
        }
    });
    let client = async move {
        let tcp = TcpStream::connect(addr).await.expect("connect");
        let Ok(mut tls) = TlsConnector::from(client)
            .connect(server_name("user"), tcp)
            .await
        else {
            return false;
        };
        let mut byte = [0u8; 1];
        tls.read_exact(&mut byte).await.is_ok()
    };
    let talked = within("the client's handshake", client).await;
    let served = within("the server's handshake", server).await;
    (served.expect("the server's task ends"), talked)
}

#[tokio::test]
async fn a_caller_with_a_certificate_from_the_course_ca_gets_in_over_h2() {
    let certs = Certs::new(&["user", "gateway"]);
    let gateway = certs.identity("gateway");
    let (served, talked) = handshake(&certs, client_config(&gateway, Some(&gateway))).await;
    assert_eq!(
        served,
        Ok(1),
        "the server sees the caller's one certificate, over h2"
    );
    assert!(talked, "the caller can talk once in");
}

#[tokio::test]
async fn a_caller_without_a_certificate_is_refused() {
    let certs = Certs::new(&["user", "gateway"]);
    let gateway = certs.identity("gateway");
    let (served, talked) = handshake(&certs, client_config(&gateway, None)).await;
    assert!(
        served.is_err(),
        "a caller that shows no certificate must not get in: {served:?}"
    );
    assert!(!talked, "a caller refused cannot read a byte");
}

#[tokio::test]
async fn a_certificate_from_another_ca_or_expired_is_refused() {
    let certs = Certs::new(&["user", "gateway"]);
    let other = Certs::new(&["gateway"]);
    let ours = certs.identity("gateway");
    let theirs = other.identity("gateway");
    let (served, _) = handshake(&certs, client_config(&ours, Some(&theirs))).await;
    assert!(
        served.is_err(),
        "a certificate signed by another CA must not get in: {served:?}"
    );

    let mut expired = Subject::service("old");
    expired.validity = Validity::EndedAgo(std::time::Duration::from_secs(3600));
    certs.issue(&expired);
    let old = certs.identity("old");
    let (served, _) = handshake(&certs, client_config(&ours, Some(&old))).await;
    assert!(
        served.is_err(),
        "a certificate that expired an hour ago must not get in: {served:?}"
    );
}

#[tokio::test]
async fn the_server_shows_its_own_certificate_for_its_name() {
    let certs = Certs::new(&["user", "gateway"]);
    let gateway = certs.identity("gateway");
    // The client checks the server's certificate against the CA and the name `user`: a
    // server that showed another certificate would fail it.
    let (served, talked) = handshake(&certs, client_config(&gateway, Some(&gateway))).await;
    assert!(
        served.is_ok() && talked,
        "the client accepts the server as user: {served:?}"
    );
}
