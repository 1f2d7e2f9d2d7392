//! The store's own tests: indexes, re-registration, Consul's output cut.

use super::*;

fn definition(id: &str, name: &str, checks: Vec<CheckType>) -> ServiceDefinition {
    ServiceDefinition {
        id: id.into(),
        name: name.into(),
        checks,
        ..Default::default()
    }
}

fn ttl_check() -> CheckType {
    CheckType {
        ttl: 10_000_000_000,
        ..Default::default()
    }
}

#[test]
fn re_registering_keeps_check_status_and_an_identical_service_keeps_the_index() {
    let mut store = Store::new();
    let web = definition("web-1", "web", vec![ttl_check()]);
    store.register_service(&web, false);
    assert_eq!(store.checks["service:web-1"].status, "critical");
    store.update_ttl("service:web-1", "passing", "ok").unwrap();
    let index = store.index();
    store.register_service(&web, false);
    assert_eq!(
        store.index(),
        index,
        "an identical registration is no change"
    );
    assert_eq!(store.checks["service:web-1"].status, "passing");
}

#[test]
fn indexes_move_only_for_what_changed() {
    let mut store = Store::new();
    store.register_service(&definition("a", "a", vec![ttl_check()]), false);
    store.register_service(&definition("b", "b", vec![]), false);
    let a = store.health_index("a");
    store.update_ttl("service:a", "passing", "").unwrap();
    assert!(store.health_index("a") > a);
    assert_eq!(store.catalog_index("a"), a);
    let b = store.health_index("b");
    store.kv_put("k", b"v".to_vec(), 0, None);
    assert_eq!(store.health_index("b"), b);
}

#[test]
fn output_is_truncated_like_consul() {
    assert_eq!(
        truncate_output("abcdef", 4),
        "abcd ... (captured 4 of 6 bytes)"
    );
    assert_eq!(truncate_output("abc", 4), "abc");
}
