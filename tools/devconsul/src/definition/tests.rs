//! The definitions' own tests: the two key styles, Consul's errors word for word.

use super::*;
use serde_json::json;

fn service(value: Value) -> Result<ServiceDefinition, DecodeError> {
    ServiceDefinition::from_json(&value, KeyStyle::Api)
}

#[test]
fn pascal_and_lower_case_bodies_mean_the_same() {
    let pascal = service(json!({
        "Name": "web", "ID": "web-1", "Tags": ["v1"], "Port": 8080,
        "Check": {"TCP": "127.0.0.1:8080", "Interval": "10s", "DeregisterCriticalServiceAfter": "1m"}
    }))
    .unwrap();
    let lower = service(json!({
        "name": "web", "id": "web-1", "tags": ["v1"], "port": 8080,
        "check": {"tcp": "127.0.0.1:8080", "interval": "10s", "deregister_critical_service_after": "1m"}
    }))
    .unwrap();
    assert_eq!(pascal, lower);
    assert_eq!(pascal.checks[0].interval, 10_000_000_000);
    assert_eq!(
        pascal.checks[0].deregister_critical_service_after,
        60_000_000_000
    );
}

#[test]
fn validation_messages_are_consuls() {
    let no_name = service(json!({"Port": 1})).unwrap();
    assert_eq!(no_name.validate().unwrap_err(), "Missing service name");
    let no_interval = service(json!({"Name": "a", "Check": {"TCP": "x:1"}})).unwrap();
    assert!(
        no_interval
            .validate()
            .unwrap_err()
            .starts_with("Invalid check: Interval must be > 0")
    );
    let bad_status = service(json!({"Name": "a", "Check": {"TTL": "1s", "Status": "ok"}})).unwrap();
    assert!(
        bad_status
            .validate()
            .unwrap_err()
            .contains("Status for checks")
    );
    let any_address = service(json!({"Name": "a", "Address": "0.0.0.0"})).unwrap();
    assert_eq!(
        any_address.validate().unwrap_err(),
        "Invalid service address"
    );
    assert!(service(json!({"Name": "a", "Service": "a"})).is_err());
    assert!(service(json!({"Name": "a", "TaggedAddresses": {"lan": "1.2.3.4"}})).is_err());
}

#[test]
fn an_empty_check_object_is_no_check() {
    let definition = service(json!({"Name": "a", "Check": {}})).unwrap();
    assert!(definition.checks.is_empty());
}
