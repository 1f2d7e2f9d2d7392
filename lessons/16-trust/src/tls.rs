//! TLS on the wire: the server's handshakes, each within a deadline, and the client's
//! channel.
//!
//! tonic can speak TLS by itself, but it says nothing of the handshakes it refuses, and a
//! service that refuses strangers should say who it refused and why. So the server here
//! accepts TCP connections itself, runs each handshake in a task of its own with a
//! deadline (a caller that opens a connection and sends nothing holds a task for that long
//! and no more), logs each refusal in one line, and hands tonic the connections that came
//! through: tonic reads the caller's certificate from them ([`crate::policy`]).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rustls::{CertificateError, ServerConfig};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};

use crate::ca::Identity;

/// How long a caller has to finish its handshake unless `--handshake-deadline` says.
pub const HANDSHAKE_DEADLINE: Duration = Duration::from_secs(5);

/// How many handshakes may be under way at once; a connection past them is closed at once.
pub const HANDSHAKES_AT_ONCE: usize = 1024;

/// A connection whose handshake is done, for tonic's `serve_with_incoming`.
pub type Incoming = ReceiverStream<std::io::Result<TlsStream<TcpStream>>>;

// ANCHOR: incoming
/// The connections of `listener` that complete a handshake under `config` within
/// `deadline`. Each refusal is logged: `refused 127.0.0.1:50312: it showed no certificate`.
pub fn incoming(listener: TcpListener, config: Arc<ServerConfig>, deadline: Duration) -> Incoming {
    let (done, incoming) = mpsc::channel(64);
    let acceptor = TlsAcceptor::from(config);
    let handshakes = Arc::new(Semaphore::new(HANDSHAKES_AT_ONCE));
    tokio::spawn(async move {
        loop {
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        tracing::warn!("accept failed: {error}");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
                // The server stopped reading: it is shutting down.
                () = done.closed() => return,
            };
            let Ok(permit) = handshakes.clone().try_acquire_owned() else {
                tracing::warn!("refused {peer}: {HANDSHAKES_AT_ONCE} handshakes under way");
                continue;
            };
            let _ = stream.set_nodelay(true);
            let (acceptor, done) = (acceptor.clone(), done.clone());
            tokio::spawn(async move {
                let handshake = tokio::time::timeout(deadline, acceptor.accept(stream)).await;
                drop(permit);
                match handshake {
                    Ok(Ok(tls)) => {
                        let _ = done.send(Ok(tls)).await;
                    }
                    Ok(Err(error)) => tracing::warn!("refused {peer}: {}", why(&error)),
                    Err(_) => {
                        tracing::warn!("refused {peer}: no TLS handshake within {deadline:?}")
                    }
                }
            });
        }
    });
    ReceiverStream::new(incoming)
}
// ANCHOR_END: incoming

/// A failed handshake in words: what the caller did wrong, as far as the server can tell.
pub fn why(error: &std::io::Error) -> String {
    let rustls = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    match rustls {
        Some(rustls::Error::NoCertificatesPresented) => "it showed no certificate".into(),
        Some(rustls::Error::InvalidCertificate(problem)) => match problem {
            CertificateError::UnknownIssuer | CertificateError::BadSignature => {
                "its certificate is not signed by the course's CA".into()
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "its certificate has expired".into()
            }
            other => format!("its certificate is not valid: {other:?}"),
        },
        Some(rustls::Error::InvalidMessage(_)) => {
            "it does not speak TLS (a plaintext client on a TLS port?)".into()
        }
        Some(rustls::Error::AlertReceived(alert)) => {
            format!("it gave up the handshake ({alert:?}): it does not trust this server")
        }
        Some(other) => format!("TLS: {other}"),
        None if error.kind() == std::io::ErrorKind::UnexpectedEof => {
            "it closed the connection during the handshake".into()
        }
        None => error.to_string(),
    }
}

// ANCHOR: channel
/// A channel to the service at `addr` over mutual TLS: it must show a certificate for
/// `server` from `identity`'s CA, and this side shows `identity`'s. Without an identity,
/// the channel shows none (what an attacker's client does).
pub fn channel(
    addr: SocketAddr,
    ca_pem: &str,
    identity: Option<&Identity>,
    server: &str,
) -> anyhow::Result<Channel> {
    let mut tls = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(ca_pem))
        .domain_name(server);
    if let Some(identity) = identity {
        tls = tls.identity(tonic::transport::Identity::from_pem(
            &identity.cert_pem,
            &identity.key_pem,
        ));
    }
    let endpoint = Endpoint::from_shared(format!("https://{addr}"))?
        .tls_config(tls)?
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10));
    Ok(endpoint.connect_lazy())
}
// ANCHOR_END: channel

/// A channel to `addr` in plaintext, as an attacker (or an old client) would try.
pub fn plaintext_channel(addr: SocketAddr) -> anyhow::Result<Channel> {
    let endpoint = Endpoint::from_shared(format!("http://{addr}"))?
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10));
    Ok(endpoint.connect_lazy())
}

/// A failed call in one line: its code, its message, and what the transport said under
/// it (`Unavailable: tcp connect error: … invalid peer certificate: UnknownIssuer`).
pub fn said(status: &tonic::Status) -> anyhow::Error {
    let mut line = format!("{:?}: {}", status.code(), status.message());
    let mut source = std::error::Error::source(status);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !line.contains(&text) {
            line = format!("{line}: {text}");
        }
        source = cause.source();
    }
    anyhow::anyhow!(line)
}
