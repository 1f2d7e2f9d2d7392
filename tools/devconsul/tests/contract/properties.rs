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
//! its seed in `tests/proptest-regressions/properties.txt`, so that every later run tries
//! it first.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::common::{agent, proptest_config};
use devconsul::decode::{KeyStyle, parse_body};
use devconsul::definition::ServiceDefinition;
use devconsul::duration;
use devconsul::filter::{Filter, MAX_FILTER_DEPTH, MAX_FILTER_LENGTH};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------
// Shared pieces: arbitrary JSON, mutations.

/// Arbitrary JSON, nested a few levels, with keys that sometimes are real field names.
fn any_json() -> impl Strategy<Value = Value> {
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
enum Mutation {
    Delete(Index, usize),
    Insert(Index, Vec<u8>),
    Replace(Index, u8),
    Duplicate(Index, usize),
}

/// Edits that insert `fragments` (pieces of the grammar being attacked) or random bytes.
fn mutations(fragments: &'static [&'static str]) -> impl Strategy<Value = Vec<Mutation>> {
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

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
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
/// file as the `proptest!` ones.
fn runner(default_cases: u32) -> TestRunner {
    TestRunner::new(ProptestConfig {
        source_file: Some(file!()),
        ..proptest_config(default_cases)
    })
}

/// Runs `work` on a thread with a quarter of a MiB of stack, an eighth of what the agent's
/// threads have: if the parsers' recursion were unbounded, some generated input would
/// overflow it and abort the test process.
fn on_a_small_stack(work: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .name("small-stack".into())
        .stack_size(256 * 1024)
        .spawn(work)
        .expect("a thread starts")
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

// ---------------------------------------------------------------------------------------
// The JSON decoder.

proptest! {
    #![proptest_config(proptest_config(512))]

    #[test]
    fn the_decoder_never_panics_on_json(value in any_json()) {
        for style in [KeyStyle::Api, KeyStyle::ConfigFile] {
            if let Ok(definition) = ServiceDefinition::from_json(&value, style) {
                let _ = definition.validate();
            }
        }
    }

    #[test]
    fn the_decoder_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(value) = parse_body(&bytes) {
            let _ = ServiceDefinition::from_json(&value, KeyStyle::Api);
        }
    }

    /// Go matches keys to fields whatever their case, and Consul adds snake_case aliases:
    /// a registration means the same however its keys are spelled.
    #[test]
    fn keys_match_whatever_their_case(
        registration in registration(),
        spelling in any::<u64>(),
    ) {
        let canonical = registration.to_json(&|key, _| key.to_string());
        let respelled = registration.to_json(&|key, alias| respell(key, alias, spelling));
        let expected = ServiceDefinition::from_json(&canonical, KeyStyle::Api)
            .map_err(|e| TestCaseError::fail(format!("{canonical}: {e}")))?;
        let decoded = ServiceDefinition::from_json(&respelled, KeyStyle::Api)
            .map_err(|e| TestCaseError::fail(format!("{respelled}: {e}")))?;
        prop_assert_eq!(&decoded, &expected, "{}", respelled);
        prop_assert_eq!(&decoded.name, &registration.name);
        prop_assert_eq!(decoded.port, registration.port);
        prop_assert_eq!(&decoded.meta, &registration.meta);
        prop_assert_eq!(decoded.checks[0].ttl, registration.ttl);
        prop_assert_eq!(decoded.tagged_addresses["lan"].port, registration.port);
    }

    /// A duration is a Go duration string or a JSON number of nanoseconds; both give the
    /// same value. (Consul reads the number as a float64, exact up to 2^53 ns, 104 days.)
    #[test]
    fn durations_read_as_text_or_nanoseconds(nanos in 0..=(1i64 << 53)) {
        let text = duration::format_nanos(nanos);
        for ttl in [json!(text), json!(nanos)] {
            let body = json!({"Name": "d", "Check": {"TTL": ttl}});
            let decoded = ServiceDefinition::from_json(&body, KeyStyle::Api)
                .map_err(|e| TestCaseError::fail(format!("{body}: {e}")))?;
            prop_assert_eq!(decoded.checks[0].ttl, nanos, "{}", body);
        }
    }

    /// Go durations print and parse back exactly, over the whole range of `i64`.
    #[test]
    fn durations_print_and_parse_back_exactly(nanos in any::<i64>()) {
        let text = duration::format_nanos(nanos);
        prop_assert_eq!(duration::parse(&text), Ok(nanos), "{}", text);
    }

    /// Any sequence of `<number><unit>` parts adds up exactly, as Go's `ParseDuration`
    /// does, and is refused once the sum does not fit 64 bits.
    #[test]
    fn duration_parts_add_up(
        negative in any::<bool>(),
        parts in prop::collection::vec((0u64..100_000_000_000, 0usize..7), 1..5),
    ) {
        const UNITS: [(&str, i128); 7] = [
            ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000),
            ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
        ];
        let mut text = if negative { "-".to_string() } else { String::new() };
        let mut sum: i128 = 0;
        for (number, unit) in parts {
            text.push_str(&format!("{number}{}", UNITS[unit].0));
            sum += i128::from(number) * UNITS[unit].1;
        }
        let expected = if negative { -sum } else { sum };
        match i64::try_from(expected) {
            Ok(nanos) => prop_assert_eq!(duration::parse(&text), Ok(nanos), "{}", text),
            Err(_) => prop_assert!(duration::parse(&text).is_err(), "{} overflows", text),
        }
    }
}

