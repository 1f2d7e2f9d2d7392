//! Checks `tcp.lines`: `cargo test -p l01-tcp --test lines`.

mod support;

use std::io;

use l01_tcp::exercises::lines::LineReader;
use support::{connect, listener};
use testkit::within;
use tokio::io::{AsyncRead, AsyncWriteExt};

/// Collects every line until `next_line` returns `None`.
async fn all_lines(reader: impl AsyncRead + Unpin) -> Vec<String> {
    let mut lines = LineReader::new(reader);
    let mut found = Vec::new();
    let deadline = tokio::time::Instant::now() + testkit::PATIENCE;
    while let Some(line) = within("the next line", lines.next_line())
        .await
        .expect("next_line")
    {
        found.push(line);
        assert!(
            tokio::time::Instant::now() < deadline,
            "the lines should end within {:?}; after {} lines, the last was {:?}",
            testkit::PATIENCE,
            found.len(),
            found.last()
        );
        assert!(
            found.len() <= 10_000,
            "next_line keeps returning lines that were never sent"
        );
    }
    found
}

#[tokio::test]
async fn a_line_split_over_many_reads() {
    // A pipe that holds one byte: every read the LineReader does returns at most one byte.
    let (mut writer, reader) = tokio::io::duplex(1);
    tokio::spawn(async move {
        writer.write_all(b"hello\nworld\n").await.expect("write");
    }); // the writer is dropped at the end: end of stream
    let lines = all_lines(reader).await;
    assert_eq!(
        lines,
        ["hello", "world"],
        "sent \"hello\\nworld\\n\" one byte per read"
    );
}

#[tokio::test]
async fn several_lines_in_one_read() {
    let (mut writer, reader) = tokio::io::duplex(1024);
    // Everything is in the pipe before the first read: the first read returns it all.
    writer
        .write_all(b"one\ntwo\n\nthree\n")
        .await
        .expect("write");
    drop(writer);
    let lines = all_lines(reader).await;
    assert_eq!(
        lines,
        ["one", "two", "", "three"],
        "sent \"one\\ntwo\\n\\nthree\\n\" at once"
    );
}

#[tokio::test]
async fn a_last_line_without_newline_is_still_a_line() {
    let (mut writer, reader) = tokio::io::duplex(1024);
    writer.write_all(b"first\nlast").await.expect("write");
    drop(writer);
    assert_eq!(all_lines(reader).await, ["first", "last"]);

    let (writer, reader) = tokio::io::duplex(1024);
    drop(writer);
    assert!(
        all_lines(reader).await.is_empty(),
        "an empty stream has no lines"
    );
}

#[tokio::test]
async fn invalid_utf8_is_an_invalid_data_error() {
    let (mut writer, reader) = tokio::io::duplex(1024);
    writer.write_all(b"\xff\xfe\n").await.expect("write");
    drop(writer);
    let result = within("next_line", LineReader::new(reader).next_line()).await;
    match result {
        Err(error) => assert_eq!(error.kind(), io::ErrorKind::InvalidData, "{error}"),
        Ok(line) => panic!("expected an InvalidData error for bytes ff fe, got Ok({line:?})"),
    }
}

#[tokio::test]
async fn lines_over_a_real_socket() {
    let (listener, addr) = listener().await;
    let sender = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        stream.set_nodelay(true).expect("nodelay");
        for byte in b"byte by byte\n" {
            stream.write_all(&[*byte]).await.expect("write");
        }
        let burst: String = (0..1000).map(|i| format!("line {i}\n")).collect();
        stream.write_all(burst.as_bytes()).await.expect("write");
    });
    let lines = all_lines(connect(addr).await).await;
    within("the sender to finish", sender)
        .await
        .expect("sender");
    assert_eq!(lines.first().map(String::as_str), Some("byte by byte"));
    let expected: Vec<String> = (0..1000).map(|i| format!("line {i}")).collect();
    assert_eq!(
        lines[1..],
        expected[..],
        "the 1000 lines of the burst came out wrong"
    );
}

#[tokio::test]
async fn lines_already_read_come_out_while_the_peer_stays_connected() {
    let (listener, addr) = listener().await;
    let mut reader = LineReader::new(connect(addr).await);
    let (mut peer, _) = within("the connection to be accepted", listener.accept())
        .await
        .expect("accept");
    // Both lines in one write, and the peer stays connected: no more bytes, and no end of
    // stream, come after them. The second line is already in the reader's buffer.
    peer.write_all(b"first\nsecond\n").await.expect("write");
    for expected in ["first", "second"] {
        let line = within(
            "a line already received (two came in one write; the peer stays connected)",
            reader.next_line(),
        )
        .await
        .expect("next_line");
        assert_eq!(
            line.as_deref(),
            Some(expected),
            "sent \"first\\nsecond\\n\" in one write and kept the connection open"
        );
    }
    drop(peer); // only now does the stream end
}
