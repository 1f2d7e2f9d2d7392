use super::*;
use crate::tcp::Outcome;

fn frame(json: &str) -> BytesMut {
    let mut buf = BytesMut::new();
    buf.extend_from_slice(&(json.len() as u32).to_be_bytes());
    buf.extend_from_slice(json.as_bytes());
    buf
}

#[test]
fn a_request_is_a_length_and_json() {
    let mut out = Vec::new();
    Rpc.encode(5, "w1-5", &mut out);
    let json = br#"{"id":5,"method":"hello.HelloWorld","params":"w1-5"}"#;
    assert_eq!(&out[..4], &(json.len() as u32).to_be_bytes());
    assert_eq!(&out[4..], json);
}

#[test]
fn replies_are_read_whole_or_not_at_all() {
    let mut buf = frame(r#"{"id":5,"result":"w1-5 hello world"}"#);
    let mut half = buf.split_to(10);
    assert_eq!(Rpc.decode(&mut half), Ok(None));
    half.unsplit(buf);
    let reply = Rpc.decode(&mut half).unwrap().unwrap();
    assert_eq!(
        reply,
        Reply {
            id: Some(5),
            outcome: Outcome::Result("w1-5 hello world".into())
        }
    );
    assert!(half.is_empty());
}

#[test]
fn errors_and_odd_results_are_told_apart() {
    let mut buf = frame(r#"{"id":1,"error":"unknown method"}"#);
    buf.unsplit(frame(r#"{"id":2,"result":42}"#));
    buf.unsplit(frame("not json"));
    let one = Rpc.decode(&mut buf).unwrap().unwrap();
    assert_eq!(one.outcome, Outcome::Error("unknown method".into()));
    let two = Rpc.decode(&mut buf).unwrap().unwrap();
    assert_eq!(two.outcome, Outcome::Malformed("result is 42".into()));
    let three = Rpc.decode(&mut buf).unwrap().unwrap();
    assert_eq!(three.id, None);
}

#[test]
fn an_oversized_frame_is_refused() {
    let mut buf = BytesMut::from(&((LONGEST_REPLY as u32 + 1).to_be_bytes())[..]);
    assert!(Rpc.decode(&mut buf).unwrap_err().contains("at most"));
}
