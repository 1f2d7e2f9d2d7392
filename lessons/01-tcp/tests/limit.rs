//! Checks `tcp.limit`: `cargo test -p l01-tcp --test limit`.

mod support;

use l01_tcp::exercises::limit::serve_limited;
use support::{connect, listener, read_line};
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const MAX_LINE: usize = 16;

/// A client of a fresh `serve_limited`, reading what the server sends line by line.
async fn client_of_a_server() -> (BufReader<TcpStream>, std::net::SocketAddr) {
    let (listener, addr) = listener().await;
    tokio::spawn(serve_limited(listener, MAX_LINE));
    (BufReader::new(connect(addr).await), addr)
}

async fn send(client: &mut BufReader<TcpStream>, bytes: &[u8]) {
    client.get_mut().write_all(bytes).await.expect("write");
}

fn assert_error_line(answer: &str, bytes: usize) {
    assert!(
        answer.starts_with("error:") && answer.ends_with('\n'),
        "a line of {bytes} bytes should get one line starting with \"error:\", got {answer:?}"
    );
}

#[tokio::test]
async fn lines_up_to_the_limit_are_echoed() {
    let (mut client, _) = client_of_a_server().await;
    let longest = format!("{}\n", "x".repeat(MAX_LINE));
    send(&mut client, b"short\n").await;
    send(&mut client, longest.as_bytes()).await;
    assert_eq!(read_line(&mut client).await, "short\n");
    assert_eq!(
        read_line(&mut client).await,
        longest,
        "a line of exactly {MAX_LINE} bytes is allowed"
    );
}

#[tokio::test]
async fn a_long_line_is_refused_and_its_connection_goes_on() {
    let (mut bystander, addr) = client_of_a_server().await;
    send(&mut bystander, b"before\n").await;
    assert_eq!(read_line(&mut bystander).await, "before\n");

    // One byte over the limit, then its `\n`, then a good line.
    let mut offender = BufReader::new(connect(addr).await);
    let too_long = format!("{}\nafter\n", "y".repeat(MAX_LINE + 1));
    send(&mut offender, too_long.as_bytes()).await;
    let answer = read_line(&mut offender).await;
    assert_error_line(&answer, MAX_LINE + 1);
    let next = read_line(&mut offender).await;
    assert_eq!(
        next, "after\n",
        "after the error line, the line that follows the long one should come back, and \
         nothing of the long line"
    );

    // The other client's connection is untouched, and new clients are still welcome.
    send(&mut bystander, b"still here\n").await;
    assert_eq!(
        read_line(&mut bystander).await,
        "still here\n",
        "the other client was cut off"
    );
    let mut newcomer = BufReader::new(connect(addr).await);
    send(&mut newcomer, b"hi\n").await;
    assert_eq!(
        read_line(&mut newcomer).await,
        "hi\n",
        "the server stopped serving new clients"
    );
}

#[tokio::test]
async fn a_line_many_times_too_long_gets_one_error_and_no_echo() {
    let (mut client, _) = client_of_a_server().await;
    let long = "w".repeat(10 * MAX_LINE + 3);
    send(&mut client, format!("{long}\nnext\n").as_bytes()).await;
    let answer = read_line(&mut client).await;
    assert_error_line(&answer, long.len());
    let next = read_line(&mut client).await;
    assert_eq!(
        next, "next\n",
        "a line too long gets one error line, then the next line's echo"
    );
}

#[tokio::test]
async fn a_line_that_never_ends_is_refused_without_waiting_for_its_end() {
    let (mut client, _) = client_of_a_server().await;
    // No '\n', and the connection stays open: the server must not wait for more.
    let bytes = "z".repeat(10 * MAX_LINE);
    send(&mut client, bytes.as_bytes()).await;
    let answer = read_line(&mut client).await;
    assert!(
        answer.starts_with("error:"),
        "{} bytes without a newline should get an \"error:\" line at once, got {answer:?}",
        bytes.len()
    );
    // The same line goes on for a while, then ends; the line after it is served.
    send(&mut client, "z".repeat(5 * MAX_LINE).as_bytes()).await;
    send(&mut client, b"zz\nlater\n").await;
    assert_eq!(
        read_line(&mut client).await,
        "later\n",
        "once the long line ended, the next line should be echoed"
    );
}
