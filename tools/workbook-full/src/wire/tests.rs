//! The relay in-process: bytes pass unchanged, decoded copies reach the feed.

use super::*;

fn args(lesson: Option<&str>, to: &[&str], protocol: &[Protocol]) -> WireArgs {
    WireArgs {
        lesson: lesson.map(String::from),
        listen: Vec::new(),
        to: to.iter().map(|to| to.parse().unwrap()).collect(),
        protocol: protocol.to_vec(),
        print: false,
    }
}

#[test]
fn lessons_relay_on_their_port_plus_200() {
    let relays = plan(&args(Some("03"), &[], &[]), Layout::STANDARD).unwrap();
    let shown: Vec<String> = relays
        .iter()
        .map(|(l, t, p)| format!("{l} {t} {}", p.name()))
        .collect();
    assert_eq!(
        shown,
        [
            "127.0.0.1:7203 127.0.0.1:7003 jsonrpc",
            "127.0.0.1:7303 127.0.0.1:7103 http"
        ]
    );
    assert_eq!(
        plan(&args(Some("grpc"), &[], &[]), Layout::STANDARD).unwrap()[0]
            .0
            .port(),
        7205
    );
    assert!(
        plan(&args(Some("04"), &[], &[]), Layout::STANDARD)
            .unwrap_err()
            .to_string()
            .contains("no server")
    );
    assert_eq!(
        plan(&args(Some("11"), &[], &[]), Layout::STANDARD).unwrap()[0]
            .0
            .port(),
        8280
    );
    // Lesson 12: the HTTP broker's subscriber, and the NATS server.
    let events: Vec<(u16, u16, Protocol)> = plan(&args(Some("events"), &[], &[]), Layout::STANDARD)
        .unwrap()
        .iter()
        .map(|(l, t, p)| (l.port(), t.port(), *p))
        .collect();
    assert_eq!(
        events,
        [(7212, 7012, Protocol::Http), (4422, 4222, Protocol::Nats)]
    );
    assert!(plan(&args(Some("09"), &[], &[]), Layout::STANDARD).is_err());
    let custom = plan(
        &args(None, &["127.0.0.1:8500"], &[Protocol::Http]),
        Layout::STANDARD,
    )
    .unwrap();
    assert_eq!(custom[0].0.port(), 8700);
    assert!(
        plan(
            &args(None, &["10.0.0.1:8500"], &[Protocol::Http]),
            Layout::STANDARD
        )
        .is_err()
    );
    assert!(plan(&args(None, &["127.0.0.1:8500"], &[]), Layout::STANDARD).is_err());
    // A lesson's relays, to its servers elsewhere.
    let moved = plan(
        &args(Some("02"), &["127.0.0.1:9002", "127.0.0.1:9102"], &[]),
        Layout::STANDARD,
    )
    .unwrap();
    assert_eq!((moved[1].0.port(), moved[1].1.port()), (9302, 9102));
    assert_eq!(moved[1].2, Protocol::Frames);
    assert!(
        plan(
            &args(Some("02"), &["127.0.0.1:9002"], &[]),
            Layout::STANDARD
        )
        .is_err()
    );
}

#[test]
fn with_a_base_port_a_lessons_relays_go_to_its_block_and_listen_on_free_ports() {
    let layout = Layout::from_base(20100).unwrap();
    let relays = plan(&args(Some("02"), &[], &[]), layout).unwrap();
    let servers: Vec<u16> = relays.iter().map(|(_, to, _)| to.port()).collect();
    assert_eq!(
        servers,
        [20112, 20152],
        "lesson 02's server and second listener"
    );
    assert!(
        relays.iter().all(|(listen, _, _)| listen.port() == 0),
        "a block has no room for relays: the system picks their ports"
    );
    let events = plan(&args(Some("12"), &[], &[]), layout).unwrap();
    assert_eq!(events[1].1.port(), 20106, "the block's NATS");
    let given = plan(
        &WireArgs {
            listen: vec!["127.0.0.1:30001".parse().unwrap()],
            ..args(Some("01"), &[], &[])
        },
        layout,
    )
    .unwrap();
    assert_eq!((given[0].0.port(), given[0].1.port()), (30001, 20111));
}

/// An echo server for lines on a free port, in-process.
async fn echo_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (mut reader, mut writer) = stream.split();
                let _ = tokio::io::copy(&mut reader, &mut writer).await;
            });
        }
    });
    addr
}

/// A relay of `protocol` to `to`, in-process; its address and hub.
async fn start_relay(to: SocketAddr, protocol: Protocol) -> (SocketAddr, Arc<Hub>, Source) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hub = Arc::new(Hub::new(false));
    let source = Source {
        relay: addr.to_string(),
        to: to.to_string(),
        protocol: protocol.name(),
    };
    tokio::spawn(relay::serve(
        listener,
        to,
        protocol,
        source.clone(),
        hub.clone(),
    ));
    (addr, hub, source)
}

