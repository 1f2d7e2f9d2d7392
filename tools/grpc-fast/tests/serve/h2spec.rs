//! `grpc-fast` held to h2spec, the HTTP/2 conformance suite, as it is run against the
//! server: `h2spec -h 127.0.0.1 -p 7005 -P /hello.Greeter/SayHello`.
//!
//! Each case sends the frames one h2spec case sends (summerwind/h2spec at af83a65, folders
//! `http2/` and `generic/`) and expects the answer RFC 9113 gives for them: a *stream
//! error* (RST_STREAM on that stream, and the connection lives on) or a *connection error*
//! (GOAWAY, then the end). Tests are named by h2spec's sections, which follow RFC 7540's
//! numbering; the comments cite the RFC 9113 section that now says it. Most of h2spec's
//! requests are a GET of the path, which the fast server answers with 405: what matters
//! here is how the frames around it are answered. Where the worked example (tonic's server,
//! on the `h2` crate) gives the same answer, the same bytes go to it too. The cases of
//! section 6, on the frames themselves, are in `h2spec_frames.rs`; those of section 8, on
//! HTTP messages, in `h2spec_http.rs`.

use http2::frame::{self, error, flag, kind, setting};

use super::{say_hello, start};
use crate::raw::{H2SPEC_GET, Raw, headers};
use crate::support::worked_example;

/// What a case sends after the preface and its SETTINGS: bytes, or a pause until the
/// server has ended a stream.
pub enum Step {
    Send(Vec<u8>),
    EndOf(u32),
}

/// The answer RFC 9113 asks for.
#[derive(Debug)]
pub enum Expect {
    /// RST_STREAM on this stream with this code; the connection serves on.
    StreamError(u32, u32),
    /// GOAWAY with this code, then the connection closes.
    ConnectionError(u32),
}

pub struct Case {
    /// h2spec's words for it.
    pub name: &'static str,
    pub settings: &'static [(u16, u32)],
    pub steps: Vec<Step>,
    pub expect: Expect,
    /// Whether the worked example is held to the same answer.
    pub tonic: bool,
}

pub fn case(name: &'static str, bytes: Vec<u8>, expect: Expect) -> Case {
    Case {
        name,
        settings: &[],
        steps: vec![Step::Send(bytes)],
        expect,
        tonic: true,
    }
}

impl Case {
    /// For a case where the worked example answers otherwise, as the RFC also allows.
    pub fn fast_only(mut self) -> Case {
        self.tonic = false;
        self
    }
}

/// Runs every case on a connection of its own, to the fast server and (where it says so)
/// to the worked example; then an ordinary call must still be answered.
pub async fn hold(cases: Vec<Case>) {
    let fast = start(1);
    let tonic = worked_example().await;
    for case in &cases {
        run(&fast, FAST, case).await;
        if case.tonic {
            run(&tonic, "the worked example", case).await;
        }
    }
    assert_eq!(say_hello(&fast, "Ferris").await, "Hello Ferris!");
}

const FAST: &str = "grpc-fast";

async fn run(addr: &str, server: &str, case: &Case) {
    let mut raw = Raw::connect(addr, case.settings).await;
    for step in &case.steps {
        match step {
            Step::Send(bytes) => raw.send(bytes).await,
            Step::EndOf(stream) => raw.end_of(*stream).await,
        }
    }
    let what = format!("{server}, h2spec \"{}\"", case.name);
    match case.expect {
        // The fast server is held to the RFC's stream error; the worked example to what
        // h2spec holds it to, which counts a connection error with the same code too (`h2`
        // closes the connection for some of these).
        Expect::StreamError(stream, code) => match raw.stream_error(stream).await {
            Err(goaway) if server != FAST => assert_eq!(goaway, code, "{what}"),
            got => assert_eq!(got, Ok(code), "{what}"),
        },
        Expect::ConnectionError(code) => {
            let (got, why) = raw.goaway().await;
            assert_eq!(got, code, "{what}: {why}");
        }
    }
}

pub use Expect::{ConnectionError, StreamError};

pub const NONE: u8 = 0;
pub const END: u8 = flag::END_STREAM;

/// h2spec's GET on `stream`.
pub fn get(stream: u32, flags: u8) -> Vec<u8> {
    let mut out = Vec::new();
    headers(&mut out, stream, flags, &H2SPEC_GET);
    out
}

/// h2spec's GET with `change` made to its fields.
pub fn get_with(stream: u32, change: impl FnOnce(&mut Vec<(&str, &str)>)) -> Vec<u8> {
    let mut fields = H2SPEC_GET.to_vec();
    change(&mut fields);
    let mut out = Vec::new();
    headers(&mut out, stream, END, &fields);
    out
}

/// h2spec's POST (its GET with `:method: POST`), with `extra` fields.
pub fn post(stream: u32, flags: u8, extra: &[(&str, &str)]) -> Vec<u8> {
    let mut fields = H2SPEC_GET.to_vec();
    fields[0].1 = "POST";
    fields.extend_from_slice(extra);
    let mut out = Vec::new();
    headers(&mut out, stream, flags, &fields);
    out
}

pub fn data(stream: u32, flags: u8, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    frame::put(&mut out, kind::DATA, flags, stream, bytes);
    out
}

