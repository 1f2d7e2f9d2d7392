use super::*;

#[test]
fn go_micros_message_shows_its_topic_headers_and_body() {
    let mut message = Message::default();
    let summary = describe(GO_POST_BODY.as_bytes(), 10, None, &mut message);
    // No schema for that topic: the protobuf body field by field.
    assert_eq!(
        summary,
        r#"broker message on go.micro.srv.t1, body protobuf, no schema: {"1":"hello"}"#
    );
    let decoded = message.decoded.unwrap();
    assert!(decoded.contains("\n  Micro-Id: b8c1e7a4-5f2d-4a63-8e90-1c7d3f6a2b45"));
    assert!(
        decoded.contains("Body: 7 bytes, base64 CgVoZWxsbw=="),
        "{decoded}"
    );
    let labels: Vec<&str> = message.spans.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(labels, ["\"Header\" member", "\"Body\" member"]);
    assert_eq!(message.spans[0].start, 11);
    assert!(!message.broken);
}

#[test]
fn text_binary_and_not_base64() {
    let text = br#"{"Header":{},"Body":"aGVsbG8tMQ=="}"#;
    let summary = describe(text, 0, Some("greetings"), &mut Message::default());
    assert_eq!(summary, r#"broker message on greetings, body "hello-1""#);

    let binary = br#"{"Header":{"Micro-Topic":"t"},"Body":"/wA="}"#;
    let summary = describe(binary, 0, None, &mut Message::default());
    assert_eq!(summary, "broker message on t, body 2 bytes ff 00");

    let mut message = Message::default();
    let summary = describe(br#"{"Body":"%%%"}"#, 0, None, &mut message);
    assert!(
        message.broken && summary.contains("not base64"),
        "{summary}"
    );

    let mut message = Message::default();
    let summary = describe(br#"{"Header":{"a":1},"Body":""}"#, 0, None, &mut message);
    assert!(message.broken && summary.starts_with("not a broker message"));
}

#[test]
fn a_captcha_check_is_read_with_the_course_schema() {
    use prost_reflect::prost::Message as _;
    let check = proto::events::CaptchaVerified {
        uuid: "c1".into(),
        right: true,
        at: None,
    };
    let json = format!(
        r#"{{"Header":{{"Content-Type":"application/protobuf","Micro-Topic":"captcha.verified"}},"Body":"{}"}}"#,
        BASE64.encode(check.encode_to_vec())
    );
    let mut message = Message::default();
    let summary = describe(json.as_bytes(), 0, None, &mut message);
    assert_eq!(
        summary,
        r#"broker message on captcha.verified, body CaptchaVerified {"uuid (1)":"c1","right (2)":true}"#
    );
    assert!(message.decoded.unwrap().contains("\"right (2)\": true"));
}
