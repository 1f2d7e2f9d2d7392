//! Nodes that misbehave the ways a registry lets them: whatever listens at the address a node
//! registered — nothing that answers, a web server, noise, a port that resets — is what a
//! caller meets. Each counts the connections it was given.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use micro::registry::Node;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::{PEER_LIFETIME, node};

/// How a node misbehaves, from its first byte on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misbehaviour {
    /// Takes connections and says nothing, ever: no HTTP/2 handshake, no answer.
    Silent,
    /// Answers like an HTTP/1.1 web server: a status line and a page.
    Http1Page,
    /// Answers bytes that are no protocol at all.
    Garbage,
    /// Resets each connection as soon as it is accepted.
    ResetOnAccept,
    /// Reads what the caller sends, then drops the connection unanswered with the bytes
    /// unread: the caller's connection is reset in the middle of its call, as when a node is
    /// killed while it works.
    DiesMidCall,
}

/// A misbehaving node on a free loopback port, for as long as the test's runtime runs: each
/// connection for [`PEER_LIFETIME`] at most.
pub struct Misbehaving {
    pub node: Node,
    pub connections: Arc<AtomicUsize>,
}

impl Misbehaving {
    pub async fn start(id: &str, how: Misbehaviour) -> Misbehaving {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().unwrap().to_string();
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = connections.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(misbehave(stream, how));
            }
        });
        Misbehaving {
            node: node(id, &address),
            connections,
        }
    }

    /// How many connections callers made to it.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::Relaxed)
    }
}

/// Misbehaves on one connection, `how`, until the caller closes it, or for a peer's
/// lifetime at most: a node that holds a connection open must not hold it past its test.
async fn misbehave(mut stream: TcpStream, how: Misbehaviour) {
    let mut buffer = [0; 1024];
    let misbehaving = tokio::time::timeout(PEER_LIFETIME, async {
        match how {
            Misbehaviour::Silent => {
                // Read and drop whatever comes, until the caller closes.
                while let Ok(1..) = stream.read(&mut buffer).await {}
            }
            Misbehaviour::Http1Page => {
                let _ = stream.read(&mut buffer).await;
                let page = "<html><body>It works!</body></html>\n";
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\n\r\n{page}",
                    page.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                while let Ok(1..) = stream.read(&mut buffer).await {}
            }
            Misbehaviour::Garbage => {
                let mut noise: [u8; 64] = rand::random();
                // Read as HTTP/2, the first three bytes are a frame's length: over what HTTP/2
                // allows, so the caller refuses it at once rather than wait for the rest.
                noise[0] = 0xff;
                let _ = stream.write_all(&noise).await;
                while let Ok(1..) = stream.read(&mut buffer).await {}
            }
            Misbehaviour::ResetOnAccept => {
                let _ = stream.set_zero_linger();
                drop(stream);
            }
            Misbehaviour::DiesMidCall => {
                let _ = stream.read(&mut buffer[..16]).await;
                drop(stream);
            }
        }
    });
    let _ = misbehaving.await;
}
