//! The chapters' `wire` sessions, replayed.
//!
//! Chapters 01–05, 12 and 13 show a `wire --print` session: the relay's terminal, and beside it
//! the clients pointed at the relay. The book's transcript check runs lesson binaries only
//! and starts no relay, so the chapters mark the clients' blocks abridged; this test replays
//! each session instead, with the lesson's servers (chapter 12's NATS server) and the relay
//! on free ports, and compares what the relay and the clients printed with the book. Times,
//! the ports the system picks, message sizes (a client's `Host` and `:authority` carry the
//! port) and the names NATS makes up are left out of the comparison, and so is the order of
//! the relay's lines (two sides' SETTINGS cross in any order). So are the GOAWAY frames,
//! and NATS's PING and PONG: whether a gRPC client says goodbye before its connection
//! closes depends on how fast it exits, and whether a NATS client or the server asks "are
//! you there?" first depends on when each last heard from the other. The relay is read
//! until it has printed every line of the book: what it prints after (a subscriber's
//! goodbye) is not shown.

mod compare;
mod session;

use std::any::Any;
use std::collections::HashMap;
use std::process::Stdio;

use testkit::ServerProcess;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::wire::{Background, PATIENCE, client_output, course_root, lesson};
use compare::{banner_ports, comparable, map_ports, printed_and_logged};
use session::{Client, Session, session};

/// What the relays of a lesson forward to, started for the test: the guards that keep
/// them up, and their addresses in the order `wire` relays them.
async fn servers(number: &str) -> (Vec<Box<dyn Any>>, Vec<String>) {
    let processes: Vec<(&str, Vec<&str>, usize)> = match number {
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
        "13" => vec![("l13-rpcx", vec!["server"], 1)],
        "12" => {
            // The HTTP broker's subscriber, whom the session does not call: a port that
            // listens. Then the NATS server.
            let http = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let nats = testkit::nats().await;
            let addrs = vec![
                http.local_addr().unwrap().to_string(),
                nats.url().trim_start_matches("nats://").to_string(),
            ];
            return (vec![Box::new(http), Box::new(nats)], addrs);
        }
        other => panic!("no servers known for lesson {other}"),
    };
    let mut running: Vec<Box<dyn Any>> = Vec::new();
    let mut addrs = Vec::new();
    for (package, mut args, listeners) in processes {
        args.extend(["--addr", "127.0.0.1:0"]);
        let server = ServerProcess::start(lesson(package), &args, listeners).await;
        addrs.extend(server.addrs().iter().map(ToString::to_string));
        running.push(Box::new(server));
    }
    (running, addrs)
}

/// Compares what a client printed (stdout) and logged (stderr) with what the book shows.
fn same_as_shown(
    chapter: &str,
    shown: &Client,
    stdout: &[String],
    stderr: &[String],
    to_book: &HashMap<u16, u16>,
) {
    let in_book: Vec<String> = (shown.output.iter())
        .chain(shown.after_ctrl_c.iter().flatten())
        .cloned()
        .collect();
    if in_book.is_empty() {
        return;
    }
    let (book_printed, book_logged) = printed_and_logged(&in_book);
    let (mut printed, logged) = printed_and_logged(stderr);
    let mut printed_out: Vec<String> = stdout.to_vec();
    printed_out.append(&mut printed);
    let printed: Vec<String> = (printed_out.iter())
        .map(|line| map_ports(line, to_book))
        .collect();
    let package = &shown.package;
    assert_eq!(printed, book_printed, "{chapter}: `{package}` printed");
    assert_eq!(logged, book_logged, "{chapter}: `{package}` logged");
}

