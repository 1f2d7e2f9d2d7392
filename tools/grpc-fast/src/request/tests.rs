use super::*;

fn verdict(fields: &[(&str, &str)]) -> Verdict {
    let mut head = RequestHead::default();
    for (name, value) in fields {
        head.add(name.as_bytes(), value.as_bytes());
    }
    head.verdict()
}

const CALL: [(&str, &str); 5] = [
    (":method", "POST"),
    (":scheme", "http"),
    (":path", "/hello.Greeter/SayHello"),
    ("content-type", "application/grpc"),
    ("te", "trailers"),
];

#[test]
fn a_grpc_call_is_a_call() {
    assert!(matches!(verdict(&CALL), Verdict::Call(Route::SayHello)));
}

#[test]
fn each_broken_rule_resets_the_stream() {
    let broken: [&[(&str, &str)]; 7] = [
        &[(":method", "POST"), (":method", "POST")],
        &[("x-first", "1"), (":method", "POST")],
        &[(":status", "200")],
        &[(":path", "")],
        &[("X-Upper", "1")],
        &[("connection", "keep-alive")],
        &[("te", "trailers, deflate")],
    ];
    for fields in broken {
        let mut all = CALL[..3].to_vec();
        all.extend_from_slice(fields);
        assert!(
            matches!(verdict(&all), Verdict::Reset(error::PROTOCOL_ERROR, _)),
            "{fields:?}"
        );
    }
    // And without `:scheme`.
    let no_scheme = [CALL[0], CALL[2], CALL[3]];
    assert!(matches!(verdict(&no_scheme), Verdict::Reset(..)));
}

#[test]
fn requests_for_something_else_get_an_http_status() {
    let get = [(":method", "GET"), CALL[1], CALL[2]];
    assert!(matches!(verdict(&get), Verdict::Http(405)));
    let text = [CALL[0], CALL[1], CALL[2], ("content-type", "text/plain")];
    assert!(matches!(verdict(&text), Verdict::Http(415)));
}
