//! The NATS decoder against sessions as a client and nats-server write them, cut anywhere.

use super::*;

/// What lesson 12's NATS publisher sends for `publish greetings hello-1`: the payload is the
/// one nats-server's trace shows in chapter 12 (`MSG_PAYLOAD`), go-micro's JSON of a
/// `broker.Message` with no headers.
const PUBLISH: &[u8] = b"CONNECT {\"verbose\":false,\"headers\":true,\"no_responders\":true}\r\n\
PING\r\n\
PUB greetings 35\r\n{\"Header\":{},\"Body\":\"aGVsbG8tMQ==\"}\r\n\
HPUB greetings _INBOX.a.1 22 26\r\nNATS/1.0\r\nMicro: 1\r\n\r\nbody\r\n\
SUB greetings workers 1\r\n\
UNSUB 1\r\n";

/// What nats-server sends back: its INFO, a PONG, a MSG and a "no responders".
const SERVER: &[u8] = b"INFO {\"server_id\":\"N1\",\"version\":\"2.9.10\",\"max_payload\":1048576,\"headers\":true}\r\n\
PONG\r\n\
MSG greetings 1 35\r\n{\"Header\":{},\"Body\":\"aGVsbG8tMQ==\"}\r\n\
HMSG _INBOX.a.1 1 16 16\r\nNATS/1.0 503\r\n\r\n\r\n\
-ERR 'Unknown Protocol Operation'\r\n";

/// Feeds `bytes` in pieces ending at `cuts`; the summaries, broken ones marked.
fn decode(direction: Direction, bytes: &[u8], cuts: &[usize]) -> Vec<String> {
    let mut decoder = Nats::default();
    let mut out = Vec::new();
    let mut at = 0;
    for &cut in cuts.iter().chain([&bytes.len()]) {
        let cut = cut.clamp(at, bytes.len());
        decoder.feed(direction, &bytes[at..cut], &mut out);
        at = cut;
    }
    decoder.finish(direction, &mut out);
    out.iter()
        .map(|m| format!("{}{}", if m.broken { "BROKEN " } else { "" }, m.summary))
        .collect()
}

/// A small deterministic generator, for the cuts: the same every run.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[test]
fn a_clients_operations_are_read_with_their_payloads() {
    let summaries = decode(Direction::ToServer, PUBLISH, &[]);
    assert_eq!(
        summaries,
        [
            "CONNECT {\"verbose\":false,\"headers\":true,\"no_responders\":true}",
            "PING",
            "PUB greetings 35: broker message on greetings, body \"hello-1\"",
            "HPUB greetings _INBOX.a.1 22 26: headers NATS/1.0, \"body\"",
            "SUB greetings workers 1",
            "UNSUB 1",
        ]
    );
}

#[test]
fn a_servers_operations_are_read_with_their_payloads() {
    let summaries = decode(Direction::ToClient, SERVER, &[]);
    assert_eq!(
        summaries,
        [
            "INFO {\"server_id\":\"N1\",\"version\":\"2.9.10\",\"max_payload\":1048576,\"headers\":true}",
            "PONG",
            "MSG greetings 1 35: broker message on greetings, body \"hello-1\"",
            "HMSG _INBOX.a.1 1 16 16: headers NATS/1.0 503 (no responders)",
            "-ERR 'Unknown Protocol Operation'",
        ]
    );
}

#[test]
fn the_bytes_and_spans_of_a_pub() {
    let mut out = Vec::new();
    Nats::default().feed(
        Direction::ToServer,
        b"PUB greetings 35\r\n{\"Header\":{},\"Body\":\"aGVsbG8tMQ==\"}\r\n",
        &mut out,
    );
    let message = &out[0];
    assert_eq!(message.bytes.len(), 18 + 35 + 2);
    let spans: Vec<(usize, usize, &str)> = message
        .spans
        .iter()
        .map(|s| (s.start, s.end, s.label.as_str()))
        .collect();
    assert_eq!(
        spans,
        [
            (0, 18, "PUB line: subject greetings, 35 bytes follow"),
            (18, 53, "payload, 35 bytes"),
            (19, 30, "\"Header\" member"),
            (31, 52, "\"Body\" member"),
            (53, 55, "end of the payload (\\r\\n)"),
        ]
    );
    let decoded = message.decoded.as_deref().unwrap();
    assert!(
        decoded.ends_with("Body: 7 bytes, base64 aGVsbG8tMQ==\nhello-1"),
        "{decoded}"
    );
}

