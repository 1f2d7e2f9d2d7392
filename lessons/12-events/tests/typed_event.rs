//! `events.typed`: a subscriber's handler decodes the topic's protobuf message and says
//! whether it handled it; the publisher writes what go-micro's client writes.

use std::sync::{Arc, Mutex};

use l12_events::exercises::typed::typed_handler;
use micro::broker::http::HttpBroker;
use micro::broker::{Broker, Event, Message, SubscribeOptions, handler};
use micro::event::{Publisher, subscribe};
use micro::registry::memory::MemoryRegistry;
use prost::Message as _;
use proto::events::Greeting;

fn broker() -> Arc<HttpBroker> {
    Arc::new(HttpBroker::new(Arc::new(MemoryRegistry::new()), "127.0.0.1:0").unwrap())
}

fn event(topic: &str, content_type: Option<&str>, body: Vec<u8>) -> Event {
    let mut message = Message::new(body);
    if let Some(kind) = content_type {
        message
            .header
            .insert("Content-Type".to_string(), kind.to_string());
    }
    Event {
        topic: topic.to_string(),
        message,
    }
}

fn greeting(name: &str) -> Greeting {
    Greeting {
        name: name.to_string(),
        text: format!("hello {name}"),
    }
}

#[tokio::test]
async fn a_message_of_the_type_is_decoded_handed_on_and_acknowledged() {
    let got = Arc::new(Mutex::new(Vec::new()));
    let keep = got.clone();
    let typed = typed_handler(move |greeting: Greeting| {
        let keep = keep.clone();
        async move {
            keep.lock().unwrap().push(greeting);
            Ok(())
        }
    });
    for name in ["ada", "grace"] {
        let body = greeting(name).encode_to_vec();
        typed(event("greetings", Some("application/protobuf"), body))
            .await
            .unwrap();
    }
    // go-micro always sets the Content-Type; a message without one is read as protobuf.
    typed(event("greetings", None, greeting("alan").encode_to_vec()))
        .await
        .unwrap();
    assert_eq!(
        *got.lock().unwrap(),
        [greeting("ada"), greeting("grace"), greeting("alan")],
        "each Greeting, decoded from its protobuf body, reaches the handler once and in order \
         (one without a Content-Type is read as protobuf, as go-micro writes every message)"
    );
}

#[tokio::test]
async fn what_is_not_the_topics_message_is_a_clear_error_and_not_handed_on() {
    let calls = Arc::new(Mutex::new(0));
    let count = calls.clone();
    let typed = typed_handler(move |_: Greeting| {
        let count = count.clone();
        async move {
            *count.lock().unwrap() += 1;
            Ok(())
        }
    });
    // Field 1 as a varint where Greeting has a string: not a Greeting.
    let not_protobuf = vec![0x08, 0x96, 0x01, 0xff, 0xff];
    let error = typed(event(
        "greetings",
        Some("application/protobuf"),
        not_protobuf,
    ))
    .await
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("greetings") && error.contains("Greeting"),
        "the error names the topic and the type: {error}"
    );
    let json = br#"{"name":"ada"}"#.to_vec();
    let error = typed(event("greetings", Some("application/json"), json))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("application/json"),
        "a message whose Content-Type is application/json is not this topic's protobuf: it \
         must be refused before decoding, with an error that names its Content-Type \
         (application/json). The error was: {error}"
    );
    assert_eq!(
        *calls.lock().unwrap(),
        0,
        "a message that is not the topic's type must never reach the handler"
    );
}

#[tokio::test]
async fn a_failing_handler_is_not_an_acknowledgement() {
    let typed = typed_handler(|greeting: Greeting| async move {
        anyhow::ensure!(greeting.name != "mallory", "not greeting {}", greeting.name);
        Ok(())
    });
    let body = greeting("mallory").encode_to_vec();
    let error = typed(event("greetings", Some("application/protobuf"), body))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("not greeting mallory"),
        "the handler's own error is the subscriber's answer (not an acknowledgement), \
         passed on as it is; the error was: {error}"
    );
    let body = greeting("ada").encode_to_vec();
    typed(event("greetings", Some("application/protobuf"), body))
        .await
        .unwrap();
}

#[tokio::test]
async fn over_the_broker_the_publisher_writes_go_micros_headers_and_bad_bodies_fail_alone() {
    let broker = broker();
    // A raw subscriber sees the headers go-micro's client sets.
    let raw = Arc::new(Mutex::new(Vec::new()));
    let keep = raw.clone();
    let record = handler(move |event| {
        let keep = keep.clone();
        async move {
            keep.lock().unwrap().push(event.message);
            Ok(())
        }
    });
    let _raw = broker
        .subscribe("greetings", SubscribeOptions::default(), record)
        .await
        .unwrap();
    let typed_got = Arc::new(Mutex::new(Vec::new()));
    let keep = typed_got.clone();
    let _typed = subscribe(
        broker.as_ref(),
        "greetings",
        SubscribeOptions::default(),
        move |greeting: Greeting| {
            let keep = keep.clone();
            async move {
                keep.lock().unwrap().push(greeting);
                Ok(())
            }
        },
    )
    .await
    .unwrap();

    let publisher = Publisher::<Greeting>::new("greetings", broker.clone());
    publisher.publish(&greeting("ada")).await.unwrap();
    let message = raw.lock().unwrap()[0].clone();
    assert_eq!(message.header["Content-Type"], "application/protobuf");
    assert_eq!(message.header["Micro-Topic"], "greetings");
    assert!(uuid::Uuid::parse_str(&message.header["Micro-Id"]).is_ok());
    assert_eq!(message.body, greeting("ada").encode_to_vec());

    // Not a Greeting: the typed subscriber refuses it, the raw one still gets it.
    let mut bad = Message::new(vec![0x08, 0x96, 0x01, 0xff]);
    bad.header.insert(
        "Content-Type".to_string(),
        "application/protobuf".to_string(),
    );
    let error = broker.publish("greetings", &bad).await.unwrap_err();
    assert!(format!("{error:#}").contains("not a"), "{error:#}");
    assert_eq!(raw.lock().unwrap().len(), 2);

    publisher.publish(&greeting("grace")).await.unwrap();
    assert_eq!(
        *typed_got.lock().unwrap(),
        [greeting("ada"), greeting("grace")]
    );
}