async fn replay(session: &Session) {
    let chapter = session.chapter.as_str();
    let (_servers, server_addrs) = servers(&session.wire[0]).await;
    let mut args: Vec<String> = session.wire.clone();
    for addr in &server_addrs {
        args.extend([
            "--listen".into(),
            "127.0.0.1:0".into(),
            "--to".into(),
            addr.clone(),
        ]);
    }
    let mut relay = tokio::process::Command::new(env!("CARGO_BIN_EXE_workbook-full"))
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
    let banner_read = tokio::time::timeout(PATIENCE, async {
        while let Ok(Some(line)) = banner.next_line().await {
            printed.push(line.clone());
            if line.contains("point your client at") {
                break;
            }
        }
    })
    .await;
    assert!(
        banner_read.is_ok(),
        "{chapter}: no whole banner within {PATIENCE:?}; the relay printed: {printed:?}"
    );
    // The book's ports for the run's, from the two banners.
    let book: Vec<(u16, u16)> = (session.printed.iter())
        .filter_map(|l| banner_ports(l))
        .collect();
    let run: Vec<(u16, u16)> = printed.iter().filter_map(|l| banner_ports(l)).collect();
    assert_eq!(
        book.len(),
        run.len(),
        "{chapter}: the relays differ: {printed:?}"
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

    // The clients, as the reader runs them: one to the end, or one in a terminal of its
    // own until Ctrl-C, ready once it has printed its first line.
    let mut running = Vec::new();
    for shown in &session.clients {
        let args: Vec<String> = (shown.args.iter())
            .map(|arg| map_ports(arg, &to_run))
            .collect();
        if shown.after_ctrl_c.is_some() {
            let mut client = Background::start(&shown.package, &args);
            let first = printed_and_logged(&shown.output).0.len().min(1);
            client.has_printed(first).await;
            running.push((shown, client));
        } else {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (stdout, stderr) = client_output(&shown.package, &args);
            let lines = |text: &str| text.lines().map(String::from).collect::<Vec<_>>();
            same_as_shown(chapter, shown, &lines(&stdout), &lines(&stderr), &to_book);
        }
    }

    // The relay, read until it has printed every line of the book (or for PATIENCE).
    let shown = |line: &String| {
        !line.contains(" GOAWAY stream ")
            && !line.ends_with("B  PING")
            && !line.ends_with("B  PONG")
    };
    let mut from_book: Vec<String> = (session.printed.iter())
        .map(|l| comparable(l, &as_in_book))
        .filter(shown)
        .collect();
    let mut still_to_see: HashMap<&String, usize> = HashMap::new();
    for line in &from_book {
        *still_to_see.entry(line).or_default() += 1;
    }
    let mut seen = |line: &str| {
        if let Some(count) = still_to_see.get_mut(&comparable(line, &to_book)) {
            *count = count.saturating_sub(1);
        }
        still_to_see.values().all(|count| *count == 0)
    };
    printed.iter().for_each(|line| _ = seen(line));
    let mut lines = BufReader::new(relay.stdout.take().unwrap()).lines();
    let _ = tokio::time::timeout(PATIENCE, async {
        while let Ok(Some(line)) = lines.next_line().await {
            let all_seen = seen(&line);
            printed.push(line);
            if all_seen {
                break;
            }
        }
    })
    .await;
    // The clients still running stop, through the relay, and then the relay.
    for (shown, mut client) in running {
        let wanted = printed_and_logged(&shown.output).0.len();
        client.has_printed(wanted).await;
        let (stdout, stderr) = client.stop().await;
        same_as_shown(chapter, shown, &stdout, &stderr, &to_book);
    }
    let _ = relay.kill().await;

    let mut from_run: Vec<String> = (printed.iter())
        .map(|l| comparable(l, &to_book))
        .filter(shown)
        .collect();
    from_book.sort();
    from_run.sort();
    let missing = all_but(&from_book, &from_run);
    let extra = all_but(&from_run, &from_book);
    assert!(
        from_book == from_run,
        "{chapter}: the relay printed something else.\nIn the book only:\n{missing:#?}\nIn the run only:\n{extra:#?}",
    );
}

/// The lines of `these` left when each line of `those` takes one of its equals away.
fn all_but<'a>(these: &'a [String], those: &[String]) -> Vec<&'a String> {
    let mut those: Vec<&String> = those.iter().collect();
    let mut left = Vec::new();
    for line in these {
        match those.iter().position(|other| *other == line) {
            Some(at) => _ = those.swap_remove(at),
            None => left.push(line),
        }
    }
    left
}

#[tokio::test]
async fn the_chapters_wire_sessions_are_what_a_run_prints() {
    let src = course_root().join("book/src");
    let chapters = [
        "01-tcp",
        "02-rpc",
        "03-jsonrpc",
        "04-protobuf",
        "05-grpc",
        "12-events",
        "13-rpcx",
    ];
    for chapter in chapters {
        let path = src.join(format!("{chapter}.md"));
        let session =
            session(&path).unwrap_or_else(|| panic!("{chapter}.md shows no wire session"));
        replay(&session).await;
    }
}