/// A registration with the fields whose spelling varies: Go field names and aliases.
#[derive(Debug, Clone)]
struct Registration {
    name: String,
    tags: Vec<String>,
    port: i64,
    meta: BTreeMap<String, String>,
    enable_tag_override: bool,
    ttl: i64,
}

fn registration() -> impl Strategy<Value = Registration> {
    (
        "[a-z][a-z0-9-]{0,10}",
        prop::collection::vec("[a-z0-9]{1,6}", 0..4),
        any::<i64>(),
        prop::collection::btree_map("[a-zA-Z0-9_-]{1,8}", "[ -~]{0,12}", 0..4),
        any::<bool>(),
        1..(1i64 << 50),
    )
        .prop_map(
            |(name, tags, port, meta, enable_tag_override, ttl)| Registration {
                name,
                tags,
                port,
                meta,
                enable_tag_override,
                ttl,
            },
        )
}

impl Registration {
    /// The body, with each struct field's key spelled by `key(name, snake_case_alias)`.
    /// Map keys (`Meta`'s, `TaggedAddresses`') are data and keep their spelling.
    fn to_json(&self, key: &dyn Fn(&str, Option<&str>) -> String) -> Value {
        let mut tagged = serde_json::Map::new();
        tagged.insert(key("Address", None), json!("10.0.0.1"));
        tagged.insert(key("Port", None), json!(self.port));
        let mut check = serde_json::Map::new();
        check.insert(key("TTL", None), json!(duration::format_nanos(self.ttl)));
        check.insert(
            key(
                "DeregisterCriticalServiceAfter",
                Some("deregister_critical_service_after"),
            ),
            json!("1m"),
        );
        let mut body = serde_json::Map::new();
        body.insert(key("Name", None), json!(self.name));
        body.insert(key("Tags", None), json!(self.tags));
        body.insert(key("Port", None), json!(self.port));
        body.insert(key("Meta", None), json!(self.meta));
        body.insert(
            key("EnableTagOverride", Some("enable_tag_override")),
            json!(self.enable_tag_override),
        );
        body.insert(
            key("TaggedAddresses", Some("tagged_addresses")),
            json!({"lan": tagged}),
        );
        body.insert(key("Check", None), Value::Object(check));
        Value::Object(body)
    }
}

