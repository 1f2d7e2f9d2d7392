//! TLS on the wire: the server's handshakes, each within a deadline, and the client's
//! channel.
//!
//! tonic can speak TLS by itself, but it says nothing of the handshakes it refuses, and a
//! service that refuses strangers should say who it refused and why. So the server here
//! accepts TCP connections itself, runs each handshake in a task of its own with a
//! deadline (a caller that opens a connection and sends nothing holds a task for that long
//! and no more), and hands tonic the connections that came through: tonic reads the
//! caller's certificate from them ([`crate::policy`]).
//!
//! A room's network holds strangers, so the handshakes under way go through a door
//! (`shared::door`): so many at once, and one address a quarter of them at most, so that a
//! script holding silent connections from one machine fills its own quarter and everyone
//! else still gets in. A server that holds a connection after its handshake (the gateway's
//! HTTPS) has the door count it until it closes ([`counted`]). Each refusal is said in words ([`why`]), the first few of an address
//! one line each and the rest counted ([`crate::refusals`]): whoever is refused does not
//! decide how fast the log grows.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use rustls::ServerConfig;
use rustls::crypto::CryptoProvider;
use rustls::server::danger::ClientCertVerifier;
use shared::door::{self, Door, Full, Inside};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint};

use crate::ca::Identity;
use crate::refusals::{self, RefusalLog};

mod why;
pub use why::why;

/// How long a caller has to finish its handshake unless `--handshake-deadline` says.
pub const HANDSHAKE_DEADLINE: Duration = Duration::from_secs(5);

/// How long a client waits for a call's answer unless told otherwise (the gateway's
/// `--user-deadline`).
pub const CALL_DEADLINE: Duration = Duration::from_secs(10);

/// How many handshakes may be under way at once unless `--handshakes` says (fewer if the
/// process may open fewer files); a connection past them is closed at once.
pub const HANDSHAKES_AT_ONCE: usize = 1024;

/// A connection whose handshake is done, for tonic's `serve_with_incoming`.
pub type Incoming = ReceiverStream<std::io::Result<TlsStream<TcpStream>>>;

/// A connection whose handshake is done, and the door's count of it ([`counted`]).
pub type Counted = mpsc::Receiver<(TlsStream<TcpStream>, Inside)>;

/// How long the accept loop waits after a failed accept, at first, and at most: the wait
/// doubles while accepts fail.
const ACCEPT_PAUSE: Duration = Duration::from_millis(10);
const ACCEPT_PAUSE_MOST: Duration = Duration::from_secs(1);

/// How a server takes its handshakes: each within `deadline`, through `door`.
#[derive(Clone)]
pub struct Handshakes {
    pub deadline: Duration,
    pub door: Arc<Door>,
}

impl Handshakes {
    /// Handshakes within `deadline`, `at_once` of them under way at most (by default
    /// [`HANDSHAKES_AT_ONCE`]), a quarter of those from one address. The process's limit of
    /// open files is raised to its most, and the door kept below it.
    pub fn new(deadline: Duration, at_once: Option<usize>) -> Handshakes {
        let files = door::raise_file_limit();
        let most = door::most_for_files(files, at_once.unwrap_or(HANDSHAKES_AT_ONCE));
        Handshakes {
            deadline,
            door: Door::new(most),
        }
    }
}

// ANCHOR: config
/// The crypto of the course's TLS, named: ring, whatever else a build links (a process-wide
/// default cannot be picked when two providers are linked).
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A server's rustls configuration: it shows `identity`'s certificate, judges each caller
/// with `callers`, and offers `alpn`, the protocols it speaks inside, most wanted first (a
/// client that asks for none of them is refused at the handshake).
pub fn server_config(
    identity: &Identity,
    callers: Arc<dyn ClientCertVerifier>,
    alpn: &[&[u8]],
) -> anyhow::Result<ServerConfig> {
    let mut config = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(callers)
        .with_single_cert(vec![identity.cert.clone()], identity.key.clone_key())
        .context("the certificate and the key do not go together")?;
    config.alpn_protocols = alpn.iter().map(|protocol| protocol.to_vec()).collect();
    Ok(config)
}
// ANCHOR_END: config

// ANCHOR: incoming
/// The connections of `listener` that complete a handshake under `config` within the
/// deadline, through the door, which counts each until its handshake is done. Each
/// refusal is logged, the first few of an address one line each: `refused
/// 127.0.0.1:50312: it showed no certificate`.
pub fn incoming(listener: TcpListener, config: Arc<ServerConfig>, take: Handshakes) -> Incoming {
    let handshakes = through_door(
        listener,
        config,
        take,
        "handshakes under way",
        |tls, inside| {
            drop(inside);
            Ok(tls)
        },
    );
    ReceiverStream::new(handshakes)
}

