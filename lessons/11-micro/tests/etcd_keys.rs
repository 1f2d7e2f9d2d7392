//! `micro.etcd-keys`: go-micro's key layout and records, written and read back.

mod support;

use l11_micro::exercises::etcd_keys::{ROOT, decode, encode, node_key, service_of, service_prefix};
use micro::registry::{Endpoint, Node};
use support::go_micro::{
    GREETER_ADDRESS, GREETER_KEY, GREETER_NODE_ID, GREETER_RECORD, PLAIN_RECORD,
    go_micro_get_service,
};
use support::node;

#[test]
fn keys_follow_go_micros_layout() {
    assert_eq!(ROOT, "/micro/registry/");
    assert_eq!(service_prefix("greeter"), "/micro/registry/greeter/");
    assert_eq!(
        node_key("greeter", &node("greeter-1", "127.0.0.1:1")),
        "/micro/registry/greeter/greeter-1"
    );
    // go-micro's nodePath and servicePath: a '/' in a name would add a level to the key.
    assert_eq!(service_prefix("api/v1"), "/micro/registry/api-v1/");
    assert_eq!(
        node_key("api/v1", &node("api/v1-7", "127.0.0.1:1")),
        "/micro/registry/api-v1/api-v1-7"
    );
}

#[test]
fn a_prefix_does_not_catch_a_longer_name() {
    let other = node_key("greeter-admin", &node("x", "127.0.0.1:1"));
    assert!(
        !other.starts_with(&service_prefix("greeter")),
        "{other} is not a node of greeter, but starts with greeter's prefix"
    );
}

#[test]
fn a_node_is_written_as_go_micro_writes_a_service_of_one_node() {
    let greeter = node("greeter-127.0.0.1-7011", "127.0.0.1:7011");
    assert_eq!(
        encode("greeter", &greeter),
        PLAIN_RECORD,
        "the value is the whole service holding the node, byte for byte as go-micro v2 writes it"
    );
}

#[test]
fn go_micro_reads_the_node_back() {
    let greeter = node("greeter-127.0.0.1-7011", "127.0.0.1:7011");
    let value = encode("greeter", &greeter);
    let read = go_micro_get_service([value.as_bytes()]);
    assert_eq!(
        read,
        [(
            "1.0.0".to_string(),
            "greeter-127.0.0.1-7011".to_string(),
            "127.0.0.1:7011".to_string()
        )],
        "go-micro finds the node, with the service's version, in {value}"
    );
}

#[test]
fn reads_what_go_micro_wrote() {
    let prefix = service_prefix("go.micro.srv.greeter");
    let nodes = decode(&prefix, GREETER_KEY.as_bytes(), GREETER_RECORD.as_bytes());
    assert_eq!(
        nodes,
        [Node {
            id: GREETER_NODE_ID.to_string(),
            address: GREETER_ADDRESS.to_string(),
            version: "latest".to_string(),
            metadata: [
                ("broker", "http"),
                ("protocol", "grpc"),
                ("registry", "etcd"),
                ("server", "grpc"),
                ("transport", "grpc"),
            ]
            .into_iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect(),
            endpoints: vec![Endpoint {
                name: "Greeter.Hello".to_string(),
                metadata: Default::default(),
            }],
        }],
        "the version and the endpoints come from the service, the metadata from the node"
    );
}

#[test]
fn decodes_the_node_it_encoded() {
    let original = node("greeter-1", "127.0.0.1:7011");
    let key = node_key("greeter", &original);
    let value = encode("greeter", &original);
    let prefix = service_prefix("greeter");
    assert_eq!(
        decode(&prefix, key.as_bytes(), value.as_bytes()),
        [original]
    );
}

#[test]
fn unknown_fields_and_nulls_are_read_as_go_reads_them() {
    let prefix = service_prefix("greeter");
    let key = "/micro/registry/greeter/g-1";
    let value = br#"{"name":"greeter","version":null,"nodes":[
        {"id":"g-1","address":"127.0.0.1:1","metadata":null,"weight":3}],"extra":{"a":[1]}}"#;
    let mut expected = node("g-1", "127.0.0.1:1");
    expected.version = String::new();
    expected.metadata.clear();
    assert_eq!(decode(&prefix, key.as_bytes(), value), [expected]);
}

#[test]
fn skips_what_is_not_a_service_of_this_prefix() {
    let value = encode("greeter", &node("greeter-1", "127.0.0.1:7011"));
    let prefix = service_prefix("greeter");
    let cases: [(&str, &[u8]); 7] = [
        ("/micro/registry/greeter/greeter-1", b"not json"),
        ("/micro/registry/greeter/greeter-1", b"null"),
        ("/micro/registry/greeter/greeter-1", b"\"a string\""),
        // The old layout, a bare node, is a service with no nodes to go-micro.
        (
            "/micro/registry/greeter/greeter-1",
            br#"{"id":"greeter-1","address":"127.0.0.1:1","version":"1.0.0"}"#,
        ),
        ("/micro/registry/other/greeter-1", value.as_bytes()),
        ("/micro/registry/greeter/", value.as_bytes()),
        ("/micro/registry/greeter/a/b", value.as_bytes()),
    ];
    for (key, value) in cases {
        assert_eq!(
            decode(&prefix, key.as_bytes(), value),
            [],
            "{key} = {}",
            String::from_utf8_lossy(value)
        );
    }
    assert_eq!(
        decode(&prefix, &[0xff, 0xfe], value.as_bytes()),
        [],
        "a key that is not UTF-8"
    );
}

#[test]
fn the_service_of_a_key() {
    assert_eq!(
        service_of(b"/micro/registry/greeter/greeter-1"),
        Some("greeter")
    );
    assert_eq!(
        service_of(b"/micro/registry/greeter-admin/a"),
        Some("greeter-admin")
    );
    assert_eq!(service_of(b"/micro/registry/greeter/"), None);
    assert_eq!(service_of(b"/micro/registry/greeter"), None);
    assert_eq!(service_of(b"/other/greeter/greeter-1"), None);
}
