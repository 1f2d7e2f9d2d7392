//! Properties of the frame decoder, the code that reads whatever the network sends:
//! `cargo test -p l02-rpc --test main properties::`.
//!
//! A handful of examples cannot cover what a hostile or broken client may send. These tests
//! generate thousands of inputs and check what must hold for every one of them: a frame
//! written is read back whole however TCP splits it, and any bytes at all give a frame, a
//! clean end or a clear error, never a panic, never a large allocation. CI runs a few
//! hundred cases; `PROPTEST_CASES=100000` runs more.

use crate::support;

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use l02_rpc::frame::{FrameError, MAX_FRAME, read_frame, write_frame};
use proptest::prelude::*;
use support::{connect, hello_registry, receive, start, write_raw};
use tokio::io::{AsyncRead, ReadBuf};

/// A reader that hands out its bytes in the pieces it is given, as TCP may.
struct Pieces {
    bytes: Vec<u8>,
    at: usize,
    sizes: Vec<usize>,
    next: usize,
}

impl Pieces {
    fn new(bytes: Vec<u8>, sizes: Vec<usize>) -> Self {
        Pieces {
            bytes,
            at: 0,
            sizes,
            next: 0,
        }
    }
}

impl AsyncRead for Pieces {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let size = self
            .sizes
            .get(self.next)
            .copied()
            .unwrap_or(usize::MAX)
            .max(1);
        self.next += 1;
        let end = self
            .at
            .saturating_add(size.min(buf.remaining()))
            .min(self.bytes.len());
        let piece = &self.bytes[self.at..end];
        buf.put_slice(piece);
        self.at = end;
        Poll::Ready(Ok(()))
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

fn config(default_cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: testkit::proptest_cases(default_cases),
        // A failing case is printed (shrunk to its smallest form); no file is written.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(512))]

    /// Frames written one after another come back whole and in order, however the bytes
    /// are split on the way.
    #[test]
    fn frames_survive_any_split(
        payloads in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..300), 0..8),
        sizes in prop::collection::vec(1usize..64, 0..200),
    ) {
        runtime().block_on(async {
            let mut wire = Vec::new();
            for payload in &payloads {
                write_frame(&mut wire, payload).await.expect("write to a Vec");
            }
            let mut reader = Pieces::new(wire, sizes);
            for payload in &payloads {
                let read = read_frame(&mut reader).await.expect("a whole frame");
                prop_assert_eq!(read.as_ref(), Some(payload));
            }
            prop_assert!(read_frame(&mut reader).await.expect("a clean end").is_none());
            Ok(())
        })?;
    }

    /// Any bytes at all: a frame, a clean end, or a clear error, as the length prefix says.
    #[test]
    fn any_bytes_give_a_frame_an_end_or_an_error(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        runtime().block_on(async {
            let result = read_frame(&mut bytes.as_slice()).await;
            match (bytes.len(), result) {
                (0, Ok(None)) => {}
                (1..=3, Err(FrameError::Truncated)) => {}
                (_, result) if bytes.len() >= 4 => {
                    let len = u32::from_be_bytes(bytes[..4].try_into().unwrap()) as usize;
                    match result {
                        Err(FrameError::TooLarge { len: said }) => {
                            prop_assert!(len > MAX_FRAME);
                            prop_assert_eq!(said, len);
                        }
                        Err(FrameError::Truncated) => prop_assert!(bytes.len() - 4 < len),
                        Ok(Some(payload)) => prop_assert_eq!(&payload[..], &bytes[4..4 + len]),
                        other => prop_assert!(false, "{bytes:?} gave {other:?}"),
                    }
                }
                (_, other) => prop_assert!(false, "{bytes:?} gave {other:?}"),
            }
            Ok(())
        })?;
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// Whatever one client sends, the server neither panics nor stops serving: a client on
    /// another connection still gets its answer.
    #[test]
    fn the_server_survives_any_client(
        frames in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..80), 0..6),
        tail in prop::collection::vec(any::<u8>(), 0..16),
    ) {
        runtime().block_on(async {
            let server = start(hello_registry()).await;
            let mut hostile = connect(server.addr).await;
            for payload in &frames {
                let mut frame = (payload.len() as u32).to_be_bytes().to_vec();
                frame.extend_from_slice(payload);
                write_raw(&mut hostile, &frame).await;
            }
            write_raw(&mut hostile, &tail).await; // half a frame, or a wild length
            drop(hostile);

            let mut good = connect(server.addr).await;
            support::send(&mut good, r#"{"id":1,"method":"hello.HelloWorld","params":"ok"}"#).await;
            let reply = receive(&mut good).await;
            prop_assert_eq!(&reply["result"], "ok hello world");
            Ok(())
        })?;
    }
}
