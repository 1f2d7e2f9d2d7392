//! Checks `tcp.many`: `cargo test -p l01-tcp --test many`.

mod support;

use l01_tcp::exercises::many::serve_many;
use support::{connect, echo_round_trip, listener};
use testkit::within;
use tokio::io::AsyncWriteExt;
use tokio::task::JoinSet;

#[tokio::test]
async fn a_silent_client_does_not_block_fifty_others() {
    let (listener, addr) = listener().await;
    tokio::spawn(serve_many(listener));

    // This client connects first, says half a sentence, and then neither reads nor closes.
    let mut silent = connect(addr).await;
    silent.write_all(b"I am thinking").await.expect("write");

    let mut clients = JoinSet::new();
    for i in 0..50 {
        clients.spawn(async move {
            let mut client = connect(addr).await;
            let message = format!("client {i}\n");
            let reply = echo_round_trip(&mut client, message.as_bytes()).await;
            assert_eq!(
                reply,
                message.as_bytes(),
                "client {i} got someone else's bytes"
            );
        });
    }
    within("50 clients served while one client stays silent", async {
        while let Some(done) = clients.join_next().await {
            done.expect("a client failed (see its message above)");
        }
    })
    .await;
    drop(silent);
}

#[tokio::test]
async fn each_client_gets_its_own_bytes_back() {
    let (listener, addr) = listener().await;
    tokio::spawn(serve_many(listener));
    let mut first = connect(addr).await;
    let mut second = connect(addr).await;

    // Interleave the two conversations: the second client talks while the first is open.
    assert_eq!(echo_round_trip(&mut second, b"two\n").await, b"two\n");
    assert_eq!(echo_round_trip(&mut first, b"one\n").await, b"one\n");
    assert_eq!(
        echo_round_trip(&mut second, b"two again\n").await,
        b"two again\n"
    );
}
