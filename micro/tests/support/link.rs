//! A network link between a caller and a node that the test can cut, as a partition cuts
//! one: every connection through it stays open, and from the moment it is cut no byte
//! crosses it either way. Nothing is closed or reset, so neither end learns of the cut from
//! the network: only a deadline, or a ping that gets no answer, tells the caller.

use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use super::PEER_LIFETIME;

/// A link on a free loopback port to `upstream`, for as long as the test's runtime runs.
pub struct Link {
    /// Where callers connect: the node as the registry would list it.
    pub address: String,
    cut: Arc<watch::Sender<bool>>,
}

impl Link {
    pub async fn to(upstream: &str) -> Link {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().unwrap().to_string();
        let cut = Arc::new(watch::Sender::new(false));
        let upstream = upstream.to_string();
        let cuts = cut.clone();
        tokio::spawn(async move {
            while let Ok((caller, _)) = listener.accept().await {
                let Ok(node) = TcpStream::connect(&upstream).await else {
                    continue;
                };
                let (from_caller, to_caller) = caller.into_split();
                let (from_node, to_node) = node.into_split();
                tokio::spawn(carry(from_caller, to_node, cuts.subscribe()));
                tokio::spawn(carry(from_node, to_caller, cuts.subscribe()));
            }
        });
        Link { address, cut }
    }

    /// Cuts the link: what is sent from now on is held, unsent, and the sockets stay open.
    pub fn cut(&self) {
        self.cut.send_replace(true);
    }
}

/// Copies `from` to `to` until the link is cut; then holds both ends open, silent, until the
/// runtime ends or the peer's lifetime does ([`PEER_LIFETIME`]), whichever comes first.
async fn carry(
    mut from: impl AsyncRead + Unpin,
    mut to: impl AsyncWrite + Unpin,
    mut cut: watch::Receiver<bool>,
) {
    let mut buffer = vec![0u8; 16 * 1024];
    let carrying = tokio::time::timeout(PEER_LIFETIME, async {
        loop {
            let read = tokio::select! {
                read = from.read(&mut buffer) => read,
                _ = cut.wait_for(|cut| *cut) => break,
            };
            let Ok(n @ 1..) = read else { return };
            if *cut.borrow() || to.write_all(&buffer[..n]).await.is_err() {
                break;
            }
        }
        std::future::pending::<()>().await;
    });
    let _ = carrying.await;
    drop((from, to));
}
