//! `workbook wire` from outside: the lessons' own servers and clients talk through the
//! relay as a learner's would, the calls succeed, and the relay's feed (what the book
//! server's `/wire` page reads) holds each message decoded. A client sending garbage leaves
//! the relay and the server up.
//!
//! The lessons' binaries are built once, with their reference answers, as the `cargo test
//! --workspace --all-features` that runs this test builds them.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use serde_json::Value;
use testkit::ServerProcess;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// How long the feed may take to show what a test waits for.
const PATIENCE: Duration = Duration::from_secs(20);

/// The course this crate belongs to: `tools/workbook/../..`.
fn course_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("tools/workbook is two folders below the course")
        .to_path_buf()
}

/// Lessons 01, 02, 03 and 05's executables, built once.
fn lesson(package: &str) -> PathBuf {
    static BUILT: OnceLock<HashMap<String, PathBuf>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        let packages = ["l01-tcp", "l02-rpc", "l03-jsonrpc", "l05-grpc"];
        let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        // As a shell would run it: none of the variables cargo gave this test.
        for (name, _) in std::env::vars() {
            if name.starts_with("CARGO_") && name != "CARGO_HOME" && name != "CARGO_TARGET_DIR" {
                command.env_remove(name);
            }
        }
        command.current_dir(course_root()).args([
            "build",
            "--bins",
            "--message-format=json-render-diagnostics",
        ]);
        for package in packages {
            command.args(["-p", package]);
        }
        let features: Vec<String> = packages.iter().map(|p| format!("{p}/solution")).collect();
        command.args(["--features", &features.join(",")]);
        let output = command
            .stderr(Stdio::inherit())
            .output()
            .expect("cargo runs");
        assert!(output.status.success(), "the lessons do not build");
        let mut found = HashMap::new();
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Ok(message) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            if let (Some(name), Some(executable)) = (
                message["target"]["name"].as_str(),
                message["executable"].as_str(),
            ) {
                found.insert(name.to_string(), PathBuf::from(executable));
            }
        }
        found
    });
    built[package].clone()
}

/// A relay to `to`, and a reader of its feed.
struct Relay {
    process: ServerProcess,
    feed: tokio::io::Lines<BufReader<TcpStream>>,
    /// Every event read from the feed so far.
    events: Vec<Value>,
}

impl Relay {
    async fn start(protocol: &str, to: SocketAddr) -> Relay {
        let to = to.to_string();
        let args = [
            "wire",
            "--listen",
            "127.0.0.1:0",
            "--to",
            &to,
            "--protocol",
            protocol,
        ];
        // It logs the relay's address, then the feed's.
        let process = ServerProcess::start(env!("CARGO_BIN_EXE_workbook"), &args, 2).await;
        let feed = TcpStream::connect(process.addrs()[1])
            .await
            .expect("the feed accepts");
        let mut feed = BufReader::new(feed).lines();
        let hello = feed
            .next_line()
            .await
            .unwrap()
            .expect("the feed says hello");
        assert!(hello.contains(protocol), "{hello}");
        Relay {
            process,
            feed,
            events: Vec::new(),
        }
    }

    fn addr(&self) -> String {
        self.process.addr().to_string()
    }

    /// Reads the feed until one event's summary contains each of `texts`, in that order;
    /// panics with what it read if they do not come.
    async fn expect(&mut self, texts: &[&str]) {
        let read = tokio::time::timeout(PATIENCE, async {
            loop {
                let summaries: Vec<&str> = self
                    .events
                    .iter()
                    .filter_map(|event| event["summary"].as_str())
                    .collect();
                let mut from = 0;
                let all = texts.iter().all(|text| {
                    match summaries[from..].iter().position(|s| s.contains(text)) {
                        Some(at) => {
                            from += at + 1;
                            true
                        }
                        None => false,
                    }
                });
                if all {
                    return;
                }
                match self.feed.next_line().await {
                    Ok(Some(line)) => self.events.push(serde_json::from_str(&line).unwrap()),
                    _ => return,
                }
            }
        })
        .await;
        let shown: Vec<String> = self
            .events
            .iter()
            .map(|e| format!("{} {} {}", e["direction"], e["broken"], e["summary"]))
            .collect();
        assert!(
            read.is_ok() && self.has_all(texts),
            "the feed did not show {texts:?}; it showed:\n{}",
            shown.join("\n")
        );
    }

