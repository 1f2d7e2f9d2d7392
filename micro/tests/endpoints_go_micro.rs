//! A method declared idempotent travels in go-micro's endpoint metadata, in each registry's
//! own format, byte for byte as go-micro v2.9.1 writes it, and reads back from what
//! go-micro wrote.

use micro::registry::consul::tags;
use micro::registry::etcd::keys;
use micro::registry::mdns::txt;
use micro::registry::{Node, idempotent_endpoints};

use crate::support::go_micro::{
    GREETER_KEY, GREETER_RECORD, IDEMPOTENT_ENDPOINT, IDEMPOTENT_RECORD, go_micro_get_service,
    go_micro_unpack,
};

fn user_node() -> Node {
    Node {
        id: "user-10.14.0.12-7021".to_string(),
        address: "10.14.0.12:7021".to_string(),
        version: "latest".to_string(),
        metadata: micro::registry::grpc_metadata(),
        endpoints: idempotent_endpoints(&["Say.Hello".to_string()]),
    }
}

#[test]
fn etcd_holds_the_record_go_micro_writes_and_go_micro_reads_it() {
    let written = keys::encode("user", &user_node());
    assert_eq!(written, IDEMPOTENT_RECORD);
    assert_eq!(
        go_micro_get_service([written.as_bytes()]),
        [(
            "latest".to_string(),
            "user-10.14.0.12-7021".to_string(),
            "10.14.0.12:7021".to_string()
        )]
    );
    let key = keys::node_key("user", &user_node());
    let read = keys::decode(
        &keys::service_prefix("user"),
        key.as_bytes(),
        IDEMPOTENT_RECORD.as_bytes(),
    );
    assert_eq!(read, [user_node()]);
    assert!(read[0].declares_idempotent("Say.Hello"));
}

#[test]
fn an_endpoint_without_the_metadata_is_not_idempotent() {
    let prefix = keys::service_prefix("go.micro.srv.greeter");
    let read = keys::decode(&prefix, GREETER_KEY.as_bytes(), GREETER_RECORD.as_bytes());
    assert_eq!(read[0].endpoints.len(), 1);
    assert!(!read[0].declares_idempotent("Greeter.Hello"));
}

#[test]
fn consul_carries_it_in_an_e_tag_as_go_micro_packs_it() {
    let node = user_node();
    let written = tags::encode(&node.metadata, &node.endpoints, &node.version);
    let endpoint_tags: Vec<&String> = written.iter().filter(|tag| tag.starts_with("e-")).collect();
    assert_eq!(endpoint_tags.len(), 1, "{written:?}");
    let json = go_micro_unpack(&[&endpoint_tags[0][2..]]);
    assert_eq!(String::from_utf8(json).unwrap(), IDEMPOTENT_ENDPOINT);
    assert_eq!(tags::endpoints(&written), node.endpoints);
}

#[test]
fn mdns_carries_it_in_the_txt_records_endpoints() {
    let node = user_node();
    let strings = txt::encode(&txt::of("user", &node));
    let json = String::from_utf8(go_micro_unpack(&strings)).unwrap();
    assert_eq!(
        json,
        format!(
            r#"{{"Service":"user","Version":"latest","Endpoints":[{IDEMPOTENT_ENDPOINT}],"Metadata":{{"protocol":"grpc"}}}}"#
        )
    );
}
