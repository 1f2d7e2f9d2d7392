//! Property tests for the parsers that face the network: the Go-style JSON decoder behind
//! every request body, Go durations, and `?filter=` expressions. Each property is checked
//! on generated inputs (valid ones, arbitrary ones, and valid ones with random mutations),
//! so that an input nobody thought of gets a clear error rather than a panic, a hang or a
//! stack overflow.
//!
//! By default each property runs a few hundred cases, a few seconds for the whole module,
//! which is what CI runs. To run them longer, set proptest's `PROPTEST_CASES`:
//!
//! ```sh
//! PROPTEST_CASES=20000 cargo test -p devconsul --test contract properties
//! ```
//!
//! A failure prints the smallest input proptest could shrink it to, and proptest saves
//! its seed in `tests/proptest-regressions/properties/<module>.txt`, so that every later run
//! tries it first.

mod decoder;
mod durations;
mod filters;

use crate::common::proptest_config;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestRunner;
use serde_json::Value;

// ---------------------------------------------------------------------------------------
// Shared pieces: arbitrary JSON, mutations.

/// Arbitrary JSON, nested a few levels, with keys that sometimes are real field names.
pub(super) fn any_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("Name".to_string()),
        Just("name".to_string()),
        Just("Port".to_string()),
        Just("Tags".to_string()),
        Just("Check".to_string()),
        Just("Checks".to_string()),
        Just("TTL".to_string()),
        Just("Interval".to_string()),
        Just("Meta".to_string()),
        Just("Weights".to_string()),
        Just("TaggedAddresses".to_string()),
        Just("Header".to_string()),
        "[a-zA-Z_]{0,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[a-z0-9.:/ ]{0,12}".prop_map(Value::from),
        Just(Value::from("10s")),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// One edit of a text: the kind of damage a buggy client, a truncated read or a fuzzer
/// does to a request.
#[derive(Debug, Clone)]
pub(super) enum Mutation {
    Delete(Index, usize),
    Insert(Index, Vec<u8>),
    Replace(Index, u8),
    Duplicate(Index, usize),
}

/// Edits that insert `fragments` (pieces of the grammar being attacked) or random bytes.
pub(super) fn mutations(
    fragments: &'static [&'static str],
) -> impl Strategy<Value = Vec<Mutation>> {
    let insert = prop_oneof![
        prop::sample::select(fragments).prop_map(|f| f.as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 1..4),
    ];
    let mutation = prop_oneof![
        (any::<Index>(), 1..8usize).prop_map(|(at, len)| Mutation::Delete(at, len)),
        (any::<Index>(), insert).prop_map(|(at, text)| Mutation::Insert(at, text)),
        (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Replace(at, byte)),
        (any::<Index>(), 1..16usize).prop_map(|(at, len)| Mutation::Duplicate(at, len)),
    ];
    prop::collection::vec(mutation, 1..5)
}

pub(super) fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for mutation in mutations {
        // Positions are drawn as fractions of the current length (`Index`).
        let at = |index: &Index, bytes: &Vec<u8>| index.index(bytes.len() + 1);
        match mutation {
            Mutation::Delete(index, len) => {
                let start = at(index, &bytes).min(bytes.len());
                let end = (start + len).min(bytes.len());
                bytes.drain(start..end);
            }
            Mutation::Insert(index, text) => {
                let start = at(index, &bytes);
                bytes.splice(start..start, text.iter().copied());
            }
            Mutation::Replace(index, byte) => {
                if !bytes.is_empty() {
                    let i = index.index(bytes.len());
                    bytes[i] = *byte;
                }
            }
            Mutation::Duplicate(index, len) => {
                let start = at(index, &bytes).min(bytes.len());
                let end = (start + len).min(bytes.len());
                let copy = bytes[start..end].to_vec();
                bytes.splice(end..end, copy);
            }
        }
    }
    bytes
}

/// A runner for the properties written as plain `#[test]` functions (those that drive a
/// running agent or need a thread of their own), with the same settings and regression
/// file as the `proptest!` ones of `source_file` (the caller's `file!()`).
pub(super) fn runner(source_file: &'static str, default_cases: u32) -> TestRunner {
    TestRunner::new(ProptestConfig {
        source_file: Some(source_file),
        ..proptest_config(default_cases)
    })
}

/// Runs `work` on a thread with a quarter of a MiB of stack, an eighth of what the agent's
/// threads have: if the parsers' recursion were unbounded, some generated input would
/// overflow it and abort the test process.
pub(super) fn on_a_small_stack(work: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .name("small-stack".into())
        .stack_size(256 * 1024)
        .spawn(work)
        .expect("a thread starts")
        // deadline: the thread parses generated input, and waits on nothing
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}
