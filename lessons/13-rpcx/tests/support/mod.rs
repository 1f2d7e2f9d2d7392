//! What the lesson's tests share: its server on a free port, an address nobody listens on,
//! and a server that only counts what it is sent.
#![allow(dead_code)] // each test file uses a part

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use l13_rpcx::server::{self, Options};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The lesson's server on `127.0.0.1:0`, in this process; it stops when the guard drops.
pub struct Server {
    pub addr: SocketAddr,
    _stop: oneshot::Sender<()>,
}

pub async fn server(answer_after: Duration) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0");
    let addr = listener.local_addr().expect("the listener's address");
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(server::serve(
        listener,
        Options { answer_after },
        async move {
            let _ = stopped.await;
        },
    ));
    Server { addr, _stop: stop }
}

/// An address that refuses connections: a port bound but not listening, so that no other
/// test can take it while the guard lives.
pub struct Refusing {
    pub addr: String,
    _bound: tokio::net::TcpSocket,
}

pub fn refusing() -> Refusing {
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    socket
        .bind("127.0.0.1:0".parse().unwrap())
        .expect("bind 127.0.0.1:0");
    let addr = socket.local_addr().expect("its address").to_string();
    Refusing {
        addr,
        _bound: socket,
    }
}

/// A server that accepts connections, counts them, and never answers.
pub struct Silent {
    pub addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
}

impl Silent {
    pub async fn start() -> Silent {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("the listener's address");
        let accepted = Arc::new(AtomicUsize::new(0));
        let counting = accepted.clone();
        tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                counting.fetch_add(1, Ordering::SeqCst);
                open.push(stream); // held open, never answered
            }
        });
        Silent { addr, accepted }
    }

    /// How many connections it has accepted.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}
