//! `loadgen grpc --tls-certs DIR`: the calls over mutual TLS, as lesson 16's services take
//! them, to measure what TLS costs a server.
//!
//! The certificates are the ones lesson 16 makes (`l16-trust ca`, `l16-trust issue NAME`),
//! read from the folder as lesson 11's `--tls-certs` reads them: `ca.pem`, and `NAME.pem`
//! with `NAME.key` for the certificate loadgen shows (`--tls-as`, the gateway's unless told).
//! The server must show a certificate from that CA for `--tls-server` (the name the caller
//! checks, as a service's callers check the service's name). gRPC runs over HTTP/2, which
//! both sides agree on in the handshake (ALPN `h2`), as tonic and grpc-go require.
//!
//! Each connection does one handshake before the run starts; the run measures the calls on
//! connections already open, which is what a service's callers do most of the time. What a
//! handshake costs is a question of its own (chapter 16 measures it with `openssl s_time`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

/// `loadgen grpc`'s flags for mutual TLS.
#[derive(Debug, clap::Args)]
pub struct TlsFlags {
    /// Call over mutual TLS with the certificates in this folder (`l16-trust ca` and `issue`
    /// make them); with --client h2, the one client that speaks it.
    #[arg(long)]
    pub tls_certs: Option<PathBuf>,
    /// Whose certificate to show, with --tls-certs.
    #[arg(long, default_value = "gateway")]
    pub tls_as: String,
    /// The name the server's certificate must have, with --tls-certs.
    #[arg(long, default_value = "greeter")]
    pub tls_server: String,
}

impl TlsFlags {
    /// The client's TLS, if asked for.
    pub fn load(&self) -> anyhow::Result<Option<Tls>> {
        let Some(dir) = &self.tls_certs else {
            return Ok(None);
        };
        Tls::load(dir, &self.tls_as, &self.tls_server).map(Some)
    }
}

/// What a connection needs to open over mutual TLS.
#[derive(Clone)]
pub struct Tls {
    connector: TlsConnector,
    server: ServerName<'static>,
}

impl Tls {
    /// The client's side, from `dir`: trust its `ca.pem`, show `name`'s certificate, and
    /// require the server's to name `server`.
    pub fn load(dir: &Path, name: &str, server: &str) -> anyhow::Result<Tls> {
        let read = |file: &str| {
            let path = dir.join(file);
            std::fs::read(&path).with_context(|| {
                format!(
                    "cannot read {} (make it with `l16-trust ca` and `l16-trust issue {name}`)",
                    path.display()
                )
            })
        };
        let mut roots = rustls::RootCertStore::empty();
        let ca = CertificateDer::from_pem_slice(&read("ca.pem")?)
            .context("ca.pem holds no certificate")?;
        roots.add(ca).context("ca.pem cannot be trusted")?;
        let chain = CertificateDer::pem_slice_iter(&read(&format!("{name}.pem"))?)
            .collect::<Result<Vec<_>, _>>()
            .with_context(|| format!("{name}.pem holds no certificate"))?;
        let key = PrivateKeyDer::from_pem_slice(&read(&format!("{name}.key"))?)
            .with_context(|| format!("{name}.key holds no private key"))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_client_auth_cert(chain, key)
            .with_context(|| format!("{name}'s certificate cannot be used"))?;
        config.alpn_protocols = vec![b"h2".to_vec()];
        let server = ServerName::try_from(server.to_string())
            .with_context(|| format!("{server:?} is not a server name"))?;
        Ok(Tls {
            connector: TlsConnector::from(Arc::new(config)),
            server,
        })
    }

    /// Connects to `addr` and does the handshake; it fails, saying why, if the server shows
    /// no certificate the CA signed for the server's name, or does not take ours.
    pub async fn connect(&self, addr: SocketAddr) -> anyhow::Result<TlsStream<TcpStream>> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let stream = self
            .connector
            .connect(self.server.clone(), stream)
            .await
            .context("the TLS handshake failed")?;
        let (_, session) = stream.get_ref();
        if session.alpn_protocol() != Some(b"h2") {
            anyhow::bail!("the server did not agree to HTTP/2 in the handshake (ALPN h2)");
        }
        Ok(stream)
    }
}
