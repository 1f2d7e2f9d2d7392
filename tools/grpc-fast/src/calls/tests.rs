use super::*;
use shared::greeter::GreeterService;

fn body(message: &impl Message) -> Vec<u8> {
    message_bytes(message)
}

#[tokio::test]
async fn say_hello_is_the_worked_examples() {
    let request = body(&HelloRequest {
        name: "Ferris".into(),
    });
    let Answer::Reply(reply) = answer(&GreeterService, &Route::SayHello, &request, true).await
    else {
        panic!("a reply")
    };
    let reply = proto::hello::HelloReply::decode(&reply[PREFIX_LEN..]).unwrap();
    assert_eq!(reply.message, "Hello Ferris!");

    let empty = body(&HelloRequest { name: " ".into() });
    let answer = answer(&GreeterService, &Route::SayHello, &empty, true).await;
    assert!(
        matches!(answer, Answer::Fail(Code::InvalidArgument, _)),
        "{answer:?}"
    );
}

#[tokio::test]
async fn broken_messages_are_refused_with_a_reason() {
    let cases: [(&[u8], Code); 4] = [
        (b"", Code::Internal),
        (b"\x00\x00\x00\x00\x09\x0a", Code::Internal),
        (b"\x01\x00\x00\x00\x00", Code::Unimplemented),
        (b"\x00\x00\x00\x00\x02\x0a\x09", Code::Internal),
    ];
    for (bytes, code) in cases {
        match answer(&GreeterService, &Route::SayHello, bytes, true).await {
            Answer::Fail(got, _) => assert_eq!(got, code, "{bytes:?}"),
            other => panic!("{bytes:?}: {other:?}"),
        }
    }
}

#[test]
fn paths_name_methods() {
    assert_eq!(Route::from_path(b"/hello.Greeter/SayName"), Route::SayName);
    assert!(
        matches!(Route::from_path(b"/x.Y/Z"), Route::Unimplemented(why) if why.contains("/x.Y/Z"))
    );
}

#[test]
fn health_follows_the_server() {
    assert_eq!(health("hello.Greeter", true), ServingStatus::Serving);
    assert_eq!(health("", false), ServingStatus::NotServing);
    assert_eq!(health("other", true), ServingStatus::ServiceUnknown);
}