    fn has_all(&self, texts: &[&str]) -> bool {
        texts.iter().all(|text| {
            self.events
                .iter()
                .any(|e| e["summary"].as_str().unwrap_or_default().contains(text))
        })
    }
}

/// Runs a lesson's client to the end; its standard output.
fn client(package: &str, args: &[&str]) -> String {
    let output = Command::new(lesson(package))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the client runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{package} {args:?} failed:\n{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[tokio::test]
async fn lesson_05_grpc_calls_go_through_and_every_frame_is_decoded() {
    let server =
        ServerProcess::start(lesson("l05-grpc"), &["server", "--addr", "127.0.0.1:0"], 1).await;
    let mut relay = Relay::start("grpc", server.addr()).await;
    let printed = client("l05-grpc", &["client", "--addr", &relay.addr(), "Ferris"]);
    assert!(
        printed.contains("SayHello       -> Hello Ferris!"),
        "{printed}"
    );
    relay
        .expect(&[
            "connection preface",
            "SETTINGS stream 0",
            "HEADERS stream 1, END_HEADERS: POST /hello.Greeter/SayHello",
            r#"DATA stream 1: 13 bytes; HelloRequest {"name (1)":"Ferris"}"#,
            "HEADERS stream 1, END_HEADERS: :status 200",
            r#"HelloReply {"message (1)":"Hello Ferris!"}"#,
            "trailers: grpc-status 0",
            "closed",
        ])
        .await;
    let data = relay
        .events
        .iter()
        .find(|e| e["summary"].as_str().unwrap().contains("HelloRequest"))
        .unwrap();
    let labels: Vec<&str> = data["spans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap())
        .collect();
    assert!(labels.contains(&"gRPC: message length = 8"), "{labels:?}");
    assert!(
        labels.contains(&"field 1 `name` = \"Ferris\""),
        "{labels:?}"
    );
    assert!(!relay.events.iter().any(|e| e["broken"] == true));
}

#[tokio::test]
async fn lesson_01_lines_go_through_both_ways() {
    let server =
        ServerProcess::start(lesson("l01-tcp"), &["server", "--addr", "127.0.0.1:0"], 1).await;
    let mut relay = Relay::start("lines", server.addr()).await;
    let printed = client(
        "l01-tcp",
        &["client", "--addr", &relay.addr(), "hello", "wire"],
    );
    assert_eq!(printed, "hello\nwire\n");
    relay
        .expect(&["line \"hello\"", "line \"wire\"", "closed"])
        .await;
    let directions: Vec<&str> = relay
        .events
        .iter()
        .filter(|e| e["summary"] == "line \"hello\"")
        .map(|e| e["direction"].as_str().unwrap())
        .collect();
    assert_eq!(directions, ["→", "←"]);
}

#[tokio::test]
async fn lesson_02_frames_go_through_over_tcp_and_http() {
    let server =
        ServerProcess::start(lesson("l02-rpc"), &["server", "--addr", "127.0.0.1:0"], 1).await;
    let mut relay = Relay::start("frames", server.addr()).await;
    let printed = client("l02-rpc", &["client", "--addr", &relay.addr(), "gopher"]);
    assert!(printed.contains("gopher hello world"), "{printed}");
    relay
        .expect(&[
            "frame of 54 bytes: request id 1 hello.HelloWorld(\"gopher\")",
            "frame of 38 bytes: reply id 1: \"gopher hello world\"",
        ])
        .await;

    let http = ServerProcess::start(
        lesson("l02-rpc"),
        &["http-server", "--addr", "127.0.0.1:0"],
        1,
    )
    .await;
    let mut relay = Relay::start("frames", http.addr()).await;
    client("l02-rpc", &["http-client", "--addr", &relay.addr(), "ada"]);
    relay
        .expect(&[
            "HTTP: CONNECT /_rpc_ HTTP/1.0",
            "HTTP: HTTP/1.0 200 Connected to RPC",
            "request id 1 hello.HelloWorld(\"ada\")",
            "reply id 1: \"ada hello world\"",
        ])
        .await;
}

#[tokio::test]
async fn lesson_03_json_rpc_goes_through_over_tcp_and_http() {
    let args = [
        "server",
        "--addr",
        "127.0.0.1:0",
        "--http-addr",
        "127.0.0.1:0",
    ];
    let server = ServerProcess::start(lesson("l03-jsonrpc"), &args, 2).await;
    let mut relay = Relay::start("jsonrpc", server.addrs()[0]).await;
    client("l03-jsonrpc", &["client", "--addr", &relay.addr(), "ada"]);
    relay
        .expect(&[
            "request id 0 hello.HelloWorld([\"ada\"])",
            "reply id 0: \"ada hello world\"",
        ])
        .await;

    let mut relay = Relay::start("http", server.addrs()[1]).await;
    client(
        "l03-jsonrpc",
        &["http-client", "--addr", &relay.addr(), "ada"],
    );
    relay
        .expect(&[
            "POST / HTTP/1.1: request id 0 hello.HelloWorld([\"ada\"])",
            "HTTP/1.1 200 OK: reply id 0: \"ada hello world\"",
        ])
        .await;
}

#[tokio::test]
async fn garbage_through_the_relay_leaves_relay_and_server_up() {
    let server =
        ServerProcess::start(lesson("l05-grpc"), &["server", "--addr", "127.0.0.1:0"], 1).await;
    let mut relay = Relay::start("grpc", server.addr()).await;
    let garbage: [&[u8]; 3] = [
        b"GET / HTTP/1.1\r\n\r\n",
        // The preface, then a frame header that announces 16 MiB and sends 3 bytes.
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\xff\xff\xff\x00\x00\x00\x00\x00\x01abc",
        // The preface, then SETTINGS of 5 bytes (entries are 6).
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x05\x04\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00",
    ];
    for bytes in garbage {
        let mut stream = TcpStream::connect(relay.addr()).await.unwrap();
        stream.write_all(bytes).await.unwrap();
        stream.write_all(&[0x5a; 70_000]).await.unwrap();
        // Whatever the server answers, until it closes.
        let mut sink = Vec::new();
        let _ = tokio::time::timeout(
            PATIENCE,
            tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut sink),
        )
        .await;
    }
    relay
        .expect(&[
            "not HTTP/2",
            "too large to show",
            "cannot have a payload of 5 bytes",
        ])
        .await;
    assert!(relay.events.iter().any(|e| e["broken"] == true));

    // Both still up: a real call goes through.
    let printed = client("l05-grpc", &["client", "--addr", &relay.addr(), "after"]);
    assert!(printed.contains("Hello after!"), "{printed}");
}

// ---------------------------------------------------------------------------------------
// The chapters' sessions
//
// Chapters 01–05 show a `wire --print` session: the relay's terminal, and beside it the
// client pointed at the relay. The book's transcript check runs lesson binaries only and
// starts no relay, so the chapters mark the client's block abridged; this test replays
// each session instead, with the lesson's servers and the relay on free ports, and
// compares what the relay printed with the book. Times, the ports the system picks and
// message sizes (a client's `Host` and `:authority` carry the port) are left out of the
// comparison, and so is the order (two sides' SETTINGS cross in any order). So are the
// GOAWAY frames: whether a gRPC client says goodbye before its connection closes depends
// on how fast it exits.

/// A chapter's session as the book shows it.
struct Session {
    chapter: String,
    /// `wire`'s arguments: `["05", "--print"]`.
    wire: Vec<String>,
    /// What the relay printed, its banner included.
    printed: Vec<String>,
    /// Each client: its package, arguments and output.
    clients: Vec<(String, Vec<String>, Vec<String>)>,
}

/// The ```console blocks of a chapter, as lines.
fn console_blocks(markdown: &str) -> Vec<Vec<String>> {
    let mut blocks = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start().starts_with("```")) {
            (None, true) if line.trim() == "```console" => current = Some(Vec::new()),
            (Some(_), true) => blocks.extend(current.take()),
            (Some(lines), false) => lines.push(line.to_string()),
            _ => {}
        }
    }
    blocks
}

