//! Properties of the code that reads whatever the network sends:
//! `cargo test -p l03-jsonrpc --test main properties::`.
//!
//! For any bytes at all, `dispatch::respond` answers with JSON-RPC (or stays silent for a
//! notification) and never panics, however deep the nesting. Over TCP, any mix of lines —
//! calls, garbage, truncated JSON, deep nesting — split into any pieces, gets exactly one
//! reply per request line, in a form a client can read, and the server goes on serving.
//! CI runs a few hundred cases; `PROPTEST_CASES=100000` runs more.

use crate::support;

use jsonrpc_core::Value;
use l03_jsonrpc::{dispatch, methods};
use proptest::prelude::*;
use support::{Conn, hello, start_tcp};

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

/// One request line of the kinds a client, a broken client or an attacker sends. None of
/// them is a notification, so each must get exactly one reply.
fn request_line() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..1000).prop_map(|id| hello("prop", id)),
        "[^\n]{1,40}".prop_filter("not blank", |line| !line.trim().is_empty()),
        (1usize..20_000).prop_map(|depth| "[".repeat(depth) + &"]".repeat(depth)),
        (1usize..20_000).prop_map(|depth| "{\"a\":".repeat(depth)),
        (0u64..1000, 1usize..40).prop_map(|(id, cut)| {
            let call = hello("cut", id);
            call[..cut.min(call.len() - 1)].to_string()
        }),
        Just("[1,2,3]".to_string()),
        Just("{\"jsonrpc\":\"2.0\",\"method\":7,\"id\":1}".to_string()),
    ]
}

proptest! {
    #![proptest_config(config(512))]

    /// Any bytes: a reply that is JSON, or nothing for a notification, and no panic.
    #[test]
    fn respond_answers_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let io = methods::handler();
        let reply = runtime().block_on(dispatch::respond(&io, &bytes));
        if let Some(reply) = reply {
            let json = serde_json::to_value(&reply).expect("a reply serializes");
            prop_assert!(json.is_object() || json.is_array(), "{json}");
        }
    }
}

proptest! {
    #![proptest_config(config(48))]

    /// Request lines split into any pieces: one reply line per request, then the server
    /// still answers a good call on the same connection.
    #[test]
    fn every_request_line_gets_one_reply(
        lines in prop::collection::vec(request_line(), 1..6),
        cuts in prop::collection::vec(1usize..512, 0..40),
    ) {
        runtime().block_on(async {
            let addr = start_tcp(methods::handler()).await;
            let mut conn = Conn::connect(addr).await;
            let bytes: Vec<u8> = lines.iter().flat_map(|l| format!("{l}\n").into_bytes()).collect();
            let mut rest = bytes.as_slice();
            for cut in cuts.iter().chain(std::iter::repeat(&usize::MAX)) {
                if rest.is_empty() {
                    break;
                }
                let (piece, after) = rest.split_at((*cut).min(rest.len()));
                conn.send_bytes(piece).await;
                rest = after;
            }
            for line in &lines {
                let reply: Value = serde_json::from_str(&conn.reply_line().await)
                    .expect("every reply is one line of JSON");
                prop_assert!(reply.is_object() || reply.is_array(), "{line:.60} → {reply}");
            }
            prop_assert_eq!(&conn.call(&hello("after", 1)).await["result"], "after hello world");
            Ok(())
        })?;
    }
}