/// Waits until the hub holds an event whose summary starts with `summary`.
async fn until_seen(hub: &Hub, summary: &str) -> Vec<ring::Event> {
    let (_, mut live) = hub.watch();
    loop {
        let (kept, _) = hub.watch();
        if kept.iter().any(|event| event.summary.starts_with(summary)) {
            return kept;
        }
        let waited = tokio::time::timeout(std::time::Duration::from_secs(10), live.recv()).await;
        assert!(waited.is_ok(), "never saw {summary:?}; saw {kept:#?}");
    }
}

#[tokio::test]
async fn bytes_pass_unchanged_and_a_copy_is_decoded() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = echo_server().await;
    let (relay, hub, _) = start_relay(server, Protocol::Lines).await;
    let mut client = tokio::net::TcpStream::connect(relay).await.unwrap();
    // Every byte value, and a line split over two writes.
    let mut sent: Vec<u8> = (0..=255u8).collect();
    sent.extend(b"\nhel");
    client.write_all(&sent).await.unwrap();
    client.write_all(b"lo\n").await.unwrap();
    sent.extend(b"lo\n");
    client.shutdown().await.unwrap();
    let mut echoed = Vec::new();
    client.read_to_end(&mut echoed).await.unwrap();
    assert_eq!(echoed, sent);
    let kept = until_seen(&hub, "closed").await;
    let hello: Vec<&str> = kept
        .iter()
        .filter(|e| e.summary == "line \"hello\"")
        .map(|e| e.direction)
        .collect();
    assert_eq!(hello, ["→", "←"]);
}

#[tokio::test]
async fn a_server_that_is_not_there_is_said_so() {
    let gone = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let (relay, hub, _) = start_relay(gone, Protocol::Grpc).await;
    let _client = tokio::net::TcpStream::connect(relay).await.unwrap();
    let (_, mut live) = hub.watch();
    let note = loop {
        let event = live.recv().await.unwrap();
        if event.summary.starts_with("closed") {
            break event;
        }
    };
    assert!(
        note.summary.contains("cannot be reached"),
        "{}",
        note.summary
    );
}

/// Lesson 12 on NATS: a real nats-server behind the relay. A client subscribes and
/// publishes go-micro's broker message (the payload lesson 12's publisher sends, as the
/// server's trace in chapter 12 shows it); the relay shows the `PUB` going in and the
/// `MSG` the server writes back, the message decoded in both.
#[tokio::test]
async fn a_publish_through_a_nats_relay_is_decoded_both_ways() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let server = testkit::nats().await;
    let url = server.url();
    let to: SocketAddr = url.trim_start_matches("nats://").parse().unwrap();
    let (relay, hub, _) = start_relay(to, Protocol::Nats).await;
    let client = tokio::net::TcpStream::connect(relay).await.unwrap();
    let (reader, mut writer) = client.into_split();
    let mut lines = BufReader::new(reader).lines();
    let info = lines.next_line().await.unwrap().unwrap();
    assert!(info.starts_with("INFO {"), "{info}");
    let payload = r#"{"Header":{},"Body":"aGVsbG8tMQ=="}"#;
    let commands = format!(
        "CONNECT {{\"verbose\":false,\"headers\":true}}\r\nSUB greetings 1\r\nPUB greetings {}\r\n{payload}\r\nPING\r\n",
        payload.len()
    );
    writer.write_all(commands.as_bytes()).await.unwrap();
    // The server answers in order: the MSG, then the PONG.
    let mut got = Vec::new();
    while let Some(line) = lines.next_line().await.unwrap() {
        let pong = line == "PONG";
        got.push(line);
        if pong {
            break;
        }
    }
    assert_eq!(got, ["MSG greetings 1 35", payload, "PONG"]);
    let kept = until_seen(&hub, "PONG").await;
    let summaries: Vec<String> = kept
        .iter()
        .filter(|e| e.direction != "·")
        .map(|e| format!("{} {}", e.direction, e.summary))
        .collect();
    let wanted = [
        "→ SUB greetings 1",
        "→ PUB greetings 35: broker message on greetings, body \"hello-1\"",
        "→ PING",
        "← MSG greetings 1 35: broker message on greetings, body \"hello-1\"",
        "← PONG",
    ];
    for wanted in wanted {
        assert!(
            summaries.iter().any(|s| s == wanted),
            "no {wanted:?} in {summaries:#?}"
        );
    }
    assert!(summaries[0].starts_with("← INFO {"), "{summaries:#?}");
    assert!(kept.iter().all(|e| !e.broken), "{kept:#?}");
}

/// A decoder that takes its time, to fill the channel.
struct Slow;