/// The `wire` session of a chapter, if it shows one.
fn session(chapter: &Path) -> Option<Session> {
    let markdown = std::fs::read_to_string(chapter).unwrap();
    let blocks = console_blocks(&markdown);
    let at = blocks
        .iter()
        .position(|block| block[0].starts_with("$ cargo run -p workbook -- wire "))?;
    let wire = blocks[at][0]["$ cargo run -p workbook -- wire ".len()..]
        .split_whitespace()
        .map(String::from)
        .collect();
    let printed = blocks[at][1..]
        .iter()
        .take_while(|line| !line.starts_with("^C"))
        .cloned()
        .collect();
    let mut clients: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    for line in &blocks[at + 1] {
        match line.strip_prefix("$ cargo run -p ") {
            Some(command) => {
                let (package, args) = command.split_once(" -- ").expect("cargo run -p P -- ARGS");
                let args = args.split_whitespace().map(String::from).collect();
                clients.push((package.to_string(), args, Vec::new()));
            }
            None => clients
                .last_mut()
                .expect("a command first")
                .2
                .push(line.clone()),
        }
    }
    Some(Session {
        chapter: chapter.display().to_string(),
        wire,
        printed,
        clients,
    })
}

/// The servers of a lesson, in the order `wire` relays them: (package, arguments,
/// listeners).
fn servers(lesson: &str) -> Vec<(&'static str, Vec<&'static str>, usize)> {
    match lesson {
        "01" => vec![("l01-tcp", vec!["server"], 1)],
        "02" => vec![
            ("l02-rpc", vec!["server"], 1),
            ("l02-rpc", vec!["http-server"], 1),
        ],
        "03" => vec![(
            "l03-jsonrpc",
            vec!["server", "--http-addr", "127.0.0.1:0"],
            2,
        )],
        "05" => vec![("l05-grpc", vec!["server"], 1)],
        other => panic!("no servers known for lesson {other}"),
    }
}

