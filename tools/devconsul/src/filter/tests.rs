//! The filter's own tests: parsing, evaluating, printing back, and the bounds.

use super::*;
use serde_json::json;

const ROOTS: &[&str] = &["Service", "Checks", "Node"];

fn check(text: &str, entry: &Value) -> bool {
    Filter::parse(text, ROOTS)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .matches(entry)
}

#[test]
fn the_documented_operators_work() {
    let entry = json!({
        "Node": {"Node": "n1"},
        "Service": {"ID": "web-1", "Tags": ["v1", "blue"], "Meta": {"env": "dev"}, "Port": 8080},
        "Checks": [{"Status": "passing"}, {"Status": "warning"}],
    });
    assert!(check("Service.ID == \"web-1\"", &entry));
    assert!(check("Service.ID != \"web-2\"", &entry));
    assert!(check("\"v1\" in Service.Tags", &entry));
    assert!(check("\"v2\" not in Service.Tags", &entry));
    assert!(check("Service.Tags contains \"blue\"", &entry));
    assert!(check(
        "Service.Meta.env == dev and Service.Port == 8080",
        &entry
    ));
    assert!(check("Service.Meta.missing is empty", &entry));
    assert!(check("Service.Tags is not empty", &entry));
    assert!(check("\"warning\" in Checks.Status", &entry));
    assert!(check("not (Node.Node == n2 or Service.ID == x)", &entry));
    assert!(!check("Checks.Status not contains \"warning\"", &entry));
}

#[test]
fn bad_filters_are_errors() {
    for bad in [
        "",
        "Service.ID ==",
        "Nope == 1",
        "(Service.ID == a",
        "Service.ID = a",
        "Service.ID == \"a",
    ] {
        assert!(
            Filter::parse(bad, ROOTS).is_err(),
            "{bad:?} should not parse"
        );
    }
}

#[test]
fn filters_print_in_a_form_that_parses_back() {
    for (text, canonical) in [
        ("Service.ID==web", r#"Service.ID == "web""#),
        (
            "Service.Tags contains v1 and not (Checks.Status == critical or Node.Node is empty)",
            r#""v1" in Service.Tags and not (Checks.Status == "critical" or Node.Node is empty)"#,
        ),
        (
            "a1 not in Service.Tags or Service.Meta.x is not empty and Service.ID != `q\"`",
            r#""a1" not in Service.Tags or Service.Meta.x is not empty and Service.ID != "q\"""#,
        ),
        (
            "((Service.ID == a or Service.ID == b) or Service.ID == c)",
            r#"(Service.ID == "a" or Service.ID == "b") or Service.ID == "c""#,
        ),
        ("not not Node.Node == x", r#"not not Node.Node == "x""#),
    ] {
        let filter = Filter::parse(text, ROOTS).unwrap();
        assert_eq!(filter.to_string(), canonical, "{text}");
        assert_eq!(
            Filter::parse(canonical, ROOTS).unwrap(),
            filter,
            "{canonical}"
        );
    }
}

/// Runs `work` on a thread with a quarter of a MiB of stack (tokio's workers have 2 MiB,
/// the test harness's threads as much): a parser or evaluator whose recursion is not
/// bounded overflows it, and the whole test process aborts, as the agent would.
fn on_a_small_stack<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .name("small-stack".into())
        .stack_size(256 * 1024)
        .spawn(work)
        .expect("a thread starts")
        .join()
        .expect("the work does not panic")
}

fn nested(levels: usize) -> String {
    format!(
        "{}Service.ID == a{}",
        "(".repeat(levels),
        ")".repeat(levels)
    )
}

#[test]
fn hostile_filters_are_refused_without_exhausting_the_stack() {
    on_a_small_stack(|| {
        // 700 parentheses (2 KB), 100 and 5 000 `not`s.
        let error = Filter::parse(&nested(700), ROOTS).unwrap_err();
        assert!(error.contains("nest more than 32 levels"), "{error}");
        let nots = |n: usize| format!("{}Service.ID == a", "not ".repeat(n));
        let error = Filter::parse(&nots(100), ROOTS).unwrap_err();
        assert!(error.contains("nest more than 32 levels"), "{error}");
        let error = Filter::parse(&nots(5_000), ROOTS).unwrap_err();
        assert!(error.contains("the limit is 16384"), "{error}");
        // 5 000 `or` terms (75 KB) are too long, whatever their shape.
        let chain = vec!["Service.ID == a"; 5_000].join(" or ");
        let error = Filter::parse(&chain, ROOTS).unwrap_err();
        assert!(error.contains("bytes long; the limit is 16384"), "{error}");
    });
}

#[test]
fn the_longest_and_deepest_filters_allowed_parse_and_evaluate_on_a_small_stack() {
    on_a_small_stack(|| {
        let entry = json!({"Service": {"ID": "b"}, "Checks": [], "Node": {}});
        let deepest = Filter::parse(&nested(MAX_FILTER_DEPTH), ROOTS).unwrap();
        assert!(!deepest.matches(&entry));
        assert!(Filter::parse(&nested(MAX_FILTER_DEPTH + 1), ROOTS).is_err());
        let nots = format!("{}Service.ID == b", "not ".repeat(MAX_FILTER_DEPTH));
        assert!(Filter::parse(&nots, ROOTS).unwrap().matches(&entry));

        // A flat chain as long as allowed: a thousand terms in one node, not a
        // thousand levels, for the evaluator and for `drop` alike.
        let term = "Service.ID == a";
        for joiner in [" or ", " and "] {
            let terms = (MAX_FILTER_LENGTH + joiner.len()) / (term.len() + joiner.len());
            let chain = vec![term; terms].join(joiner);
            assert!(chain.len() <= MAX_FILTER_LENGTH);
            let filter = Filter::parse(&chain, ROOTS).unwrap();
            assert!(!filter.matches(&entry));
            assert_eq!(filter.to_string().matches(joiner).count(), terms - 1);
        }
    });
}
