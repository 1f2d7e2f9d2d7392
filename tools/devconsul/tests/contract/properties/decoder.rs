//! The Go-style JSON decoder behind every request body: it never panics, on any JSON or any
//! bytes; it matches keys whatever their case, as Go does; and the agent's write endpoints
//! answer anything with a 200 or a clear 400.

use std::collections::BTreeMap;

use super::{any_json, mutate, mutations, runner};
use crate::common::{agent, proptest_config};
use devconsul::decode::{KeyStyle, parse_body};
use devconsul::definition::ServiceDefinition;
use devconsul::duration;
use proptest::prelude::*;
use serde_json::{Value, json};

proptest! {
    #![proptest_config(proptest_config(512))]

    #[test]
    fn the_decoder_never_panics_on_json(value in any_json()) {
        for style in [KeyStyle::Api, KeyStyle::ConfigFile] {
            if let Ok(definition) = ServiceDefinition::from_json(&value, style) {
                let _ = definition.validate();
            }
        }
    }

    #[test]
    fn the_decoder_never_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        if let Ok(value) = parse_body(&bytes) {
            let _ = ServiceDefinition::from_json(&value, KeyStyle::Api);
        }
    }

    /// Go matches keys to fields whatever their case, and Consul adds snake_case aliases:
    /// a registration means the same however its keys are spelled.
    #[test]
    fn keys_match_whatever_their_case(
        registration in registration(),
        spelling in any::<u64>(),
    ) {
        let canonical = registration.to_json(&|key, _| key.to_string());
        let respelled = registration.to_json(&|key, alias| respell(key, alias, spelling));
        let expected = ServiceDefinition::from_json(&canonical, KeyStyle::Api)
            .map_err(|e| TestCaseError::fail(format!("{canonical}: {e}")))?;
        let decoded = ServiceDefinition::from_json(&respelled, KeyStyle::Api)
            .map_err(|e| TestCaseError::fail(format!("{respelled}: {e}")))?;
        prop_assert_eq!(&decoded, &expected, "{}", respelled);
        prop_assert_eq!(&decoded.name, &registration.name);
        prop_assert_eq!(decoded.port, registration.port);
        prop_assert_eq!(&decoded.meta, &registration.meta);
        prop_assert_eq!(decoded.checks[0].ttl, registration.ttl);
        prop_assert_eq!(decoded.tagged_addresses["lan"].port, registration.port);
    }
}

/// A registration with the fields whose spelling varies: Go field names and aliases.
#[derive(Debug, Clone)]
struct Registration {
    name: String,
    tags: Vec<String>,
    port: i64,
    meta: BTreeMap<String, String>,
    enable_tag_override: bool,
    ttl: i64,
}

fn registration() -> impl Strategy<Value = Registration> {
    (
        "[a-z][a-z0-9-]{0,10}",
        prop::collection::vec("[a-z0-9]{1,6}", 0..4),
        any::<i64>(),
        prop::collection::btree_map("[a-zA-Z0-9_-]{1,8}", "[ -~]{0,12}", 0..4),
        any::<bool>(),
        1..(1i64 << 50),
    )
        .prop_map(
            |(name, tags, port, meta, enable_tag_override, ttl)| Registration {
                name,
                tags,
                port,
                meta,
                enable_tag_override,
                ttl,
            },
        )
}

impl Registration {
    /// The body, with each struct field's key spelled by `key(name, snake_case_alias)`.
    /// Map keys (`Meta`'s, `TaggedAddresses`') are data and keep their spelling.
    fn to_json(&self, key: &dyn Fn(&str, Option<&str>) -> String) -> Value {
        let mut tagged = serde_json::Map::new();
        tagged.insert(key("Address", None), json!("10.0.0.1"));
        tagged.insert(key("Port", None), json!(self.port));
        let mut check = serde_json::Map::new();
        check.insert(key("TTL", None), json!(duration::format_nanos(self.ttl)));
        check.insert(
            key(
                "DeregisterCriticalServiceAfter",
                Some("deregister_critical_service_after"),
            ),
            json!("1m"),
        );
        let mut body = serde_json::Map::new();
        body.insert(key("Name", None), json!(self.name));
        body.insert(key("Tags", None), json!(self.tags));
        body.insert(key("Port", None), json!(self.port));
        body.insert(key("Meta", None), json!(self.meta));
        body.insert(
            key("EnableTagOverride", Some("enable_tag_override")),
            json!(self.enable_tag_override),
        );
        body.insert(
            key("TaggedAddresses", Some("tagged_addresses")),
            json!({"lan": tagged}),
        );
        body.insert(key("Check", None), Value::Object(check));
        Value::Object(body)
    }
}