impl Decode for Slow {
    fn feed(&mut self, _: message::Direction, _: &[u8], _: &mut Vec<message::Message>) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    fn finish(&mut self, _: message::Direction, _: &mut Vec<message::Message>) {}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_decoder_never_holds_the_bytes_up() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = echo_server().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let relay_addr = listener.local_addr().unwrap();
    let hub = Arc::new(Hub::new(false));
    let source = Source {
        relay: relay_addr.to_string(),
        to: server.to_string(),
        protocol: "slow",
    };
    tokio::spawn(relay::serve_with(
        listener,
        server,
        || Box::new(Slow),
        source,
        hub.clone(),
    ));
    let mut client = tokio::net::TcpStream::connect(relay_addr).await.unwrap();
    // 8 MiB is 512 chunks of 16 KiB each way: at 20 ms a chunk, a relay that waited for the
    // decoder would take 20 s. Forwarding does not wait: a quiet machine echoes it all in
    // 50 ms, and 10 s leaves a busy one room.
    let sent = vec![b'x'; 8 * 1024 * 1024];
    let started = std::time::Instant::now();
    let (mut reader, mut writer) = client.split();
    let write = async {
        writer.write_all(&sent).await.unwrap();
        writer.shutdown().await.unwrap();
    };
    let mut echoed = Vec::new();
    let (_, read) = tokio::join!(write, reader.read_to_end(&mut echoed));
    read.unwrap();
    assert_eq!(echoed.len(), sent.len());
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    until_seen(&hub, "the decoder fell behind").await;
}

/// The summaries of the rows the page shows.
async fn rows_shown(client: &fantoccini::Client) -> Vec<String> {
    const ROWS: &str = "return Array.from(document.querySelectorAll('#rows tr.message td.summary'))\
                        .map((td) => td.textContent);";
    let rows = client.execute(ROWS, Vec::new()).await.unwrap();
    serde_json::from_value(rows).unwrap_or_default()
}

/// In headless Chromium: `/wire` shows the relays, then each message as a row as it
/// crosses, and a click on a row shows its bytes.
#[tokio::test]
async fn the_page_shows_each_message_live() {
    use testkit::browser::WINDOW;
    use tokio::io::AsyncWriteExt;
    let Some(browser) = testkit::browser::Browser::or_skip(WINDOW.0, WINDOW.1).await else {
        return;
    };
    let client = &browser.client;

    // A relay with its feed written down in a course folder of the test's own, and a
    // server for that course's `/wire`.
    let root = std::env::temp_dir().join(format!("workbook-wire-page-{}", std::process::id()));
    let server = echo_server().await;
    let (relay, hub, source) = start_relay(server, Protocol::Lines).await;
    let feed = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let folder = page::feeds_folder(&root);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(
        folder.join("1.feed"),
        feed.local_addr().unwrap().to_string(),
    )
    .unwrap();
    tokio::spawn(ring::serve_feed(feed, hub, vec![source]));
    let book = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/wire", book.local_addr().unwrap());
    let router = page::routes(&root);
    tokio::spawn(async move { axum::serve(book, router).await });

    client.goto(&url).await.unwrap();
    let mut stream = tokio::net::TcpStream::connect(relay).await.unwrap();
    stream.write_all(b"hello\nwire\n").await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut shown: Vec<String> = Vec::new();
    while shown.iter().filter(|row| row.starts_with("line ")).count() < 4 {
        assert!(
            std::time::Instant::now() < deadline,
            "the page showed only {shown:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        shown = rows_shown(client).await;
    }
    assert_eq!(
        shown.iter().filter(|row| *row == "line \"hello\"").count(),
        2,
        "{shown:?}"
    );
    let relays = client
        .find(fantoccini::Locator::Id("relays"))
        .await
        .unwrap();
    let relays = relays.text().await.unwrap();
    assert!(
        relays.contains(&format!("{relay} → {server} (lines)")),
        "{relays}"
    );

    // A click shows the bytes and what they mean.
    let row = client
        .find(fantoccini::Locator::Css("#rows tr.message"))
        .await
        .unwrap();
    row.click().await.unwrap();
    let details = client
        .find(fantoccini::Locator::Css("tr.details table.bytes"))
        .await
        .unwrap();
    let text = details.text().await.unwrap();
    assert!(
        text.contains("68 65 6c 6c 6f") && text.contains("end of line"),
        "{text}"
    );

    let _ = client.clone().close().await;
    let _ = std::fs::remove_dir_all(&root);
}

#[tokio::test]
async fn the_book_server_is_looked_for_before_the_page_is_promised() {
    use crate::system::probe::port_taken;
    let listening = TcpListener::bind("127.0.0.1:0").await.unwrap();
    assert!(port_taken(listening.local_addr().unwrap()));
    let closed = listening.local_addr().unwrap();
    drop(listening);
    assert!(!port_taken(closed), "nothing serves {closed}");
}
