//! Checks `rpc.frame`: `cargo test -p l02-rpc --test frame`.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use l02_rpc::exercises::frame::{FrameDecoder, FrameError, MAX_FRAME, encode_frame};
use l02_rpc::frame as known_good;
use testkit::within;
use tokio::io::AsyncReadExt;

/// Remembers the largest single allocation, so that a test can see whether the decoder
/// made room for a frame before checking its length.
struct LargestAllocation;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for LargestAllocation {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: LargestAllocation = LargestAllocation;

/// The frame of `payload`, as the worked example writes it.
fn framed(payload: &[u8]) -> Vec<u8> {
    let mut frame = (payload.len() as u32).to_be_bytes().to_vec();
    frame.extend_from_slice(payload);
    frame
}

#[test]
fn encodes_a_big_endian_length_then_the_payload() {
    let frame = encode_frame(b"hi").expect("encode_frame");
    assert_eq!(
        frame,
        [0, 0, 0, 2, b'h', b'i'],
        "\"hi\" should be framed as 00 00 00 02 'h' 'i'"
    );

    let frame = encode_frame(&[b'x'; 258]).expect("encode_frame");
    assert_eq!(frame[..4], [0, 0, 1, 2], "258 is 00 00 01 02 in big-endian");
    assert_eq!(frame.len(), 4 + 258);
}

#[test]
fn a_frame_fed_one_byte_at_a_time() {
    let mut decoder = FrameDecoder::new();
    let wire = framed(b"hello");
    for (i, byte) in wire.iter().enumerate() {
        decoder.feed(&[*byte]);
        let got = decoder.next_frame().expect("next_frame");
        if i + 1 < wire.len() {
            assert_eq!(
                got,
                None,
                "after {} of the frame's {} bytes, the frame is not whole yet",
                i + 1,
                wire.len()
            );
        } else {
            assert_eq!(got.as_deref(), Some(&b"hello"[..]), "the whole frame is in");
        }
    }
    assert_eq!(
        decoder.next_frame().expect("next_frame"),
        None,
        "a frame is handed out once"
    );
    assert!(
        decoder.finish().is_ok(),
        "every byte fed was handed out: a clean end"
    );
}

#[test]
fn several_frames_in_one_piece_come_out_one_by_one() {
    let mut decoder = FrameDecoder::new();
    let mut piece = framed(b"first");
    piece.extend(framed(b"")); // an empty payload is a frame too
    piece.extend(framed(b"third"));
    let fourth = framed(b"fourth, cut in two");
    piece.extend_from_slice(&fourth[..7]);
    decoder.feed(&piece);

    let mut got = Vec::new();
    while let Some(frame) = decoder.next_frame().expect("next_frame") {
        got.push(String::from_utf8_lossy(&frame).into_owned());
        assert!(
            got.len() <= 4,
            "next_frame hands out frames that were never sent"
        );
    }
    assert_eq!(
        got,
        ["first", "", "third"],
        "three whole frames (one empty) and the start of a fourth, fed at once"
    );
    assert!(
        matches!(decoder.finish(), Err(FrameError::Truncated)),
        "a stream ending here ends inside the fourth frame"
    );

    decoder.feed(&fourth[7..]);
    let rest = decoder.next_frame().expect("next_frame");
    assert_eq!(
        rest.as_deref(),
        Some(&b"fourth, cut in two"[..]),
        "the fourth frame, once the rest of it is fed"
    );
}

#[test]
fn the_end_of_the_stream_between_frames_or_inside_one() {
    assert!(
        FrameDecoder::new().finish().is_ok(),
        "a stream with no bytes at all ended cleanly"
    );
    for (what, bytes) in [
        ("2 of the 4 length bytes", &[0u8, 0][..]),
        (
            "the length 10, then 3 bytes",
            &[0, 0, 0, 10, b'a', b'b', b'c'][..],
        ),
        ("the length 1, then nothing", &[0, 0, 0, 1][..]),
    ] {
        let mut decoder = FrameDecoder::new();
        decoder.feed(bytes);
        let got = decoder.next_frame();
        assert!(
            matches!(got, Ok(None)),
            "{what}: the frame is not whole yet, expected Ok(None), got {got:?}"
        );
        let end = decoder.finish();
        assert!(
            matches!(end, Err(FrameError::Truncated)),
            "{what}, then the end of the stream: expected Err(Truncated), got {end:?}"
        );
    }
}

#[test]
fn a_length_over_the_limit_is_refused_without_allocating_it() {
    // Only the length is in: a decoder that waits for the payload before looking at the
    // length would answer "not whole yet" for ever.
    let mut decoder = FrameDecoder::new();
    decoder.feed(&u32::MAX.to_be_bytes());
    match decoder.next_frame() {
        Err(FrameError::TooLarge { len }) => assert_eq!(len, u32::MAX as usize),
        other => panic!(
            "a length of {} should be Err(TooLarge) at once, got {other:?}",
            u32::MAX
        ),
    }
    let largest = LARGEST.load(Ordering::Relaxed);
    assert!(
        largest < 64 * MAX_FRAME,
        "the decoder allocated {largest} bytes for a frame it refuses"
    );

    let mut decoder = FrameDecoder::new();
    decoder.feed(&((MAX_FRAME + 1) as u32).to_be_bytes());
    let got = decoder.next_frame();
    assert!(
        matches!(got, Err(FrameError::TooLarge { .. })),
        "MAX_FRAME + 1 bytes: got {got:?}"
    );

    let mut decoder = FrameDecoder::new();
    decoder.feed(&framed(&vec![b'z'; MAX_FRAME]));
    let got = decoder
        .next_frame()
        .expect("a frame of exactly MAX_FRAME bytes");
    assert_eq!(
        got.map(|frame| frame.len()),
        Some(MAX_FRAME),
        "a frame of exactly MAX_FRAME bytes is allowed"
    );
}

#[test]
fn encoding_a_payload_over_the_limit_is_refused() {
    let got = encode_frame(&vec![0; MAX_FRAME + 1]);
    assert!(
        matches!(got, Err(FrameError::TooLarge { .. })),
        "a payload of MAX_FRAME + 1 bytes: got {:?}",
        got.map(|frame| frame.len())
    );
    let got = encode_frame(&vec![0; MAX_FRAME]).map(|frame| frame.len());
    assert!(
        matches!(got, Ok(len) if len == MAX_FRAME + 4),
        "a payload of exactly MAX_FRAME bytes is framed, got {got:?}"
    );
}

#[tokio::test]
async fn agrees_with_the_known_good_codec() {
    let wire = encode_frame(b"{\"id\":7}").expect("encode_frame");
    let decoded = known_good::read_frame(&mut wire.as_slice())
        .await
        .expect("known-good read");
    assert_eq!(
        decoded.as_deref(),
        Some(&b"{\"id\":7}"[..]),
        "the known-good reader disagrees"
    );

    let wire = known_good::encode(&serde_json::json!({"id": 8})).expect("encode");
    let mut decoder = FrameDecoder::new();
    decoder.feed(&wire);
    let decoded = decoder.next_frame().expect("next_frame");
    assert_eq!(decoded.as_deref(), Some(&b"{\"id\":8}"[..]));
}

#[tokio::test]
async fn frames_from_a_real_socket_as_reads_cut_them() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let payloads: Vec<Vec<u8>> = vec![
        b"{\"id\":1}".to_vec(),
        Vec::new(),
        vec![b'a'; 70_000],
        vec![b'z'; MAX_FRAME],
    ];
    let sent = payloads.clone();
    let sender = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        for payload in &sent {
            known_good::write_frame(&mut stream, payload)
                .await
                .expect("write_frame");
        }
    }); // the stream closes here: a clean end after the last frame

    let mut stream = support::connect(addr).await;
    let mut decoder = FrameDecoder::new();
    let mut got: Vec<Vec<u8>> = Vec::new();
    let mut piece = [0u8; 1500];
    within("every frame, then the end of the stream", async {
        loop {
            let n = stream.read(&mut piece).await.expect("read");
            if n == 0 {
                break;
            }
            decoder.feed(&piece[..n]);
            while let Some(frame) = decoder.next_frame().expect("next_frame") {
                got.push(frame);
                assert!(got.len() <= payloads.len(), "more frames than were sent");
            }
        }
    })
    .await;
    let sizes = |frames: &[Vec<u8>]| frames.iter().map(Vec::len).collect::<Vec<_>>();
    assert_eq!(
        sizes(&got),
        sizes(&payloads),
        "the frames' sizes, as read from the socket"
    );
    assert!(got == payloads, "the frames came out with other bytes");
    assert!(
        decoder.finish().is_ok(),
        "after the last frame, the end of the stream is a clean end"
    );
    within("the sender to finish", sender)
        .await
        .expect("sender");
}