pub fn reset(stream: u32) -> Vec<u8> {
    let mut out = Vec::new();
    frame::put_reset(&mut out, stream, error::CANCEL);
    out
}

pub fn window_update(stream: u32, increment: u32) -> Vec<u8> {
    let mut out = Vec::new();
    frame::put_window_update(&mut out, stream, increment);
    out
}

/// A PRIORITY frame: `dependency`, weight 255, cut or padded to `len` bytes.
pub fn priority(stream: u32, dependency: u32, len: usize) -> Vec<u8> {
    let mut payload = dependency.to_be_bytes().to_vec();
    payload.push(255);
    payload.resize(len, 0);
    let mut out = Vec::new();
    frame::put(&mut out, kind::PRIORITY, 0, stream, &payload);
    out
}

// RFC 9113, section 5.1: which frames each state of a stream allows.
#[tokio::test]
async fn h2spec_5_1_stream_states() {
    hold(vec![
        // idle: only HEADERS and PRIORITY may name it; anything else is a connection error.
        case(
            "idle: Sends a DATA frame",
            data(1, END, b"test"),
            ConnectionError(error::PROTOCOL_ERROR),
        ),
        // (Also h2spec 6.4, "Sends a RST_STREAM frame on a idle stream".)
        case(
            "idle: Sends a RST_STREAM frame",
            reset(1),
            ConnectionError(error::PROTOCOL_ERROR),
        ),
        case(
            "idle: Sends a WINDOW_UPDATE frame",
            window_update(1, 100),
            ConnectionError(error::PROTOCOL_ERROR),
        ),
        // half-closed (remote), as the client sees it: our answer to the GET may not have
        // reached it. For us the stream is closed, and DATA on it a stream error (6.1).
        // The worked example closes the connection here, with PROTOCOL_ERROR (h2spec only
        // sees the connection close).
        case(
            "half closed (remote): Sends a DATA frame",
            [get(1, END), data(1, END, b"test")].concat(),
            StreamError(1, error::STREAM_CLOSED),
        )
        .fast_only(),
        // The client reset the stream itself: what it sends there after is a stream error.
        case(
            "closed: Sends a DATA frame after sending RST_STREAM frame",
            [get(1, NONE), reset(1), data(1, END, b"test")].concat(),
            StreamError(1, error::STREAM_CLOSED),
        ),
        // The worked example closes the connection here, which the RFC allows too.
        case(
            "closed: Sends a HEADERS frame after sending RST_STREAM frame",
            [get(1, NONE), reset(1), get(1, END)].concat(),
            StreamError(1, error::STREAM_CLOSED),
        )
        .fast_only(),
        // Both sides ended the stream, and the client has seen our end.
        Case {
            name: "closed: Sends a DATA frame",
            settings: &[],
            steps: vec![
                Step::Send(get(1, END)),
                Step::EndOf(1),
                Step::Send(data(1, END, b"test")),
            ],
            expect: StreamError(1, error::STREAM_CLOSED),
            tonic: true,
        },
        // The worked example's GOAWAY says PROTOCOL_ERROR.
        Case {
            name: "closed: Sends a HEADERS frame",
            settings: &[],
            steps: vec![
                Step::Send(get(1, END)),
                Step::EndOf(1),
                Step::Send(get(1, END)),
            ],
            expect: ConnectionError(error::STREAM_CLOSED),
            tonic: false,
        },
    ])
    .await;
}

// Section 5.1.2: a stream over the limit the server announced (128) is refused, alone.
// With no window the 405 answers cannot finish, so all 128 GETs are still open.
#[tokio::test]
async fn h2spec_5_1_2_stream_concurrency() {
    let limit = shared::grpc::MAX_STREAMS_PER_CONNECTION;
    let gets: Vec<u8> = (0..=limit).flat_map(|n| get(2 * n + 1, END)).collect();
    hold(vec![Case {
        name: "Sends HEADERS frames that causes their advertised concurrent stream limit to be exceeded",
        settings: &[(setting::INITIAL_WINDOW_SIZE, 0)],
        steps: vec![Step::Send(gets)],
        expect: StreamError(2 * limit + 1, error::REFUSED_STREAM),
        // tonic answers its GETs without a body, so its streams end in time.
        tonic: false,
    }])
    .await;
}

// RFC 7540, section 5.3.1 (RFC 9113 keeps the fields): a stream cannot depend on itself.
#[tokio::test]
async fn h2spec_5_3_1_stream_dependencies() {
    let get = get(1, END);
    let mut self_dependent = Vec::new();
    let block = &get[frame::HEADER_LEN..];
    let mut payload = 1u32.to_be_bytes().to_vec();
    payload.push(255);
    payload.extend_from_slice(block);
    let flags = flag::END_HEADERS | END | flag::PRIORITY;
    frame::put(&mut self_dependent, kind::HEADERS, flags, 1, &payload);
    hold(vec![
        case(
            "Sends HEADERS frame that depends on itself",
            self_dependent,
            StreamError(1, error::PROTOCOL_ERROR),
        ),
        case(
            "Sends PRIORITY frame that depend on itself",
            priority(1, 1, 5),
            StreamError(1, error::PROTOCOL_ERROR),
        ),
    ])
    .await;
}