/// `key` (or its alias, when `spelling` says so) with each letter's case drawn from the
/// bits of `spelling`.
fn respell(key: &str, alias: Option<&str>, spelling: u64) -> String {
    let seed = spelling.rotate_left(key.len() as u32);
    let chosen = match alias {
        Some(alias) if seed & 1 == 1 => alias,
        _ => key,
    };
    chosen
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if seed.rotate_right(i as u32 + 1) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// Whether an error answer says what was wrong in Consul's words.
fn is_a_clear_reason(text: &str) -> bool {
    [
        "Request decode failed: ",
        "Missing service name",
        "Missing check name",
        "Invalid check: ",
        "Invalid check status: ",
        "Invalid service address",
        "Invalid Service Meta: ",
        "Invalid Weights",
        "Status for checks must",
    ]
    .iter()
    .any(|reason| text.starts_with(reason))
}

/// Arbitrary and mutated bodies sent to the agent's write endpoints: each is accepted
/// (200) or refused with 400 and a plain-text reason, and the agent keeps serving.
#[test]
fn write_endpoints_answer_200_or_a_clear_400_to_anything() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (_agent, api) = runtime.block_on(agent());
    runtime.block_on(api.register(json!({"Name": "t", "Check": {"TTL": "1h"}})));
    let valid = [
        r#"{"Name": "web", "ID": "web-1", "Tags": ["v1"], "Port": 8080, "Address": "127.0.0.1",
            "Meta": {"env": "dev"}, "Check": {"TTL": "10s", "DeregisterCriticalServiceAfter": "1m"}}"#,
        r#"{"name": "py", "checks": [{"tcp": "127.0.0.1:1", "interval": "10s"}, {"ttl": "5s"}],
            "tagged_addresses": {"lan": {"address": "10.0.0.1", "port": 1}}}"#,
        r#"{"Name": "c", "HTTP": "http://127.0.0.1:1/", "Interval": 10000000000,
            "Header": {"X": ["1"]}, "Timeout": "1s"}"#,
        r#"{"Status": "passing", "Output": "fine"}"#,
    ];
    const FRAGMENTS: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        "\"",
        ",",
        ":",
        "null",
        "1e400",
        "-0",
        "\"10x\"",
        "\\u0000",
        "\"Port\":",
        "\"TTL\":",
        "\"Check\":{",
        "\"Name\":\"\"",
    ];
    let bodies = prop_oneof![
        any_json().prop_map(|v| v.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..128),
        (prop::sample::select(valid.to_vec()), mutations(FRAGMENTS))
            .prop_map(|(body, edits)| mutate(body.as_bytes().to_vec(), &edits)),
    ];
    let endpoints = [
        "/v1/agent/service/register",
        "/v1/agent/check/register",
        "/v1/agent/check/update/service:t",
    ];
    let mut runner = runner(96);
    runner
        .run(
            &(bodies, prop::sample::select(endpoints.to_vec())),
            |(body, path)| {
                let reply = runtime.block_on(api.send("PUT", path, Some(body.clone())));
                let code = reply.status.as_u16();
                let text = reply.text();
                prop_assert!(
                    code == 200 || (code == 400 && is_a_clear_reason(&text)),
                    "{path} {:?} answered {code}: {text}",
                    String::from_utf8_lossy(&body)
                );
                Ok(())
            },
        )
        .unwrap();
    let services = runtime.block_on(api.get("/v1/agent/services")).expect(200);
    assert!(
        services.json().get("t").is_some(),
        "the agent kept its state"
    );
}

// ---------------------------------------------------------------------------------------
// Filters.

const ROOTS: &[&str] = &["Service", "Checks", "Node"];

/// An entry of `/v1/health/service` to evaluate filters on.
fn health_entry() -> Value {
    json!({
        "Node": {"Node": "n1", "Address": "127.0.0.1", "Meta": {"rack": "r1"}},
        "Service": {"ID": "web-1", "Service": "web", "Tags": ["v1", "blue"], "Port": 8080,
                    "Meta": {"env": "dev"}, "Weights": {"Passing": 1, "Warning": 1}},
        "Checks": [{"CheckID": "c1", "Status": "passing"}, {"CheckID": "c2", "Status": "warning"}],
    })
}

/// Pieces of the filter grammar, for mutations and random token soup.
const FILTER_FRAGMENTS: &[&str] = &[
    "(",
    ")",
    "not ",
    " and ",
    " or ",
    "\"",
    "`",
    "\\",
    "==",
    "!=",
    " in ",
    " not in ",
    " contains ",
    " is ",
    " empty",
    " is not empty",
    ".",
    "Service.ID",
    "Checks.Status",
    "Node.Node",
    " ",
    "\t",
    "a",
    "8080",
];