/// `key` (or its alias, when `spelling` says so) with each letter's case drawn from the
/// bits of `spelling`.
fn respell(key: &str, alias: Option<&str>, spelling: u64) -> String {
    let seed = spelling.rotate_left(key.len() as u32);
    let chosen = match alias {
        Some(alias) if seed & 1 == 1 => alias,
        _ => key,
    };
    chosen
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if seed.rotate_right(i as u32 + 1) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// Whether an error answer says what was wrong in Consul's words.
fn is_a_clear_reason(text: &str) -> bool {
    [
        "Request decode failed: ",
        "Missing service name",
        "Missing check name",
        "Invalid check: ",
        "Invalid check status: ",
        "Invalid service address",
        "Invalid Service Meta: ",
        "Invalid Weights",
        "Status for checks must",
    ]
    .iter()
    .any(|reason| text.starts_with(reason))
}

/// Arbitrary and mutated bodies sent to the agent's write endpoints: each is accepted
/// (200) or refused with 400 and a plain-text reason, and the agent keeps serving.
#[test]
fn write_endpoints_answer_200_or_a_clear_400_to_anything() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (_agent, api) = runtime.block_on(agent());
    runtime.block_on(api.register(json!({"Name": "t", "Check": {"TTL": "1h"}})));
    let valid = [
        r#"{"Name": "web", "ID": "web-1", "Tags": ["v1"], "Port": 8080, "Address": "127.0.0.1",
            "Meta": {"env": "dev"}, "Check": {"TTL": "10s", "DeregisterCriticalServiceAfter": "1m"}}"#,
        r#"{"name": "py", "checks": [{"tcp": "127.0.0.1:1", "interval": "10s"}, {"ttl": "5s"}],
            "tagged_addresses": {"lan": {"address": "10.0.0.1", "port": 1}}}"#,
        r#"{"Name": "c", "HTTP": "http://127.0.0.1:1/", "Interval": 10000000000,
            "Header": {"X": ["1"]}, "Timeout": "1s"}"#,
        r#"{"Status": "passing", "Output": "fine"}"#,
    ];
    const FRAGMENTS: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        "\"",
        ",",
        ":",
        "null",
        "1e400",
        "-0",
        "\"10x\"",
        "\\u0000",
        "\"Port\":",
        "\"TTL\":",
        "\"Check\":{",
        "\"Name\":\"\"",
    ];
    let bodies = prop_oneof![
        any_json().prop_map(|v| v.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..128),
        (prop::sample::select(valid.to_vec()), mutations(FRAGMENTS))
            .prop_map(|(body, edits)| mutate(body.as_bytes().to_vec(), &edits)),
    ];
    let endpoints = [
        "/v1/agent/service/register",
        "/v1/agent/check/register",
        "/v1/agent/check/update/service:t",
    ];
    let mut runner = runner(file!(), 96);
    runner
        .run(
            &(bodies, prop::sample::select(endpoints.to_vec())),
            |(body, path)| {
                let reply = runtime.block_on(api.send("PUT", path, Some(body.clone())));
                let code = reply.status.as_u16();
                let text = reply.text();
                prop_assert!(
                    code == 200 || (code == 400 && is_a_clear_reason(&text)),
                    "{path} {:?} answered {code}: {text}",
                    String::from_utf8_lossy(&body)
                );
                Ok(())
            },
        )
        .unwrap();
    let services = runtime.block_on(api.get("/v1/agent/services")).expect(200);
    assert!(
        services.json().get("t").is_some(),
        "the agent kept its state"
    );
}
