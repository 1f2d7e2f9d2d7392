use super::*;

const SOURCE: &str = r#####"
// assert!(commented, "not this");
#[tokio::test]
async fn echoes() {
let reply = within("the echo", async { read(&mut s).await }).await;
assert_eq!(
    reply, b"hello\n",
    "sent {sent:?}, got {reply:?} (a \"quoted\" word, a ')' and a '\\')"
);
let c = ',';
assert!(ok(c, 'x'), r#"raw "words""#);
s.write_all(b"(").await.expect("the write");
assert_ne!(vec![1, 2], f(|x: &'static str| x), "two, \
             joined");
}
"#####;

#[test]
fn finds_each_call_with_its_line_its_arguments_and_its_message() {
    let found = calls(SOURCE);
    let names: Vec<_> = found.iter().map(|c| (c.name, c.line)).collect();
    assert_eq!(
        names,
        [
            ("within", 5),
            ("assert_eq", 6),
            ("assert", 11),
            ("expect", 12),
            ("assert_ne", 13)
        ]
    );
    assert_eq!(found[1].args[..2], ["reply", "b\"hello\\n\""]);
    assert_eq!(
        found[1].message().as_deref(),
        Some("sent {sent:?}, got {reply:?} (a \"quoted\" word, a ')' and a '\\')")
    );
    assert_eq!(found[0].message().as_deref(), Some("the echo"));
    assert_eq!(found[2].message().as_deref(), Some("raw \"words\""));
    assert_eq!(found[3].message().as_deref(), Some("the write"));
    assert_eq!(found[4].args[..2], ["vec![1, 2]", "f(|x: &'static str| x)"]);
    assert_eq!(found[4].message().as_deref(), Some("two, joined"));
    assert_eq!(call_at(SOURCE, 6).map(|c| c.name), Some("assert_eq"));
}

#[test]
fn an_unfinished_call_is_not_found_and_nothing_panics() {
    for cut in 0..SOURCE.len() {
        if SOURCE.is_char_boundary(cut) {
            let _ = calls(&SOURCE[..cut]);
        }
    }
    assert!(calls("assert!(a, \"never closed").is_empty());
}

#[test]
fn letters_beyond_ascii_outside_strings_are_passed_over() {
    let source = "fn t() {\n    let café = '→';\n    let λ = \"→\";\n    assert!(café == '→', \"é {λ}\");\n}\n";
    let found = calls(source);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].line, 4);
    assert_eq!(found[0].message().as_deref(), Some("é {λ}"));
}
