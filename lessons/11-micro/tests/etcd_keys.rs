//! `micro.etcd-keys`: go-micro's key layout, and reading nodes back from keys and values.

mod support;

use l11_micro::exercises::etcd_keys::{ROOT, decode, node_key, service_of, service_prefix};
use support::node;

#[test]
fn keys_follow_go_micros_layout() {
    assert_eq!(ROOT, "/micro/registry/");
    assert_eq!(service_prefix("greeter"), "/micro/registry/greeter/");
    assert_eq!(
        node_key("greeter", &node("greeter-1", "127.0.0.1:1")),
        "/micro/registry/greeter/greeter-1"
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
fn decodes_the_node_it_encoded() {
    let original = node("greeter-1", "127.0.0.1:7011");
    let key = node_key("greeter", &original);
    let value = serde_json::to_vec(&original).unwrap();
    let prefix = service_prefix("greeter");
    assert_eq!(decode(&prefix, key.as_bytes(), &value), Some(original));
}

#[test]
fn rejects_what_is_not_a_node_of_this_service() {
    let original = node("greeter-1", "127.0.0.1:7011");
    let value = serde_json::to_vec(&original).unwrap();
    let prefix = service_prefix("greeter");
    let cases: [(&str, &[u8]); 4] = [
        ("/micro/registry/greeter/greeter-1", b"not json"),
        ("/micro/registry/greeter/someone-else", &value),
        ("/micro/registry/other/greeter-1", &value),
        (
            "/micro/registry/greeter/greeter-1",
            br#"{"id":"greeter-1"}"#,
        ),
    ];
    for (key, value) in cases {
        assert_eq!(
            decode(&prefix, key.as_bytes(), value),
            None,
            "{key} = {}",
            String::from_utf8_lossy(value)
        );
    }
    assert_eq!(
        decode(&prefix, &[0xff, 0xfe], &value),
        None,
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
