use super::*;

fn encoded(dialect: JsonRpc) -> String {
    let mut out = Vec::new();
    dialect.encode(0, "x", &mut out);
    String::from_utf8(out).unwrap()
}

fn decoded(dialect: JsonRpc, line: &str) -> Reply {
    let mut buf = BytesMut::from(line);
    dialect.decode(&mut buf).unwrap().unwrap()
}

#[test]
fn v1_requests_are_byte_for_byte_what_go_sends() {
    assert_eq!(
        encoded(JsonRpc::V1),
        "{\"method\":\"hello.HelloWorld\",\"params\":[\"x\"],\"id\":0}\n"
    );
}

#[test]
fn v2_requests_say_their_version() {
    assert_eq!(
        encoded(JsonRpc::V2),
        "{\"jsonrpc\":\"2.0\",\"method\":\"hello.HelloWorld\",\"params\":[\"x\"],\"id\":0}\n"
    );
}

#[test]
fn go_style_v1_replies_are_read() {
    let ok = decoded(
        JsonRpc::V1,
        "{\"id\":0,\"result\":\"x hello world\",\"error\":null}\n",
    );
    assert_eq!(
        ok,
        Reply {
            id: Some(0),
            outcome: Outcome::Result("x hello world".into())
        }
    );
    let err = decoded(
        JsonRpc::V1,
        "{\"id\":3,\"result\":null,\"error\":\"rpc: can't find method\"}\n",
    );
    assert_eq!(err.outcome, Outcome::Error("rpc: can't find method".into()));
}

#[test]
fn v2_replies_must_say_2_0_and_errors_carry_a_message() {
    let ok = decoded(
        JsonRpc::V2,
        "{\"jsonrpc\":\"2.0\",\"result\":\"x hello world\",\"id\":0}\n",
    );
    assert_eq!(ok.outcome, Outcome::Result("x hello world".into()));
    let err = decoded(
        JsonRpc::V2,
        "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":1}\n",
    );
    assert_eq!(err.outcome, Outcome::Error("Method not found".into()));
    let v1 = decoded(
        JsonRpc::V2,
        "{\"id\":0,\"result\":\"x hello world\",\"error\":null}\n",
    );
    assert!(matches!(v1.outcome, Outcome::Malformed(_)), "{v1:?}");
}
