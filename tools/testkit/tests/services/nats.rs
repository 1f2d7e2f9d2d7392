//! `testkit::nats()` gives a test a NATS server that routes messages, comes back on the same
//! port after a restart with what JetStream stored, and leaves nothing running.

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use testkit::within;

/// A client speaking NATS's text protocol: reads the server's INFO line and says CONNECT.
async fn client(url: &str) -> BufReader<TcpStream> {
    let addr = url.trim_start_matches("nats://");
    let stream = within("a connection to NATS", TcpStream::connect(addr))
        .await
        .expect("NATS accepts connections");
    let mut stream = BufReader::new(stream);
    let info = line(&mut stream).await;
    assert!(info.starts_with("INFO {"), "{info}");
    stream
        .get_mut()
        .write_all(b"CONNECT {\"verbose\":false}\r\n")
        .await
        .unwrap();
    stream
}

async fn line(stream: &mut BufReader<TcpStream>) -> String {
    let mut line = String::new();
    within("a line from NATS", stream.read_line(&mut line))
        .await
        .unwrap();
    line.trim_end().to_string()
}

#[tokio::test]
async fn nats_routes_a_message_and_restarts_on_its_port() {
    let mut server = testkit::nats().await;
    let pid = server.pid().expect("a server of our own");
    for round in 0..2 {
        let mut subscriber = client(&server.url()).await;
        subscriber
            .get_mut()
            .write_all(b"SUB greetings 1\r\nPING\r\n")
            .await
            .unwrap();
        assert_eq!(line(&mut subscriber).await, "PONG");
        let mut publisher = client(&server.url()).await;
        publisher
            .get_mut()
            .write_all(b"PUB greetings 5\r\nhello\r\n")
            .await
            .unwrap();
        assert_eq!(line(&mut subscriber).await, "MSG greetings 1 5");
        assert_eq!(line(&mut subscriber).await, "hello");
        server.wait_for("connections", |count| count == 2).await;
        if round == 0 {
            server.restart().await;
            assert_ne!(server.pid(), Some(pid));
        }
    }
    drop(server);
    assert!(
        !std::path::Path::new(&format!("/proc/{pid}")).exists(),
        "nats-server {pid} still runs after the guard was dropped"
    );
}
