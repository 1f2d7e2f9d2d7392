//! `loadgen grpc --tls-certs`: the calls over mutual TLS, against a tonic Greeter that
//! requires a caller's certificate from its CA, as lesson 16's services do.

use std::net::SocketAddr;
use std::path::Path;

use crate::cli::loadgen;
use crate::common::{assert_clean, errors_of, short_settings};
use crate::grpc::Greeting;
use loadgen::stats::Report;
use loadgen::tls::Tls;
use proto::hello::greeter_server::GreeterServer;
use testkit::tls::Ca;
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Certificate, Identity, Server, ServerTlsConfig};

/// A folder as lesson 16's `ca` and `issue` write it, for the greeter and the gateway.
fn certificates(ca: &Ca) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ca.write(dir.path(), &["greeter", "gateway"]).unwrap();
    dir
}

/// A Greeter over mutual TLS: it shows the greeter's certificate from `dir` and requires
/// the caller's, signed by `dir`'s CA.
async fn tls_greeter(dir: &Path) -> SocketAddr {
    let read = |file: &str| std::fs::read_to_string(dir.join(file)).unwrap();
    let tls = ServerTlsConfig::new()
        .identity(Identity::from_pem(read("greeter.pem"), read("greeter.key")))
        .client_ca_root(Certificate::from_pem(read("ca.pem")));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let serving = Server::builder()
        .tls_config(tls)
        .unwrap()
        .add_service(GreeterServer::new(Greeting("Hello")))
        .serve_with_incoming(TcpIncoming::from(listener));
    tokio::spawn(serving);
    addr
}

/// A short run over TLS on two connections.
async fn run_over(tls: &Tls, addr: SocketAddr) -> anyhow::Result<Report> {
    let settings = short_settings(addr, 2, 1).await;
    testkit::within(
        "the run to end",
        loadgen::grpc::run_over_tls(&settings, tls),
    )
    .await
}

#[tokio::test]
async fn calls_over_mutual_tls_with_the_gateways_certificate_are_answered() {
    let dir = certificates(&Ca::new());
    let addr = tls_greeter(dir.path()).await;
    let tls = Tls::load(dir.path(), "gateway", "greeter").unwrap();
    assert_clean(&run_over(&tls, addr).await.unwrap());
}

#[tokio::test]
async fn a_server_certificate_for_another_name_is_refused_before_any_call() {
    let dir = certificates(&Ca::new());
    let addr = tls_greeter(dir.path()).await;
    let tls = Tls::load(dir.path(), "gateway", "user").unwrap();
    let error = format!("{:#}", run_over(&tls, addr).await.err().unwrap());
    assert!(error.contains("cannot open connection 1 of 2"), "{error}");
    assert!(error.contains("the TLS handshake failed"), "{error}");
    assert!(error.contains("not valid for name"), "{error}");
}

#[tokio::test]
async fn a_caller_of_another_ca_gets_no_answer_and_the_run_still_ends() {
    let dir = certificates(&Ca::new());
    let addr = tls_greeter(dir.path()).await;
    // The gateway's certificate from another CA, with the server's own CA trusted: the
    // server refuses it in the handshake (with TLS 1.3, after the client has finished its
    // part), so every call on the connection fails.
    let other = certificates(&Ca::new());
    std::fs::copy(dir.path().join("ca.pem"), other.path().join("ca.pem")).unwrap();
    let tls = Tls::load(other.path(), "gateway", "greeter").unwrap();
    match run_over(&tls, addr).await {
        Ok(report) => {
            assert_eq!(report.requests(), 0, "{report}");
            assert!(errors_of(&report, "error reply") > 0, "{report}");
        }
        Err(error) => assert!(
            format!("{error:#}").contains("the TLS handshake failed"),
            "{error:#}"
        ),
    }
}

#[tokio::test]
async fn tls_with_another_client_and_missing_certificates_are_one_clear_line() {
    let dir = certificates(&Ca::new());
    let certs = dir.path().to_str().unwrap();
    let output = loadgen(&["grpc", "--tls-certs", certs, "--addr", "127.0.0.1:9"]).await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("--tls-certs takes --client h2"), "{stderr}");

    let output = loadgen(&[
        "grpc",
        "--client",
        "h2",
        "--tls-certs",
        certs,
        "--tls-as",
        "user",
        "--addr",
        "127.0.0.1:9",
    ])
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("user.pem"), "{stderr}");
    assert!(stderr.contains("l16-trust issue user"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}
