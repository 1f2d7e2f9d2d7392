//! What the lesson's tests share: a folder of certificates made by the lesson's CA, and
//! the one TLS client the exercises' tests handshake with.

#![allow(dead_code)]

use std::path::Path;
use std::sync::Arc;

use l16_trust::ca::{self, Identity, Subject};
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, RootCertStore};

/// A scratch folder holding a CA and the certificates it issued.
pub struct Certs {
    pub dir: tempfile::TempDir,
}

impl Certs {
    /// A new CA, and a certificate for each of `names` as `issue NAME` makes it.
    pub fn new(names: &[&str]) -> Certs {
        let dir = tempfile::tempdir().expect("a scratch folder");
        ca::create(dir.path()).expect("the CA is made");
        let certs = Certs { dir };
        for name in names {
            certs.issue(&Subject::service(name));
        }
        certs
    }

    pub fn issue(&self, subject: &Subject) {
        ca::issue(self.dir.path(), subject).expect("the certificate is issued");
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn identity(&self, name: &str) -> Identity {
        Identity::load(self.dir.path(), name).expect("the identity is read")
    }
}

/// A client configuration that trusts `ca` and shows `identity` (or nothing), asking for
/// HTTP/2 as gRPC does.
pub fn client_config(ca: &Identity, identity: Option<&Identity>) -> Arc<ClientConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots.add(ca.ca.clone()).expect("the CA is a root");
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS 1.2 and 1.3")
        .with_root_certificates(roots);
    let mut config = match identity {
        Some(identity) => builder
            .with_client_auth_cert(vec![identity.cert.clone()], identity.key.clone_key())
            .expect("the client's key and certificate"),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    Arc::new(config)
}

/// A client configuration as a browser's that trusts `ca`: it shows no certificate, and
/// asks for HTTP/1.1, what the gateway's HTTPS speaks.
pub fn browser_config(ca: &Identity) -> Arc<ClientConfig> {
    let mut config = Arc::unwrap_or_clone(client_config(ca, None));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(config)
}

/// The server name a client expects of the service `name`.
pub fn server_name(name: &str) -> ServerName<'static> {
    ServerName::try_from(name.to_string()).expect("a DNS name")
}

/// A connection to the Redis at `url`.
pub async fn redis(url: &str) -> redis::aio::ConnectionManager {
    let client = redis::Client::open(url).expect("a Redis URL");
    testkit::within(
        "connect to Redis",
        redis::aio::ConnectionManager::new(client),
    )
    .await
    .expect("Redis answers")
}