/// A value as a filter literal: a bare word, a double-quoted or a back-quoted string.
fn literal(value: &str, style: u8) -> String {
    let is_word = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !["and", "or", "not", "in", "is", "contains", "empty"].contains(&value);
    match style % 3 {
        0 if is_word => value.to_string(),
        1 if !value.contains('`') => format!("`{value}`"),
        _ => {
            let escaped = value
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n")
                .replace('\t', "\\t");
            format!("\"{escaped}\"")
        }
    }
}

/// A valid match expression, in any of its spellings.
fn match_expression() -> impl Strategy<Value = String> {
    let selector = prop::sample::select(
        &[
            "Service.ID",
            "Service.Tags",
            "Service.Meta.env",
            "Service.Port",
            "Checks.Status",
            "Checks.CheckID",
            "Node.Node",
            "Node.Meta.rack",
        ][..],
    );
    let value = prop_oneof![
        prop::sample::select(&["web-1", "v1", "blue", "passing", "8080", "n1", "dev"][..])
            .prop_map(str::to_string),
        "[a-z0-9 \"\\\\\n\t`()=!-]{0,8}",
    ];
    let space = prop::sample::select(&[" ", "  ", "\t", "\n"][..]);
    (selector, value, 0u8..8, any::<u8>(), space).prop_map(|(sel, value, op, style, sp)| {
        let v = literal(&value, style);
        match op {
            0 => format!("{sel}{sp}=={sp}{v}"),
            1 => format!("{sel}!={v}"),
            2 => format!("{sel}{sp}is{sp}empty"),
            3 => format!("{sel} is{sp}not empty"),
            4 => format!("{v}{sp}in{sp}{sel}"),
            5 => format!("{v} not{sp}in {sel}"),
            6 => format!("{sel} contains{sp}{v}"),
            _ => format!("{sel}{sp}not contains {v}"),
        }
    })
}

/// A valid filter: matches combined with `and`, `or`, `not` and parentheses, a few levels
/// deep.
fn valid_filter() -> impl Strategy<Value = String> {
    match_expression().prop_recursive(5, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(|terms| terms.join(" and ")),
            prop::collection::vec(inner.clone(), 2..4).prop_map(|terms| terms.join(" or ")),
            inner.clone().prop_map(|term| format!("not ({term})")),
            inner.clone().prop_map(|term| format!("( {term} )")),
            (inner.clone(), inner).prop_map(|(a, b)| format!("({a}) and not ({b})")),
        ]
    })
}

/// Parses and, when that works, evaluates `text` on a sample entry. Every input gets an
/// answer, within a time that does not depend on how the input was built.
fn parse_and_evaluate(text: &str) -> Result<bool, TestCaseError> {
    let started = Instant::now();
    let result = Filter::parse(text, ROOTS).map(|filter| filter.matches(&health_entry()));
    prop_assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?} took {:?}",
        text,
        started.elapsed()
    );
    if let Err(error) = &result {
        prop_assert!(!error.is_empty(), "an error says what is wrong");
    }
    Ok(result.unwrap_or(false))
}

/// Valid filters parse, print in their canonical form, and that form parses back to the
/// same filter (and prints the same again).
#[test]
fn valid_filters_parse_and_print_back_to_themselves() {
    on_a_small_stack(|| {
        let mut runner = runner(512);
        runner
            .run(&valid_filter(), |text| {
                let filter = Filter::parse(&text, ROOTS)
                    .map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
                let printed = filter.to_string();
                let again = Filter::parse(&printed, ROOTS)
                    .map_err(|e| TestCaseError::fail(format!("{printed:?}: {e}")))?;
                prop_assert_eq!(&again, &filter, "{:?} printed as {:?}", text, printed);
                prop_assert_eq!(again.to_string(), printed);
                prop_assert_eq!(
                    again.matches(&health_entry()),
                    filter.matches(&health_entry())
                );
                Ok(())
            })
            .unwrap();
    });
}

