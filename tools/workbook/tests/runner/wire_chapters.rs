//! The chapters' `wire` sessions, replayed.
//!
//! Chapters 01–05 show a `wire --print` session: the relay's terminal, and beside it the
//! client pointed at the relay. The book's transcript check runs lesson binaries only and
//! starts no relay, so the chapters mark the client's block abridged; this test replays
//! each session instead, with the lesson's servers and the relay on free ports, and
//! compares what the relay printed with the book. Times, the ports the system picks and
//! message sizes (a client's `Host` and `:authority` carry the port) are left out of the
//! comparison, and so is the order (two sides' SETTINGS cross in any order). So are the
//! GOAWAY frames: whether a gRPC client says goodbye before its connection closes depends
//! on how fast it exits.

use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;

use testkit::ServerProcess;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::wire::{PATIENCE, client, course_root, lesson};

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