#[test]
fn any_cut_of_the_bytes_decodes_the_same() {
    let whole_client = decode(Direction::ToServer, PUBLISH, &[]);
    let whole_server = decode(Direction::ToClient, SERVER, &[]);
    let mut random = XorShift(0x5eed_1234_abcd_0001);
    for round in 0..500 {
        for (direction, bytes, whole) in [
            (Direction::ToServer, PUBLISH, &whole_client),
            (Direction::ToClient, SERVER, &whole_server),
        ] {
            // One byte at a time in the first round; then up to 6 cuts anywhere.
            let mut cuts: Vec<usize> = match round {
                0 => (1..bytes.len()).collect(),
                _ => (0..random.below(7))
                    .map(|_| random.below(bytes.len() + 1))
                    .collect(),
            };
            cuts.sort_unstable();
            assert_eq!(&decode(direction, bytes, &cuts), whole, "cut at {cuts:?}");
        }
    }
}

#[test]
fn a_payload_over_max_payload_is_broken_and_never_awaited() {
    let mut decoder = Nats::default();
    let mut out = Vec::new();
    decoder.feed(
        Direction::ToServer,
        b"PING\r\nPUB big 2000000\r\n",
        &mut out,
    );
    decoder.feed(Direction::ToServer, &[b'x'; 16 * 1024], &mut out);
    assert_eq!(out[0].summary, "PING");
    assert!(out[1].broken, "{}", out[1].summary);
    assert_eq!(
        out[1].summary,
        "PUB announces a payload of 2000000 bytes, over the server's max_payload of 1048576"
    );
    // The rest of that side is shown raw, not kept.
    assert_eq!(out[2].bytes.len(), 16 * 1024);
    assert!(decoder.sides[0].bytes.is_empty());
    // The other side goes on.
    decoder.feed(Direction::ToClient, b"PONG\r\n", &mut out);
    assert_eq!(out[3].summary, "PONG");
}

#[test]
fn garbage_lines_are_broken_and_decoding_goes_on() {
    let summaries = decode(
        Direction::ToServer,
        b"GET / HTTP/1.1\r\n\xff\xfe\r\nPUB s x\r\nPING\r\n",
        &[3, 17, 29],
    );
    assert_eq!(summaries[0], "BROKEN not a NATS operation: GET / HTTP/1.1");
    assert!(summaries[1].starts_with("BROKEN not NATS: a line that is not text"));
    // Sizes that are not sizes: where the payload ends cannot be known.
    assert_eq!(
        summaries[2],
        "BROKEN PUB with arguments that are not subject, [reply,] sizes: s x"
    );
    assert!(
        summaries[3].starts_with("6 bytes, not decoded"),
        "{summaries:?}"
    );

    // A payload without its \r\n.
    let summaries = decode(Direction::ToClient, b"MSG s 1 2\r\nabXY", &[]);
    assert_eq!(
        summaries,
        ["BROKEN MSG's payload of 2 bytes is not followed by \\r\\n"]
    );
    // HPUB's headers larger than the whole.
    let summaries = decode(Direction::ToServer, b"HPUB s 9 3\r\n", &[]);
    assert!(
        summaries[0].starts_with("BROKEN HPUB with arguments"),
        "{summaries:?}"
    );
}

#[test]
fn an_endless_line_stops_decoding_within_the_bound() {
    let mut decoder = Nats::default();
    let mut out = Vec::new();
    for _ in 0..4 {
        decoder.feed(Direction::ToServer, &[b'x'; 2000], &mut out);
    }
    assert!(out[0].broken);
    assert!(
        out[0].summary.contains("max_control_line"),
        "{}",
        out[0].summary
    );
    assert!(out[0].bytes.len() <= MAX_CONTROL_LINE + 2000);
    // A line ended, but too long.
    let long = format!("PUB {} 1\r\nx\r\n", "s".repeat(MAX_CONTROL_LINE));
    let summaries = decode(Direction::ToServer, long.as_bytes(), &[]);
    assert!(
        summaries[0].contains("over the server's max_control_line"),
        "{summaries:?}"
    );
}

#[test]
fn random_bytes_in_random_pieces_never_panic_nor_pile_up() {
    let mut random = XorShift(0xdead_beef_0000_0042);
    let alphabet = b"PUB HMSG INFO {}\r\n 0123456789 xyz\xff-+OK";
    for _ in 0..300 {
        let mut decoder = Nats::default();
        let mut out = Vec::new();
        for _ in 0..random.below(20) {
            let piece: Vec<u8> = (0..random.below(3000))
                .map(|_| alphabet[random.below(alphabet.len())])
                .collect();
            decoder.feed(Direction::ToServer, &piece, &mut out);
            let held = decoder.sides[0].bytes.len();
            assert!(
                held <= MAX_CONTROL_LINE + MAX_PAYLOAD + 3000,
                "{held} bytes held"
            );
        }
        decoder.finish(Direction::ToServer, &mut out);
    }
}