/// Valid filters with random edits, random token soup and random text: each parses or
/// is refused with a reason, never panics, within the stack and time limits.
#[test]
fn mutated_and_random_filters_never_panic() {
    on_a_small_stack(|| {
        let soup = prop::collection::vec(prop::sample::select(FILTER_FRAGMENTS), 0..64)
            .prop_map(|parts| parts.concat());
        let filters = prop_oneof![
            (valid_filter(), mutations(FILTER_FRAGMENTS)).prop_map(|(text, edits)| {
                String::from_utf8_lossy(&mutate(text.into_bytes(), &edits)).into_owned()
            }),
            soup,
            any::<String>(),
        ];
        let mut runner = runner(1024);
        runner
            .run(&filters, |text| parse_and_evaluate(&text).map(|_| ()))
            .unwrap();
    });
}

/// Nesting and length decide alone whether a filter is refused: up to 32 levels of
/// parentheses and `not` and up to 16 KiB parse, one more level or byte does not, and
/// either way the parser stays within a small stack.
#[test]
fn the_bounds_decide_exactly_what_is_refused() {
    on_a_small_stack(|| {
        let shape = (
            prop::collection::vec(any::<bool>(), 0..(MAX_FILTER_DEPTH * 3)),
            1..1_200usize,
            any::<bool>(),
        );
        let mut runner = runner(256);
        runner
            .run(&shape, |(levels, terms, with_or)| {
                let joiner = if with_or { " or " } else { " and " };
                let mut text = String::new();
                let mut closing = String::new();
                for &parenthesis in &levels {
                    if parenthesis {
                        text.push('(');
                        closing.push(')');
                    } else {
                        text.push_str("not ");
                    }
                }
                text.push_str(&vec!["Service.ID == web-1"; terms].join(joiner));
                text.push_str(&closing);
                let result = Filter::parse(&text, ROOTS);
                let fits = levels.len() <= MAX_FILTER_DEPTH && text.len() <= MAX_FILTER_LENGTH;
                prop_assert_eq!(
                    result.is_ok(),
                    fits,
                    "{} levels, {} bytes: {:?}",
                    levels.len(),
                    text.len(),
                    result.err()
                );
                if let Ok(filter) = result {
                    filter.matches(&health_entry());
                }
                Ok(())
            })
            .unwrap();
    });
}

/// Any filter text, sent to the agent: the answer is the list (200) or Consul's error for
/// a bad filter (500 on agent endpoints, 400 on catalog and health), and the agent goes
/// on answering.
#[test]
fn filter_endpoints_answer_a_list_or_consuls_error_to_anything() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (_agent, api) = runtime.block_on(agent());
    runtime.block_on(api.register(json!({
        "Name": "web", "ID": "web-1", "Tags": ["v1"], "Port": 8080, "Check": {"TTL": "1h"}
    })));
    let filters = prop_oneof![
        (valid_filter(), mutations(FILTER_FRAGMENTS)).prop_map(|(text, edits)| {
            String::from_utf8_lossy(&mutate(text.into_bytes(), &edits)).into_owned()
        }),
        prop::collection::vec(prop::sample::select(FILTER_FRAGMENTS), 0..64)
            .prop_map(|parts| parts.concat()),
    ];
    let endpoints = [
        ("/v1/agent/services", 500),
        ("/v1/agent/checks", 500),
        ("/v1/health/service/web", 400),
        ("/v1/catalog/service/web", 400),
    ];
    let mut runner = runner(96);
    runner
        .run(
            &(filters, prop::sample::select(endpoints.to_vec())),
            |(filter, (path, bad_status))| {
                let url = format!("{path}?filter={}", percent_encode(&filter));
                let reply = runtime.block_on(api.get(&url));
                let code = reply.status.as_u16();
                let text = reply.text();
                prop_assert!(
                    code == 200
                        || (code == bad_status
                            && text.starts_with("Failed to create boolean expression evaluator: ")),
                    "{path} {filter:?} answered {code}: {text}"
                );
                Ok(())
            },
        )
        .unwrap();
    runtime
        .block_on(api.get("/v1/agent/service/web-1"))
        .expect(200);
}

/// Every byte but letters and digits as `%XX`, so that any text survives the URL.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
