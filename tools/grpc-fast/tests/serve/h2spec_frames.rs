//! h2spec's section 6 (RFC 9113, section 6): each frame type's own rules, and flow control.
//! The harness is `h2spec.rs`'s.

use http2::frame::{self, error, kind, setting};

use super::start;
use crate::h2spec::{
    Case, ConnectionError, END, NONE, StreamError, case, data, get, hold, post, priority,
    window_update,
};
use crate::raw::Raw;

// Section 6.1: DATA on a stream that is not open is a stream error of type STREAM_CLOSED.
#[tokio::test]
async fn h2spec_6_1_data() {
    hold(vec![
    // The worked example closes the connection here, with PROTOCOL_ERROR (h2spec only
    // sees the connection close).
    case(
        "Sends a DATA frame on the stream that is not in \"open\" or \"half-closed (local)\" state",
        [post(1, END, &[]), data(1, END, b"test")].concat(),
        StreamError(1, error::STREAM_CLOSED),
    )
    .fast_only()])
    .await;
}

// Section 6.3: PRIORITY names a stream, and is 5 bytes long.
#[tokio::test]
async fn h2spec_6_3_priority() {
    hold(vec![
        case(
            "Sends a PRIORITY frame with 0x0 stream identifier",
            priority(0, 0, 5),
            ConnectionError(error::PROTOCOL_ERROR),
        ),
        // The worked example closes the connection here, with PROTOCOL_ERROR (h2spec only
        // sees the connection close).
        case(
            "Sends a PRIORITY frame with a length other than 5 octets",
            [get(1, END), priority(1, 1 << 31, 4)].concat(),
            StreamError(1, error::FRAME_SIZE_ERROR),
        )
        .fast_only(),
    ])
    .await;
}

// Section 6.5.2: SETTINGS_ENABLE_PUSH is 0 or 1.
#[tokio::test]
async fn h2spec_6_5_2_defined_settings_parameters() {
    hold(vec![Case {
        name: "SETTINGS_ENABLE_PUSH (0x2): Sends the value other than 0 or 1",
        settings: &[(setting::ENABLE_PUSH, 2)],
        steps: vec![],
        expect: ConnectionError(error::PROTOCOL_ERROR),
        tonic: true,
    }])
    .await;
}

// Section 6.8: GOAWAY is about the connection, so on stream 0 only.
#[tokio::test]
async fn h2spec_6_8_goaway() {
    let mut goaway = Vec::new();
    frame::put(&mut goaway, kind::GOAWAY, 0, 1, &[0; 8]);
    hold(vec![case(
        "Sends a GOAWAY frame with a stream identifier other than 0x0",
        goaway,
        ConnectionError(error::PROTOCOL_ERROR),
    )])
    .await;
}

// Sections 6.9 and 6.9.1: errors of a stream's window are stream errors.
#[tokio::test]
async fn h2spec_6_9_window_update() {
    let max = frame::MAX_WINDOW;
    hold(vec![
        case(
            "Sends a WINDOW_UPDATE frame with a flow control window increment of 0 on a stream",
            [get(1, NONE), window_update(1, 0)].concat(),
            StreamError(1, error::PROTOCOL_ERROR),
        ),
        // h2spec 6.9.1.
        case(
            "Sends multiple WINDOW_UPDATE frames increasing the flow control window to above 2^31-1 on a stream",
            [get(1, NONE), window_update(1, max), window_update(1, max)].concat(),
            StreamError(1, error::FLOW_CONTROL_ERROR),
        ),
    ])
    .await;
}

// h2spec generic 2 and http2 6.9.2: a reply (here the 405's body) waits for the window the
// client gives, and goes out as far as it allows.
#[tokio::test]
async fn h2spec_generic_2_half_closed_stream_flow_control() {
    let addr = start(1);
    let mut raw = Raw::connect(&addr, &[(setting::INITIAL_WINDOW_SIZE, 0)]).await;
    let mut steps = get(1, END);
    steps.extend(priority(1, 0, 5));
    steps.extend(window_update(1, 1));
    raw.send(&steps).await;
    let first = raw.until(kind::DATA, 1).await;
    assert_eq!(first.payload.len(), 1, "as much as the window allows");
    // Section 6.9.2: a new initial window moves every open stream's window by the change.
    let initial_window = |size| {
        let mut out = Vec::new();
        frame::put_settings(&mut out, &[(setting::INITIAL_WINDOW_SIZE, size)]);
        out
    };
    raw.send(&initial_window(3)).await;
    assert_eq!(raw.until(kind::DATA, 1).await.payload.len(), 3);
    // Down to 2, the window is 2 - 3 = -1: the next WINDOW_UPDATE of 2 leaves room for 1.
    raw.send(&[initial_window(2), window_update(1, 2)].concat())
        .await;
    assert_eq!(raw.until(kind::DATA, 1).await.payload.len(), 1);
}
