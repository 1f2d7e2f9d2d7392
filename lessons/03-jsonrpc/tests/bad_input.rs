//! What the worked example's TCP server does with bad input: JSON that is not JSON or not
//! a request, an unknown method, a line over the limit, a client that leaves mid-request and
//! a method that panics. Each costs at most the connection it came on; the next call works.

use crate::support;

use jsonrpc_core::Value;
use l03_jsonrpc::{methods, tcp};
use serde_json::json;
use support::{Conn, error_code, hello, methods_with_bugs, start_tcp};

#[tokio::test]
async fn malformed_json_is_a_parse_error_and_the_connection_stays_open() {
    let addr = start_tcp(methods::handler()).await;
    let mut conn = Conn::connect(addr).await;

    for garbage in [
        &b"{\"jsonrpc\":\"2.0\",\"method\":\n"[..],
        b"\xff\xfe not even UTF-8\n",
    ] {
        let reply = {
            conn.send_bytes(garbage).await;
            conn.reply().await
        };
        assert_eq!(error_code(&reply), -32700, "{garbage:?} → {reply}");
        assert_eq!(
            reply["id"],
            Value::Null,
            "no id can be read from garbage: {reply}"
        );
        assert_eq!(
            conn.call(&hello("still here", 3)).await["result"],
            "still here hello world"
        );
    }
}

#[tokio::test]
async fn json_that_is_not_a_request_is_an_invalid_request() {
    let addr = start_tcp(methods::handler()).await;
    let mut conn = Conn::connect(addr).await;
    for not_a_request in ["42", r#""hello""#, "[]", r#"{"foo": 1}"#] {
        let reply = conn.call(not_a_request).await;
        assert_eq!(error_code(&reply), -32600, "{not_a_request} → {reply}");
    }
    assert_eq!(
        conn.call(&hello("after", 4)).await["result"],
        "after hello world"
    );
}

#[tokio::test]
async fn a_batch_of_non_calls_gets_one_error_for_each() {
    let addr = start_tcp(methods::handler()).await;
    let mut conn = Conn::connect(addr).await;
    // The specification's own example: three members, three "Invalid Request" replies.
    let reply = conn.call("[1,2,3]").await;
    let replies = reply.as_array().expect("an array of replies");
    assert_eq!(replies.len(), 3, "[1,2,3] → {reply}");
    for member in replies {
        assert_eq!(error_code(member), -32600, "{member}");
        assert_eq!(member["id"], Value::Null, "{member}");
    }
    // A call beside a member that is not one still runs.
    let mixed = format!("[1, {}]", hello("beside", 5));
    let reply = conn.call(&mixed).await;
    let replies = reply.as_array().expect("an array of replies");
    assert_eq!(replies.len(), 2, "{mixed} → {reply}");
    let greeting = replies
        .iter()
        .find(|r| r["id"] == 5)
        .expect("the call's reply");
    assert_eq!(greeting["result"], "beside hello world");
    assert!(
        replies.iter().any(|r| r["error"]["code"] == -32600),
        "{reply}"
    );
}

#[tokio::test]
async fn unknown_method_is_method_not_found() {
    let addr = start_tcp(methods::handler()).await;
    let mut conn = Conn::connect(addr).await;
    let reply = conn
        .call(r#"{"jsonrpc":"2.0","method":"hello.Nope","params":[],"id":9}"#)
        .await;
    assert_eq!(error_code(&reply), -32601, "{reply}");
    assert_eq!(reply["id"], 9);
    assert_eq!(
        conn.call(&hello("after", 10)).await["result"],
        "after hello world"
    );
}

#[tokio::test]
async fn a_line_over_the_limit_is_refused_and_that_connection_closed() {
    let addr = start_tcp(methods::handler()).await;
    let mut bystander = Conn::connect(addr).await;
    let mut offender = Conn::connect(addr).await;

    let mut huge = format!(
        r#"{{"jsonrpc":"2.0","method":"hello.HelloWorld","params":["{}"#,
        "x".repeat(tcp::MAX_LINE)
    );
    huge.push_str("\"],\"id\":1}\n");
    offender.send_bytes(huge.as_bytes()).await;
    let reply = offender.reply().await;
    assert_eq!(error_code(&reply), -32600, "{reply}");
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("longer than"),
        "{reply}"
    );
    offender.expect_closed().await;

    assert_eq!(
        bystander.call(&hello("unaffected", 1)).await["result"],
        "unaffected hello world"
    );
}

#[tokio::test]
async fn a_line_of_exactly_the_limit_is_served() {
    let addr = start_tcp(methods::handler()).await;
    let mut conn = Conn::connect(addr).await;
    let head = r#"{"jsonrpc":"2.0","method":"hello.HelloWorld","params":[""#;
    let tail = r#""],"id":1}"#;
    let name = "y".repeat(tcp::MAX_LINE - head.len() - tail.len());
    let line = format!("{head}{name}{tail}");
    assert_eq!(line.len(), tcp::MAX_LINE);
    let reply = conn.call(&line).await;
    assert_eq!(
        reply["result"].as_str().map(str::len),
        Some(name.len() + " hello world".len())
    );
}

#[tokio::test]
async fn a_client_that_leaves_mid_request_harms_no_one() {
    let addr = start_tcp(methods::handler()).await;
    let mut bystander = Conn::connect(addr).await;
    {
        let mut leaver = Conn::connect(addr).await;
        leaver
            .send_bytes(br#"{"jsonrpc":"2.0","method":"hello.Hel"#)
            .await;
        // dropped here: the connection closes halfway through a request
    }
    {
        let mut impatient = Conn::connect(addr).await;
        impatient.send(&hello("gone", 1)).await;
        // dropped before reading its reply: the server's write may fail
    }
    assert_eq!(
        bystander.call(&hello("fine", 2)).await["result"],
        "fine hello world"
    );
    let mut newcomer = Conn::connect(addr).await;
    assert_eq!(
        newcomer.call(&hello("new", 3)).await["result"],
        "new hello world"
    );
}

#[tokio::test]
async fn a_method_that_panics_costs_one_internal_error_not_the_connection() {
    let mut conn = Conn::connect(start_tcp(methods_with_bugs()).await).await;
    let failed = |id: u64| {
        json!({"jsonrpc": "2.0", "id": id, "error": {
            "code": -32603,
            "message": "the method failed unexpectedly (it panicked); the server is still serving",
        }})
    };

    let reply = conn
        .call(r#"{"jsonrpc":"2.0","method":"bug.Now","id":1}"#)
        .await;
    assert_eq!(reply, failed(1));
    let reply = conn
        .call(r#"{"jsonrpc":"2.0","method":"bug.Later","id":2}"#)
        .await;
    assert_eq!(reply, failed(2));
    // Go's 1.0 client reads the error as a string.
    let reply = conn
        .call(r#"{"method":"bug.Now","params":[],"id":3}"#)
        .await;
    assert_eq!(reply["id"], 3, "{reply}");
    assert_eq!(reply["result"], Value::Null, "{reply}");
    assert!(
        reply["error"]
            .as_str()
            .is_some_and(|e| e.contains("panicked")),
        "{reply}"
    );
    // A notification still gets no reply: the next line answers the next call.
    conn.send(r#"{"jsonrpc":"2.0","method":"bug.Later"}"#).await;
    let reply = conn.call(&hello("after", 4)).await;
    assert_eq!(reply["result"], "after hello world", "{reply}");
}
