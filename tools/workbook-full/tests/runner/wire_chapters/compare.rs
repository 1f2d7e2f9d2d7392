//! What changes from run to run, taken out of a line before it is compared with the book:
//! the ports the system picks, times, sizes, and the names NATS makes up.

use std::collections::HashMap;

/// `127.0.0.1:PORT` in `text` with each port in `ports` replaced by its value, and any
/// other (picked by the system) by `PORT`.
pub(super) fn map_ports(text: &str, ports: &HashMap<u16, u16>) -> String {
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

/// `text` with the letters and digits after each `marker` replaced by `ID`: NATS's inboxes
/// (`_INBOX.L2GXxxrF9rgKxAcyPCvlzH.*`) and its server's id are new each run.
fn without_ids(text: &str, marker: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(marker) {
        out.push_str(&rest[..at + marker.len()]);
        rest = &rest[at + marker.len()..];
        let id = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'.')
            .count();
        // Each part of an inbox becomes `ID` and its dots and `*` stay, so that a reply
        // inbox (`_INBOX.ID.ID`) still differs from a subscription to all (`_INBOX.ID.*`).
        let id = rest[..id]
            .split('.')
            .map(|part| if part.is_empty() { "" } else { "ID" })
            .collect::<Vec<_>>()
            .join(".");
        out.push_str(&id);
        rest = rest.trim_start_matches(|c: char| c.is_ascii_alphanumeric() || c == '.');
    }
    out.push_str(rest);
    out
}

/// A line the relay printed, without what changes from run to run: the time, the size,
/// the ports the system picked and NATS's made-up names.
pub(super) fn comparable(line: &str, book_ports: &HashMap<u16, u16>) -> String {
    let line = map_ports(line, book_ports);
    let line = without_ids(&line, "_INBOX.");
    let line = without_ids(&line, r#""server_id":""#);
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
pub(super) fn banner_ports(line: &str) -> Option<(u16, u16)> {
    let (_, rest) = line.split_once("relay listening on 127.0.0.1:")?;
    let (relay, server) = rest.split_once(", forwarding to 127.0.0.1:")?;
    Some((relay.parse().ok()?, server.parse().ok()?))
}

/// A log line's time (`2026-11-23T16:13:27.765993Z`), as `TIME`; `None` for a line that
/// is not logged.
fn logged(line: &str) -> Option<String> {
    let (time, rest) = line.split_once(' ')?;
    let bytes = time.as_bytes();
    let is_time = bytes.len() >= 20
        && bytes[4] == b'-'
        && bytes[10] == b'T'
        && time.ends_with('Z')
        && bytes[..4].iter().all(u8::is_ascii_digit);
    is_time.then(|| format!("TIME {rest}"))
}

/// What a terminal showed, as (what the program printed, what it logged): a terminal
/// interleaves the two, and a test reads them from two pipes.
pub(super) fn printed_and_logged(lines: &[String]) -> (Vec<String>, Vec<String>) {
    let mut printed = Vec::new();
    let mut logs = Vec::new();
    for line in lines {
        match logged(line) {
            Some(log) => logs.push(log),
            None => printed.push(line.clone()),
        }
    }
    (printed, logs)
}

#[test]
fn made_up_names_and_times_are_left_out() {
    assert_eq!(
        without_ids(
            "PUB _INBOX.RjGG _INBOX.L2GX.Zqtw 0 and SUB _INBOX.L2GX.* 0",
            "_INBOX."
        ),
        "PUB _INBOX.ID _INBOX.ID.ID 0 and SUB _INBOX.ID.* 0"
    );
    assert_eq!(
        logged("2026-11-23T16:13:27.765993Z  INFO async_nats: event: connected").as_deref(),
        Some("TIME  INFO async_nats: event: connected")
    );
    assert_eq!(logged("greetings: hello"), None);
}
