//! Checks `tcp.limit`: `cargo test -p l01-tcp --test limit`.

mod support;

use l01_tcp::exercises::limit::serve_limited;
use support::{connect, expect_closed, listener, read_line};
use tokio::io::{AsyncWriteExt, BufReader};

const MAX_LINE: usize = 16;

#[tokio::test]
async fn lines_up_to_the_limit_are_echoed() {
    let (listener, addr) = listener().await;
    tokio::spawn(serve_limited(listener, MAX_LINE));
    let mut client = BufReader::new(connect(addr).await);

    let longest = format!("{}\n", "x".repeat(MAX_LINE));
    client.get_mut().write_all(b"short\n").await.expect("write");
    client
        .get_mut()
        .write_all(longest.as_bytes())
        .await
        .expect("write");
    assert_eq!(read_line(&mut client).await, "short\n");
    assert_eq!(
        read_line(&mut client).await,
        longest,
        "a line of exactly {MAX_LINE} bytes is allowed"
    );
}

#[tokio::test]
async fn a_long_line_gets_an_error_and_only_that_connection_closes() {
    let (listener, addr) = listener().await;
    tokio::spawn(serve_limited(listener, MAX_LINE));
    let mut bystander = BufReader::new(connect(addr).await);
    bystander
        .get_mut()
        .write_all(b"before\n")
        .await
        .expect("write");
    assert_eq!(read_line(&mut bystander).await, "before\n");

    let mut offender = BufReader::new(connect(addr).await);
    let too_long = format!("{}\n", "y".repeat(MAX_LINE + 1));
    offender
        .get_mut()
        .write_all(too_long.as_bytes())
        .await
        .expect("write");
    let answer = read_line(&mut offender).await;
    assert!(
        answer.starts_with("error:") && answer.ends_with('\n'),
        "a line of {} bytes should get one line starting with \"error:\", got {answer:?}",
        MAX_LINE + 1
    );
    expect_closed(offender.get_mut()).await;

    // The other client's connection is untouched, and new clients are still welcome.
    bystander
        .get_mut()
        .write_all(b"after\n")
        .await
        .expect("write");
    assert_eq!(
        read_line(&mut bystander).await,
        "after\n",
        "the other client was cut off"
    );
    let mut newcomer = BufReader::new(connect(addr).await);
    newcomer.get_mut().write_all(b"hi\n").await.expect("write");
    assert_eq!(
        read_line(&mut newcomer).await,
        "hi\n",
        "the server stopped serving new clients"
    );
}

#[tokio::test]
async fn a_line_that_never_ends_is_refused_without_waiting_for_its_end() {
    let (listener, addr) = listener().await;
    tokio::spawn(serve_limited(listener, MAX_LINE));
    let mut endless = BufReader::new(connect(addr).await);
    // No '\n', and the connection stays open: the server must not wait for more.
    let bytes = "z".repeat(10 * MAX_LINE);
    endless
        .get_mut()
        .write_all(bytes.as_bytes())
        .await
        .expect("write");
    let answer = read_line(&mut endless).await;
    assert!(
        answer.starts_with("error:"),
        "{} bytes without a newline should get an \"error:\" line at once, got {answer:?}",
        bytes.len()
    );
}
