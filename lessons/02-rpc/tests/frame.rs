//! Checks `rpc.frame`: `cargo test -p l02-rpc --test frame`.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use l02_rpc::exercises::frame::{FrameError, MAX_FRAME, read_frame, write_frame};
use l02_rpc::frame as known_good;
use testkit::within;
use tokio::io::AsyncWriteExt;

/// Remembers the largest single allocation, so that a test can see whether the reader
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

/// Reads one frame from `bytes`, as if they were all that ever came over the connection.
async fn read_from(bytes: &[u8]) -> Result<Option<Vec<u8>>, FrameError> {
    let mut reader = bytes;
    within("read_frame", read_frame(&mut reader)).await
}

#[tokio::test]
async fn writes_a_big_endian_length_then_the_payload() {
    let mut wire = Vec::new();
    within("write_frame", write_frame(&mut wire, b"hi"))
        .await
        .expect("write_frame");
    assert_eq!(
        wire,
        [0, 0, 0, 2, b'h', b'i'],
        "\"hi\" should be framed as 00 00 00 02 'h' 'i'"
    );

    let payload = vec![b'x'; 258];
    let mut wire = Vec::new();
    within("write_frame", write_frame(&mut wire, &payload))
        .await
        .expect("write_frame");
    assert_eq!(wire[..4], [0, 0, 1, 2], "258 is 00 00 01 02 in big-endian");
    assert_eq!(wire.len(), 4 + 258);
}

#[tokio::test]
async fn round_trip_over_a_socket() {
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
            write_frame(&mut stream, payload)
                .await
                .expect("write_frame");
        }
    }); // the stream closes here: a clean end after the last frame
    let mut stream = support::connect(addr).await;
    for (i, payload) in payloads.iter().enumerate() {
        let got = within("a frame", read_frame(&mut stream)).await;
        let got = got.unwrap_or_else(|error| panic!("frame {i}: {error}"));
        let got =
            got.unwrap_or_else(|| panic!("frame {i}: got None, expected {} bytes", payload.len()));
        assert!(
            got == *payload,
            "frame {i}: got {} bytes, expected {} bytes",
            got.len(),
            payload.len()
        );
    }
    let end = within("the end of the stream", read_frame(&mut stream)).await;
    assert!(
        matches!(end, Ok(None)),
        "after the last frame, the end of the stream is Ok(None), got {end:?}"
    );
    within("the sender to finish", sender)
        .await
        .expect("sender");
}

#[tokio::test]
async fn agrees_with_the_known_good_codec() {
    let mut wire = Vec::new();
    write_frame(&mut wire, b"{\"id\":7}")
        .await
        .expect("write_frame");
    let decoded = known_good::read_frame(&mut wire.as_slice())
        .await
        .expect("known-good read");
    assert_eq!(
        decoded.as_deref(),
        Some(&b"{\"id\":7}"[..]),
        "the known-good reader disagrees"
    );

    let wire = known_good::encode(&serde_json::json!({"id": 8})).expect("encode");
    let decoded = read_from(&wire).await.expect("read_frame");
    assert_eq!(decoded.as_deref(), Some(&b"{\"id\":8}"[..]));
}

#[tokio::test]
async fn a_frame_split_into_one_byte_reads() {
    // A pipe that holds one byte at a time: the length and the payload arrive byte by byte.
    let (mut writer, mut reader) = tokio::io::duplex(1);
    tokio::spawn(async move {
        writer.write_all(&[0, 0, 0, 5]).await.expect("write");
        writer.write_all(b"hello").await.expect("write");
    });
    let got = within("a frame sent one byte at a time", read_frame(&mut reader)).await;
    assert_eq!(got.expect("read_frame").as_deref(), Some(&b"hello"[..]));
}

#[tokio::test]
async fn the_end_of_the_stream_between_frames_is_a_clean_end() {
    let got = read_from(&[]).await;
    assert!(
        matches!(got, Ok(None)),
        "an empty stream should be Ok(None), got {got:?}"
    );
}

#[tokio::test]
async fn the_end_of_the_stream_inside_a_frame_is_truncated() {
    for (what, bytes) in [
        ("2 of the 4 length bytes", &[0u8, 0][..]),
        (
            "the length 10, then 3 bytes",
            &[0, 0, 0, 10, b'a', b'b', b'c'][..],
        ),
        ("the length 1, then nothing", &[0, 0, 0, 1][..]),
    ] {
        let got = read_from(bytes).await;
        assert!(
            matches!(got, Err(FrameError::Truncated)),
            "{what}: expected Err(Truncated), got {got:?}"
        );
    }
}

#[tokio::test]
async fn a_length_over_the_limit_is_refused_without_allocating_it() {
    // Only the length arrives, and the connection stays open: a reader that waits for the
    // payload before checking the length would wait forever.
    let (mut writer, mut reader) = tokio::io::duplex(64);
    writer
        .write_all(&u32::MAX.to_be_bytes())
        .await
        .expect("write");
    let got = within(
        "read_frame to refuse a 4 GiB length",
        read_frame(&mut reader),
    )
    .await;
    match got {
        Err(FrameError::TooLarge { len }) => assert_eq!(len, u32::MAX as usize),
        other => panic!(
            "a length of {} should be Err(TooLarge), got {other:?}",
            u32::MAX
        ),
    }
    let largest = LARGEST.load(Ordering::Relaxed);
    assert!(
        largest < 64 * MAX_FRAME,
        "read_frame allocated {largest} bytes for a frame it refuses"
    );

    let just_over = ((MAX_FRAME + 1) as u32).to_be_bytes();
    let got = read_from(&just_over).await;
    assert!(
        matches!(got, Err(FrameError::TooLarge { .. })),
        "MAX_FRAME + 1 bytes: got {got:?}"
    );
    drop(writer);
}

#[tokio::test]
async fn writing_a_payload_over_the_limit_is_refused() {
    let mut wire = Vec::new();
    let got = within(
        "write_frame",
        write_frame(&mut wire, &vec![0; MAX_FRAME + 1]),
    )
    .await;
    assert!(
        matches!(got, Err(FrameError::TooLarge { .. })),
        "got {got:?}"
    );
    assert!(
        wire.is_empty(),
        "write_frame wrote {} bytes of a frame it refused",
        wire.len()
    );
}
