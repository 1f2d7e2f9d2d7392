//! The trap of go-micro's `transport.Secure(true)`, shown: a machine in the middle with a
//! certificate of its own making reads a client that skips verification, and gets nothing
//! from the course's client, which checks the server's certificate against the course's CA.

use std::sync::Arc;

use prost::Message as _;
use proto::session::LoginRequest;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::program::{self, call_args, start_user};
use crate::support::{Certs, server_name};

/// A man in the middle: answers one handshake as `user` with a self-signed certificate,
/// and hands over what it could read once in (nothing, if the handshake failed).
async fn man_in_the_middle() -> (std::net::SocketAddr, oneshot::Receiver<Vec<u8>>) {
    let forged = rcgen::generate_simple_self_signed(vec!["user".to_string()]).expect("a cert");
    let key = PrivateKeyDer::try_from(forged.signing_key.serialize_der()).expect("a key");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS 1.2 and 1.3")
        .with_no_client_auth()
        .with_single_cert(vec![forged.cert.der().clone()], key)
        .expect("the forged certificate");
    config.alpn_protocols = vec![b"h2".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let addr = listener.local_addr().expect("its address");
    let (read, what) = oneshot::channel();
    tokio::spawn(async move {
        let Ok((tcp, _)) = listener.accept().await else {
            return;
        };
        let mut seen = Vec::new();
        if let Ok(mut tls) = acceptor.accept(tcp).await {
            let mut buffer = [0u8; 4096];
            if let Ok(n) = tls.read(&mut buffer).await {
                seen.extend_from_slice(&buffer[..n]);
            }
        }
        let _ = read.send(seen);
    });
    (addr, what)
}

/// What `Secure(true)`'s client does: accept any certificate at all.
#[derive(Debug)]
struct SkipsVerification(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for SkipsVerification {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

#[tokio::test]
async fn a_client_that_skips_verification_is_read_by_the_man_in_the_middle() {
    let (mitm, what) = man_in_the_middle().await;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("TLS 1.2 and 1.3")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(SkipsVerification(provider)))
        .with_no_client_auth();
    let login = LoginRequest {
        name: "ada".into(),
        password: "analytical engine".into(),
        client_addr: "127.0.0.1".into(),
        captcha: false,
    };
    let exchange = async {
        let tcp = TcpStream::connect(mitm).await?;
        let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
        let mut tls = connector.connect(server_name("user"), tcp).await?;
        tls.write_all(&login.encode_to_vec()).await?;
        tls.flush().await?;
        Ok::<_, std::io::Error>(tls)
    };
    let _tls = testkit::within("the insecure client's login", exchange)
        .await
        .expect("a client that skips verification connects to anyone");
    let seen = testkit::within("what the man in the middle read", what)
        .await
        .expect("the man in the middle ends");
    let seen = String::from_utf8_lossy(&seen);
    assert!(
        seen.contains("analytical engine"),
        "the man in the middle reads the password in clear: {seen:?}"
    );
}

#[tokio::test]
async fn the_course_client_refuses_the_man_in_the_middle() {
    let certs = Certs::new(&["user", "gateway"]);
    let redis = testkit::redis().await;
    let user = start_user(certs.path(), redis.url(), &[]).await;
    let (mitm, what) = man_in_the_middle().await;
    let mut args = call_args(&user, certs.path(), "gateway", &[]);
    // The same call, sent to the man in the middle's address instead of the service's.
    args[2] = mitm.to_string();
    args.extend(["login".into(), "ada".into(), "analytical engine".into()]);
    let stderr = program::fails(&args).await;
    assert!(
        stderr.contains("invalid peer certificate"),
        "the course's client refuses a certificate the CA did not sign: {stderr}"
    );
    let seen = testkit::within("what the man in the middle read", what)
        .await
        .expect("the man in the middle ends");
    assert!(
        seen.is_empty(),
        "it read nothing: {:?}",
        String::from_utf8_lossy(&seen)
    );
}