/// `127.0.0.1:PORT` in `text` with each port in `ports` replaced by its value, and any
/// other (picked by the system) by `PORT`.
fn map_ports(text: &str, ports: &HashMap<u16, u16>) -> String {
    const HOST: &str = "127.0.0.1:";
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(HOST) {
        let after = &rest[at + HOST.len()..];
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        out.push_str(&rest[..at + HOST.len()]);
        match after[..digits]
            .parse::<u16>()
            .ok()
            .and_then(|p| ports.get(&p))
        {
            Some(port) => out.push_str(&port.to_string()),
            None if digits > 0 => out.push_str("PORT"),
            None => {}
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// A printed line without what changes from run to run: the time and the size.
fn comparable(line: &str, book_ports: &HashMap<u16, u16>) -> String {
    let line = map_ports(line, book_ports);
    let mut words: Vec<&str> = line.splitn(5, ' ').collect();
    let is_message = words.len() == 5 && words[1].starts_with('#');
    if is_message {
        words[0] = "TIME";
        if words[4].starts_with("B ") || words[4].starts_with("B BROKEN") {
            words[3] = "SIZE";
        }
    }
    words.join(" ")
}

/// `relay listening on A, forwarding to B`: the two ports.
fn banner_ports(line: &str) -> Option<(u16, u16)> {
    let (_, rest) = line.split_once("relay listening on 127.0.0.1:")?;
    let (relay, server) = rest.split_once(", forwarding to 127.0.0.1:")?;
    Some((relay.parse().ok()?, server.parse().ok()?))
}

async fn replay(session: &Session) {
    let mut running = Vec::new();
    let mut server_addrs = Vec::new();
    for (package, args, listeners) in servers(&session.wire[0]) {
        let mut args = args.clone();
        args.extend(["--addr", "127.0.0.1:0"]);
        let server = ServerProcess::start(lesson(package), &args, listeners).await;
        server_addrs.extend(server.addrs().iter().map(ToString::to_string));
        running.push(server);
    }
    let mut args: Vec<String> = session.wire.clone();
    for addr in &server_addrs {
        args.extend([
            "--listen".into(),
            "127.0.0.1:0".into(),
            "--to".into(),
            addr.clone(),
        ]);
    }
    let mut relay = tokio::process::Command::new(env!("CARGO_BIN_EXE_workbook"))
        .arg("wire")
        .args(&args)
        .current_dir(course_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("workbook runs");
    let mut banner = BufReader::new(relay.stderr.take().unwrap()).lines();
    let mut printed = Vec::new();
    while let Ok(Some(line)) = banner.next_line().await {
        printed.push(line.clone());
        if line.contains("point your client at") {
            break;
        }
    }
    // The book's ports for the run's, from the two banners.
    let book: Vec<(u16, u16)> = session
        .printed
        .iter()
        .filter_map(|l| banner_ports(l))
        .collect();
    let run: Vec<(u16, u16)> = printed.iter().filter_map(|l| banner_ports(l)).collect();
    assert_eq!(
        book.len(),
        run.len(),
        "{}: the relays differ: {printed:?}",
        session.chapter
    );
    // The book server's port is the same in both.
    let mut to_book = HashMap::from([(3000, 3000)]);
    let mut as_in_book = HashMap::from([(3000, 3000)]);
    let mut to_run = HashMap::new();
    for ((book_relay, book_server), (run_relay, run_server)) in book.iter().zip(&run) {
        to_book.insert(*run_relay, *book_relay);
        to_book.insert(*run_server, *book_server);
        to_run.insert(*book_relay, *run_relay);
        as_in_book.insert(*book_relay, *book_relay);
        as_in_book.insert(*book_server, *book_server);
    }

    for (package, args, output) in &session.clients {
        let args: Vec<String> = args.iter().map(|arg| map_ports(arg, &to_run)).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let stdout = client(package, &args);
        let shown: Vec<String> = stdout
            .lines()
            .map(|line| map_ports(line, &to_book))
            .collect();
        if !output.is_empty() {
            assert_eq!(
                &shown, output,
                "{}: `{package} {args:?}` printed",
                session.chapter
            );
        }
    }

    // Every connection says `closed` last.
    let mut lines = BufReader::new(relay.stdout.take().unwrap()).lines();
    let wanted = session
        .printed
        .iter()
        .filter(|l| l.ends_with("·  closed"))
        .count();
    let mut closed = 0;
    let read = tokio::time::timeout(PATIENCE, async {
        while closed < wanted {
            let Ok(Some(line)) = lines.next_line().await else {
                break;
            };
            closed += usize::from(line.ends_with("·  closed"));
            printed.push(line);
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "{}: the relay printed only {printed:#?}",
        session.chapter
    );
    let _ = relay.kill().await;

    let mut from_book: Vec<String> = session
        .printed
        .iter()
        .map(|l| comparable(l, &as_in_book))
        .collect();
    let mut from_run: Vec<String> = printed.iter().map(|l| comparable(l, &to_book)).collect();
    let timing = |line: &String| !line.contains(" GOAWAY stream ");
    from_book.retain(timing);
    from_run.retain(timing);
    from_book.sort();
    from_run.sort();
    let missing: Vec<&String> = from_book.iter().filter(|l| !from_run.contains(l)).collect();
    let extra: Vec<&String> = from_run.iter().filter(|l| !from_book.contains(l)).collect();
    assert!(
        from_book == from_run,
        "{}: the relay printed something else.\nIn the book only:\n{missing:#?}\nIn the run only:\n{extra:#?}",
        session.chapter
    );
}

#[tokio::test]
async fn the_chapters_wire_sessions_are_what_a_run_prints() {
    let src = course_root().join("book/src");
    let mut replayed = Vec::new();
    for chapter in ["01-tcp", "02-rpc", "03-jsonrpc", "04-protobuf", "05-grpc"] {
        let path = src.join(format!("{chapter}.md"));
        let session =
            session(&path).unwrap_or_else(|| panic!("{chapter}.md shows no wire session"));
        replay(&session).await;
        replayed.push(chapter);
    }
    assert_eq!(replayed.len(), 5);
}
