//! A load's failed calls told briefly, for a person reading why a fault cost too much.
//!
//! A fault that costs calls costs many of them, and alike: 150 calls that timed out through
//! one gateway, then 20 answered 504 through the other. Listed one by one they bury the
//! pattern (and a test's log cuts them off); grouped by what a person asks first (what
//! kind of failure, through which gateway) with when each kind began and ended, they show
//! it in a few lines: one gateway or both, at once or one after the other.

use crate::history::{Call, Outcome};

/// One kind of failure: what the calls ended with and through which gateway, how many, and
/// when the first and the last of them were sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Kind<'a> {
    /// `timed out (gateway 10.17.0.21:8080)`, `504 Gateway Timeout (gateway …)`.
    pub what: String,
    /// The calls, in the order they were sent.
    pub calls: Vec<&'a Call>,
}

/// The failed calls among `calls`, grouped by kind, the kind seen first first.
pub fn kinds(calls: &[Call]) -> Vec<Kind<'_>> {
    let mut kinds: Vec<Kind> = Vec::new();
    for call in calls {
        let Outcome::Failed(why) = &call.outcome else {
            continue;
        };
        let what = kind_of(why);
        match kinds.iter_mut().find(|kind| kind.what == what) {
            Some(kind) => kind.calls.push(call),
            None => kinds.push(Kind {
                what: what.to_string(),
                calls: vec![call],
            }),
        }
    }
    kinds
}

/// The kinds, a line each: how many, what, when sent, how long they took to fail, and
/// the first one's whole answer, which says what the gateway tried (cut to `detail` chars).
pub fn told(kinds: &[Kind], detail: usize) -> String {
    kinds
        .iter()
        .map(|kind| {
            let (first, last) = (kind.calls[0], kind.calls[kind.calls.len() - 1]);
            let latencies = kind.calls.iter().map(|call| call.latency);
            let (quickest, slowest) = (
                latencies.clone().min().unwrap_or_default(),
                latencies.max().unwrap_or_default(),
            );
            let mut line = format!(
                "{} × {}: sent from {:.2} s to {:.2} s, failing after {:.2}–{:.2} s",
                kind.calls.len(),
                kind.what,
                first.at.as_secs_f64(),
                last.at.as_secs_f64(),
                quickest.as_secs_f64(),
                slowest.as_secs_f64()
            );
            if let Outcome::Failed(why) = &first.outcome {
                let rest = why[kind.what.len()..].trim_start_matches(':').trim();
                if !rest.is_empty() {
                    let rest: String = rest.chars().take(detail).collect();
                    line += &format!("; the first: {rest}");
                }
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A failure's kind: its words up to the gateway that had the call (`504 Gateway Timeout
/// (gateway 10.17.0.21:8080)`), without what the gateway said after, which names a node,
/// a deadline, a count, and so differs from call to call.
/// The gateway is looked for by name: what comes before it may hold parentheses of its own
/// (reqwest's `error sending request for url (http://…)`).
fn kind_of(why: &str) -> &str {
    let Some(gateway) = why.find(" (gateway ") else {
        return why;
    };
    match why[gateway..].find(')') {
        Some(close) => &why[..=gateway + close],
        None => why,
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn call(at_ms: u64, latency_ms: u64, outcome: Outcome) -> Call {
        Call {
            at: Duration::from_millis(at_ms),
            latency: Duration::from_millis(latency_ms),
            outcome,
        }
    }

    fn failed(why: &str) -> Outcome {
        Outcome::Failed(why.to_string())
    }

    #[test]
    fn failures_are_grouped_by_status_and_gateway_whatever_the_gateway_said() {
        let timed_out = |gateway: &str| failed(&format!("timed out (gateway {gateway})"));
        let no_answer = |node: &str, address: &str| {
            failed(&format!(
                r#"504 Gateway Timeout (gateway 10.1.0.22:8080): {{"message":"{node} at {address}:7021 gave no answer"}}"#
            ))
        };
        let sending = "error sending request for url (http://10.1.0.21:8080/)";
        let calls = [
            call(900, 3, Outcome::Answered("user-1".into())),
            call(1000, 6000, timed_out("10.1.0.21:8080")),
            call(1050, 5200, no_answer("user-a", "10.117.0.4")),
            call(1100, 6000, timed_out("10.1.0.22:8080")),
            call(1150, 5100, no_answer("user-b", "10.117.0.9")),
            call(1200, 6000, timed_out("10.1.0.21:8080")),
            call(1300, 2, failed("an answer that names no node: hello")),
            call(
                1400,
                900,
                failed(&format!("{sending} (gateway 10.1.0.21:8080): reset")),
            ),
            call(
                1500,
                800,
                failed(&format!("{sending} (gateway 10.1.0.21:8080): closed")),
            ),
        ];
        let kinds = kinds(&calls);
        let whats: Vec<(&str, usize)> = kinds
            .iter()
            .map(|kind| (kind.what.as_str(), kind.calls.len()))
            .collect();
        assert_eq!(
            whats,
            [
                ("timed out (gateway 10.1.0.21:8080)", 2),
                ("504 Gateway Timeout (gateway 10.1.0.22:8080)", 2),
                ("timed out (gateway 10.1.0.22:8080)", 1),
                ("an answer that names no node: hello", 1),
                (
                    "error sending request for url (http://10.1.0.21:8080/) (gateway 10.1.0.21:8080)",
                    2
                ),
            ]
        );
        let said = told(&kinds, 40);
        assert_eq!(
            said.lines().next(),
            Some(
                "2 × timed out (gateway 10.1.0.21:8080): sent from 1.00 s to 1.20 s, failing after 6.00–6.00 s"
            )
        );
        assert!(
            said.contains(
                r#"2 × 504 Gateway Timeout (gateway 10.1.0.22:8080): sent from 1.05 s to 1.15 s, failing after 5.10–5.20 s; the first: {"message":"user-a at 10.117.0.4:7021 ga"#
            ),
            "{said}"
        );
        assert_eq!(said.lines().count(), 5, "{said}");
    }
}
