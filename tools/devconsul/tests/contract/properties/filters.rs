//! `?filter=` expressions: valid filters print back to themselves; mutated and random
//! ones get an answer, never a panic, within a small stack and a second; the nesting and
//! length bounds decide exactly what is refused; and the agent's filtered endpoints answer
//! any filter with the list or Consul's error.

use std::time::{Duration, Instant};

use super::{mutate, mutations, on_a_small_stack, runner};
use crate::common::agent;
use devconsul::filter::{Filter, MAX_FILTER_DEPTH, MAX_FILTER_LENGTH};
use proptest::prelude::*;
use serde_json::{Value, json};

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
        started.elapsed() < Duration::from_secs(5),
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
        let mut runner = runner(file!(), 512);
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
        let mut runner = runner(file!(), 1024);
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
        let mut runner = runner(file!(), 256);
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
    let mut runner = runner(file!(), 96);
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