/// [`incoming`], where the door counts each connection from its accept to its close: the
/// door's count of it comes with it, to be dropped when it closes. A server that holds a
/// connection after its handshake (the gateway, ten seconds for each request's headers)
/// is full after so many of them as much as after so many handshakes.
pub fn counted(listener: TcpListener, config: Arc<ServerConfig>, take: Handshakes) -> Counted {
    through_door(listener, config, take, "connections open", |tls, inside| {
        (tls, inside)
    })
}

/// Accepts on `listener` through the door, and hands each connection whose handshake is
/// done on as `done_with` makes it of the stream and the door's count of it. `counted`
/// says what the door counts, in its refusals' words.
fn through_door<T: Send + 'static>(
    listener: TcpListener,
    config: Arc<ServerConfig>,
    take: Handshakes,
    counted: &'static str,
    done_with: fn(TlsStream<TcpStream>, Inside) -> T,
) -> mpsc::Receiver<T> {
    let (done, handshaken) = mpsc::channel(64);
    let acceptor = TlsAcceptor::from(config);
    let refusals = RefusalLog::start("refusals", refusals::EVERY);
    let failed_accepts = RefusalLog::start("failed accepts", refusals::EVERY);
    let Handshakes { deadline, door } = take;
    tokio::spawn(async move {
        let mut pause = ACCEPT_PAUSE;
        loop {
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    // Out of open files (EMFILE), say: those inside are served meanwhile,
                    // and the next try waits twice as long, up to a second, so that a
                    // failure that lasts neither spins nor floods the log.
                    Err(error) => {
                        failed_accepts
                            .refused("the listener", format_args!("accept failed: {error}"));
                        tokio::time::sleep(pause).await;
                        pause = (pause * 2).min(ACCEPT_PAUSE_MOST);
                        continue;
                    }
                },
                // The server stopped reading: it is shutting down.
                () = done.closed() => return,
            };
            pause = ACCEPT_PAUSE;
            let inside = match door.enter(peer.ip()) {
                Ok(inside) => inside,
                Err(full) => {
                    let why = crowded(full, counted);
                    refusals.refused(peer.ip(), format_args!("refused {peer}: {why}"));
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            let (acceptor, done, refusals) = (acceptor.clone(), done.clone(), refusals.clone());
            tokio::spawn(async move {
                let handshake = tokio::time::timeout(deadline, acceptor.accept(stream)).await;
                match handshake {
                    Ok(Ok(tls)) => {
                        let _ = done.send(done_with(tls, inside)).await;
                    }
                    Ok(Err(error)) => {
                        refusals.refused(peer.ip(), format_args!("refused {peer}: {}", why(&error)))
                    }
                    Err(_) => refusals.refused(
                        peer.ip(),
                        format_args!("refused {peer}: no TLS handshake within {deadline:?}"),
                    ),
                }
            });
        }
    });
    handshaken
}
// ANCHOR_END: incoming

/// Why the door let a connection no further, in words: what it `counted`, "handshakes
/// under way" or "connections open".
fn crowded(full: Full, counted: &str) -> String {
    match full {
        Full::All { most } => format!("{most} {counted}, the most at once"),
        Full::Share { share } => {
            let (what, state) = counted.split_once(' ').unwrap_or((counted, ""));
            format!("{share} {what} from its address {state}, its share")
        }
    }
}

// ANCHOR: channel
/// A channel to the service at `addr` over mutual TLS: it must show a certificate for
/// `server` from `identity`'s CA, and this side shows `identity`'s. Without an identity,
/// the channel shows none (what an attacker's client does). A call not answered within
/// `deadline` fails (`DeadlineExceeded`).
pub fn channel(
    addr: SocketAddr,
    ca_pem: &str,
    identity: Option<&Identity>,
    server: &str,
    deadline: Duration,
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
        .timeout(deadline);
    Ok(endpoint.connect_lazy())
}
// ANCHOR_END: channel

/// A channel to `addr` in plaintext, as an attacker (or an old client) would try.
pub fn plaintext_channel(addr: SocketAddr) -> anyhow::Result<Channel> {
    let endpoint = Endpoint::from_shared(format!("http://{addr}"))?
        .connect_timeout(Duration::from_secs(5))
        .timeout(CALL_DEADLINE);
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
