//! `XClient::fork` and `XClient::broadcast`: a call on every server at once, against the
//! lesson's servers in this process and an address that refuses connections.

use std::time::Duration;

use l13_rpcx::arith::Args;
use l13_rpcx::connection::CallError;
use l13_rpcx::header::Serialize;
use l13_rpcx::select::Random;
use l13_rpcx::xclient::{FailMode, XClient};
use micro::registry::Node;
use testkit::within;

use crate::support::{refusing, server};

fn client(addresses: &[String]) -> (tokio::sync::watch::Sender<Vec<Node>>, XClient) {
    let nodes = addresses
        .iter()
        .map(|address| Node {
            id: format!("tcp@{address}"),
            address: address.clone(),
            ..Node::default()
        })
        .collect();
    let (keep, servers) = tokio::sync::watch::channel(nodes);
    (
        keep,
        XClient::new(
            "Arith",
            servers,
            FailMode::Failfast,
            Box::new(Random),
            Serialize::MsgPack,
        ),
    )
}

const ARGS: Args = Args { a: 6, b: 7 };

#[tokio::test]
async fn fork_takes_the_first_reply() {
    let slow = server(Duration::from_secs(30)).await;
    let fast = server(Duration::ZERO).await;
    let (_keep, client) = client(&[slow.addr.to_string(), fast.addr.to_string()]);
    let answered = within(
        "the fast server's reply",
        client.fork::<_, i64>("Mul", &ARGS),
    )
    .await
    .expect("a reply");
    assert_eq!((answered.reply, answered.by), (42, fast.addr.to_string()));
}

#[tokio::test]
async fn fork_fails_only_when_every_server_fails() {
    let (one, two) = (refusing(), refusing());
    let (_keep, client) = client(&[one.addr.clone(), two.addr.clone()]);
    let error = within("two refusals", client.fork::<_, i64>("Mul", &ARGS))
        .await
        .expect_err("nobody answers");
    let CallError::Lost(why) = error else {
        panic!("expected Lost, got {error:?}")
    };
    assert!(
        why.contains(&one.addr) && why.contains(&two.addr),
        "each server named: {why}"
    );
}

#[tokio::test]
async fn broadcast_needs_every_server() {
    let (a, b) = (server(Duration::ZERO).await, server(Duration::ZERO).await);
    let (_keep, both) = client(&[a.addr.to_string(), b.addr.to_string()]);
    let replies = within("two replies", both.broadcast::<_, i64>("Mul", &ARGS))
        .await
        .expect("both answer");
    let mut by: Vec<String> = replies.iter().map(|answered| answered.by.clone()).collect();
    by.sort();
    let mut expected = vec![a.addr.to_string(), b.addr.to_string()];
    expected.sort();
    assert_eq!(by, expected);
    assert!(replies.iter().all(|answered| answered.reply == 42));

    let gone = refusing();
    let (_keep, one_gone) = client(&[a.addr.to_string(), gone.addr.clone()]);
    let error = within("a broadcast", one_gone.broadcast::<_, i64>("Mul", &ARGS))
        .await
        .expect_err("one is gone");
    let CallError::Lost(why) = error else {
        panic!("expected Lost, got {error:?}")
    };
    assert!(
        why.starts_with("1 of 2 servers: ") && why.contains(&gone.addr),
        "{why}"
    );
}
