use super::*;

#[test]
fn the_values_move_into_the_translation_by_name_and_by_place() {
    assert_eq!(
        translate(
            "sent {sent:?}, got {got:?}",
            "收到 {got:?}，发送的是 {sent:?}",
            "sent \"hi\", got \"\""
        )
        .as_deref(),
        Some("收到 \"\"，发送的是 \"hi\"")
    );
    assert_eq!(
        translate(
            "{} of {} calls, {{braces}}",
            "{} 次中的 {} 次，{{括号}}",
            "3 of 4 calls, {braces}"
        )
        .as_deref(),
        Some("3 次中的 4 次，{括号}")
    );
    assert_eq!(
        translate("the echo", "回显", "the echo").as_deref(),
        Some("回显")
    );
}

#[test]
fn a_message_the_format_did_not_print_is_not_translated() {
    assert_eq!(
        translate("sent {x}, got {y}", "{x} {y}", "received 3"),
        None
    );
    assert_eq!(translate("the echo", "回显", "the echo, late"), None);
    // A translation with a hole the English does not have.
    assert_eq!(translate("the echo", "{what}", "the echo"), None);
    assert_eq!(translate("the {echo", "回显", "the {echo"), None);
    assert!(!same_holes("the echo {a}", "{a} {b}"));
    assert!(same_holes("the {} of {a:?}", "{a:?} 的 {}"));
}

#[test]
fn many_holes_and_a_long_message_end_quickly() {
    // Forty holes before a "!" the message has, but not at its end: every way of cutting
    // the message fails, and the search stops at its bound of steps instead of trying them
    // all.
    let format = "{}".repeat(40) + "!";
    let message = "a".repeat(1_000) + "!a";
    assert_eq!(translate(&format, "x", &message), None);
    // A message longer than any sentence is not matched at all.
    let long = "a".repeat(5_000) + "!";
    assert_eq!(translate("{}!", "{}！", &long), None);
    assert_eq!(translate("{}!", "{}！", "ab!").as_deref(), Some("ab！"));
    assert!(words("a {} b") > words("{} b"));
}

#[test]
fn a_name_printed_two_ways_is_given_as_the_translation_asks() {
    // Lesson 05's greeting: the name quoted in the request, as it is in the reply.
    let english = r#"SayHello{{name: {name:?}}} should reply "Hello {name}!""#;
    let chinese = r#"SayHello{{name: {name:?}}} 应该应答 "Hello {name}!""#;
    let message = r#"SayHello{name: "Ада"} should reply "Hello Ада!""#;
    assert_eq!(
        translate(english, chinese, message).as_deref(),
        Some(r#"SayHello{name: "Ада"} 应该应答 "Hello Ада!""#)
    );
}
