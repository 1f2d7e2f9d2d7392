//! Checks `tcp.shutdown`: `cargo test -p l01-tcp --test shutdown`.

mod support;

use std::net::SocketAddr;
use std::time::Duration;

use l01_tcp::exercises::shutdown::serve_until;
use support::{connect, echo_round_trip, expect_closed, listener};
use testkit::within;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::oneshot;

/// Starts `serve_until` with a shutdown signal the test fires by sending on the channel.
async fn start(
    grace: Duration,
) -> (
    SocketAddr,
    oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let (listener, addr) = listener().await;
    let (stop, stopped) = oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stopped.await;
    };
    let server = tokio::spawn(serve_until(listener, shutdown, grace));
    (addr, stop, server)
}

/// Waits until connecting to `addr` is refused: the listener has been closed.
async fn wait_until_refused(addr: SocketAddr) {
    within(
        "the listener to close after shutdown (new connections refused)",
        async {
            while TcpStream::connect(addr).await.is_ok() {
                tokio::task::yield_now().await;
            }
        },
    )
    .await;
}

#[tokio::test]
async fn open_connections_finish_after_shutdown() {
    let (addr, stop, server) = start(Duration::from_secs(30)).await;
    let mut in_flight = connect(addr).await;
    assert_eq!(
        echo_round_trip(&mut in_flight, b"before\n").await,
        b"before\n"
    );

    stop.send(()).expect("the server is gone");
    wait_until_refused(addr).await;
    // Shutdown has begun, yet the open connection is still served...
    let reply = echo_round_trip(&mut in_flight, b"during shutdown\n").await;
    assert_eq!(
        reply, b"during shutdown\n",
        "the open connection was cut off by the shutdown"
    );
    assert!(
        !server.is_finished(),
        "serve_until returned while a connection was still open"
    );

    // ...and once it ends, the server returns (long before the 30 s grace period).
    in_flight.shutdown().await.expect("close the sending side");
    expect_closed(&mut in_flight).await;
    let result = within(
        "serve_until to return once the last connection ended",
        server,
    )
    .await
    .expect("serve_until panicked");
    assert!(result.is_ok(), "serve_until returned {result:?}");
}

#[tokio::test]
async fn a_connection_that_never_ends_is_closed_after_the_grace_period() {
    let (addr, stop, server) = start(Duration::from_millis(200)).await;
    let mut idle = connect(addr).await;
    assert_eq!(echo_round_trip(&mut idle, b"hi\n").await, b"hi\n");

    stop.send(()).expect("the server is gone");
    // The client never closes; after the grace period the server closes it and returns.
    let result = within("serve_until to return after the grace period", server)
        .await
        .expect("serve_until panicked");
    assert!(result.is_ok(), "serve_until returned {result:?}");
    expect_closed(&mut idle).await;
}

#[tokio::test]
async fn serves_until_told_to_stop() {
    let (addr, stop, server) = start(Duration::from_secs(1)).await;
    for i in 0..3 {
        let mut client = connect(addr).await;
        let message = format!("client {i}\n");
        assert_eq!(
            echo_round_trip(&mut client, message.as_bytes()).await,
            message.as_bytes()
        );
    }
    assert!(
        !server.is_finished(),
        "serve_until returned before it was told to stop"
    );
    drop(stop); // a dropped sender wakes the receiver too: that counts as "stop"
    within("serve_until to return", server)
        .await
        .expect("panicked")
        .expect("serve_until");
}
