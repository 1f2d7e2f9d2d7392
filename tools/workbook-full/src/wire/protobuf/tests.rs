use super::*;
use prost_reflect::prost::Message as _;
use proto::hello::{HelloRequest, HelloStreamRequest};

#[test]
fn a_hello_request_is_read_with_the_course_schema() {
    let (request, reply) =
        method_types("/hello.Greeter/SayHello").expect("hello.Greeter is in the course's schemas");
    assert_eq!(request.name(), "HelloRequest");
    assert_eq!(reply.name(), "HelloReply");

    let bytes = HelloRequest {
        name: "Ferris".into(),
    }
    .encode_to_vec();
    let mut message = Message::default();
    let summary = describe(&bytes, 5, Some(&request), &mut message);
    assert_eq!(summary, r#"HelloRequest {"name (1)":"Ferris"}"#);
    let labels: Vec<&str> = message.spans.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "tag: field 1 `name`, LEN ((1 << 3) | 2)",
            "length = 6",
            "field 1 `name` = \"Ferris\""
        ]
    );
    assert_eq!((message.spans[0].start, message.spans[2].end), (5, 13));
    assert_eq!(
        message.decoded.as_deref(),
        Some("HelloRequest {\n  \"name (1)\": \"Ferris\"\n}")
    );

    // Fields in the schema's order, not the alphabet's.
    let (stream, _) = method_types("/hello.Greeter/SayHelloStream").unwrap();
    let bytes = HelloStreamRequest {
        name: "Ada".into(),
        count: 3,
    }
    .encode_to_vec();
    let summary = describe(&bytes, 0, Some(&stream), &mut Message::default());
    assert_eq!(
        summary,
        r#"HelloStreamRequest {"name (1)":"Ada","count (2)":3}"#
    );
}

#[test]
fn without_a_schema_fields_go_by_number_and_truncation_is_broken() {
    let mut message = Message::default();
    let summary = describe(b"\x0a\x03abc\x10\x07", 0, None, &mut message);
    assert_eq!(summary, r#"protobuf, no schema: {"1":"abc","2":7}"#);

    let (request, _) = method_types("/hello.Greeter/SayHello").unwrap();
    let mut message = Message::default();
    let summary = describe(b"\x0a\x09abc", 0, Some(&request), &mut message);
    assert!(message.broken, "{summary}");
    assert!(message.spans.last().unwrap().label.starts_with("broken"));
}
