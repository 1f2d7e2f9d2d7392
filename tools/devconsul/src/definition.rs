//! What a client may send: service definitions, check definitions and check updates.
//!
//! Each `Fields` table below lists every field of the Consul Go struct of the same name, so
//! that nothing Consul accepts is refused here. Fields the development agent has no use
//! for (`Proxy`, `Connect`, `Token`, ...) are accepted and dropped.

use std::collections::BTreeMap;
use std::net::IpAddr;

use serde_json::Value;

use crate::decode::{DecodeError, Field, Fields, KeyStyle, Object};

/// A `PUT /v1/agent/service/register` body (Consul's `structs.ServiceDefinition`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceDefinition {
    pub kind: String,
    pub id: String,
    pub name: String,
    pub tags: Vec<String>,
    pub address: String,
    pub tagged_addresses: BTreeMap<String, ServiceAddress>,
    pub meta: BTreeMap<String, String>,
    pub port: i64,
    pub socket_path: String,
    pub weights: Option<Weights>,
    pub enable_tag_override: bool,
    pub checks: Vec<CheckType>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceAddress {
    pub address: String,
    pub port: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weights {
    pub passing: i64,
    pub warning: i64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            passing: 1,
            warning: 1,
        }
    }
}

/// A check attached to a service or registered alone (Consul's `structs.CheckType`).
/// Durations are signed nanoseconds, as Go keeps them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CheckType {
    pub check_id: String,
    pub name: String,
    pub status: String,
    pub notes: String,
    pub tcp: String,
    pub http: String,
    pub method: String,
    pub header: BTreeMap<String, Vec<String>>,
    pub body: String,
    pub disable_redirects: bool,
    pub tls_server_name: String,
    pub tls_skip_verify: bool,
    pub grpc: String,
    pub grpc_use_tls: bool,
    pub udp: String,
    pub h2ping: String,
    pub os_service: String,
    pub script_args: Vec<String>,
    pub docker_container_id: String,
    pub alias_node: String,
    pub alias_service: String,
    pub ttl: i64,
    pub interval: i64,
    pub timeout: i64,
    pub deregister_critical_service_after: i64,
    pub success_before_passing: i64,
    pub failures_before_warning: i64,
    pub failures_before_critical: i64,
    pub output_max_size: i64,
    /// The service a standalone check belongs to (`PUT /v1/agent/check/register`).
    pub service_id: String,
}

/// A `PUT /v1/agent/check/update/:id` body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckUpdate {
    pub status: String,
    pub output: String,
}

const CHECK_COMMON: [Field; 35] = [
    Field::new("Name"),
    Field::new("Status"),
    Field::new("Notes"),
    Field::alias("ScriptArgs", &["args", "script_args"]),
    Field::new("HTTP"),
    Field::new("Header"),
    Field::new("Method"),
    Field::new("Body"),
    Field::new("DisableRedirects"),
    Field::new("TCP"),
    Field::new("TCPUseTLS"),
    Field::new("UDP"),
    Field::new("Interval"),
    Field::new("AliasNode"),
    Field::new("AliasService"),
    Field::alias("DockerContainerID", &["docker_container_id"]),
    Field::new("Shell"),
    Field::new("GRPC"),
    Field::alias("GRPCUseTLS", &["grpc_use_tls"]),
    Field::alias("TLSServerName", &["tls_server_name"]),
    Field::alias("TLSSkipVerify", &["tls_skip_verify"]),
    Field::new("Timeout"),
    Field::new("TTL"),
    Field::new("SuccessBeforePassing"),
    Field::new("FailuresBeforeWarning"),
    Field::new("FailuresBeforeCritical"),
    Field::new("ProxyHTTP"),
    Field::new("ProxyGRPC"),
    Field::alias(
        "DeregisterCriticalServiceAfter",
        &["deregister_critical_service_after"],
    ),
    Field::new("OutputMaxSize"),
    Field::new("H2PING"),
    Field::alias("H2PingUseTLS", &["h2ping_use_tls"]),
    Field::new("OSService"),
    Field::alias("ServiceID", &["service_id"]),
    Field::new("Token"),
];

const fn with<const N: usize, const M: usize>(extra: [Field; M]) -> [Field; N] {
    let mut all = [Field::new(""); N];
    let mut i = 0;
    while i < CHECK_COMMON.len() {
        all[i] = CHECK_COMMON[i];
        i += 1;
    }
    let mut j = 0;
    while j < M {
        all[i + j] = extra[j];
        j += 1;
    }
    all
}

const CHECK_TYPE_FIELDS: [Field; 38] = with([
    Field::file_alias("CheckID", &["id"]),
    Field::new("Namespace"),
    Field::new("Partition"),
]);

const CHECK_DEFINITION_FIELDS: [Field; 38] = with([
    Field::new("ID"),
    Field::new("Namespace"),
    Field::new("Partition"),
]);

/// Consul's `structs.CheckType`, as found in a service's `Check`/`Checks`.
pub const CHECK_TYPE: Fields = Fields {
    type_name: "CheckType",
    fields: &CHECK_TYPE_FIELDS,
};

/// Consul's `structs.CheckDefinition`, the body of `PUT /v1/agent/check/register`.
pub const CHECK_DEFINITION: Fields = Fields {
    type_name: "CheckDefinition",
    fields: &CHECK_DEFINITION_FIELDS,
};

/// Consul's `structs.ServiceDefinition`.
pub const SERVICE_DEFINITION: Fields = Fields {
    type_name: "ServiceDefinition",
    fields: &[
        Field::new("Kind"),
        Field::new("ID"),
        Field::new("Name"),
        Field::new("Tags"),
        Field::new("Address"),
        Field::alias("TaggedAddresses", &["tagged_addresses"]),
        Field::new("Meta"),
        Field::new("Port"),
        Field::new("SocketPath"),
        Field::new("Check"),
        Field::new("Checks"),
        Field::new("Weights"),
        Field::new("Token"),
        Field::alias("EnableTagOverride", &["enable_tag_override"]),
        Field::new("Proxy"),
        Field::new("Connect"),
        Field::new("Locality"),
        Field::new("Ports"),
        Field::new("Namespace"),
        Field::new("Partition"),
    ],
};

const SERVICE_ADDRESS: Fields = Fields {
    type_name: "ServiceAddress",
    fields: &[Field::new("Address"), Field::new("Port")],
};

const WEIGHTS: Fields = Fields {
    type_name: "Weights",
    fields: &[Field::new("Passing"), Field::new("Warning")],
};

const CHECK_UPDATE: Fields = Fields {
    type_name: "checkUpdate",
    fields: &[Field::new("Status"), Field::new("Output")],
};

impl ServiceDefinition {
    /// Decodes a registration body.
    pub fn from_json(value: &Value, style: KeyStyle) -> Result<ServiceDefinition, DecodeError> {
        let object = Object::new(value, SERVICE_DEFINITION, style)?;
        let mut checks = Vec::new();
        if let Some(check) = object.object("Check", CHECK_TYPE)? {
            let check = CheckType::from_object(&check)?;
            // An all-empty `Check: {}` is how some clients say "no check".
            if check != CheckType::default() {
                checks.push(check);
            }
        }
        for check in object.objects("Checks", CHECK_TYPE)? {
            checks.push(CheckType::from_object(&check)?);
        }
        let mut tagged_addresses = BTreeMap::new();
        if let Some(Value::Object(map)) = object.get("TaggedAddresses") {
            for (key, value) in map {
                if value.is_null() {
                    continue;
                }
                let address = Object::new(value, SERVICE_ADDRESS, style)?;
                tagged_addresses.insert(
                    key.clone(),
                    ServiceAddress {
                        address: address.string("Address")?,
                        port: address.int("Port")?,
                    },
                );
            }
        } else if let Some(other) = object.get("TaggedAddresses") {
            return Err(DecodeError(format!(
                "json: cannot unmarshal {} into Go struct field ServiceDefinition.TaggedAddresses of type map[string]structs.ServiceAddress",
                if other.is_string() { "string" } else { "value" }
            )));
        }
        let weights = match object.object("Weights", WEIGHTS)? {
            Some(weights) => Some(Weights {
                passing: weights.int("Passing")?,
                warning: weights.int("Warning")?,
            }),
            None => None,
        };
        // Fields accepted for compatibility and otherwise unused: type-checked loosely.
        for name in ["Token", "Namespace", "Partition"] {
            object.string(name)?;
        }
        Ok(ServiceDefinition {
            kind: object.string("Kind")?,
            id: object.string("ID")?,
            name: object.string("Name")?,
            tags: object.strings("Tags")?,
            address: object.string("Address")?,
            tagged_addresses,
            meta: object.string_map("Meta")?,
            port: object.int("Port")?,
            socket_path: object.string("SocketPath")?,
            weights,
            enable_tag_override: object.bool("EnableTagOverride")?,
            checks,
        })
    }

    /// Consul's checks on a registration, each failure a 400 with this message.
    pub fn validate(&self) -> Result<(), String> {
        if self.name.is_empty() {
            return Err("Missing service name".into());
        }
        if let Ok(ip) = self.address.parse::<IpAddr>()
            && ip.is_unspecified()
        {
            return Err("Invalid service address".into());
        }
        validate_meta(&self.meta).map_err(|reason| format!("Invalid Service Meta: {reason}"))?;
        if let Some(weights) = self.weights
            && (weights.passing < 1 || weights.warning < 0)
        {
            return Err(
                "Invalid Weights: Passing must be greater than 0 and Warning must not be negative"
                    .into(),
            );
        }
        for check in &self.checks {
            check
                .validate()
                .map_err(|reason| format!("Invalid check: {reason}"))?;
        }
        Ok(())
    }
}

/// Consul's limits on service metadata (`structs.ValidateServiceMetadata`).
fn validate_meta(meta: &BTreeMap<String, String>) -> Result<(), String> {
    if meta.len() > 64 {
        return Err("Node metadata cannot contain more than 64 key/value pairs".into());
    }
    for (key, value) in meta {
        if key.is_empty() {
            return Err("Key cannot be blank".into());
        }
        if key.len() > 128 {
            return Err(format!("Key is too long (limit: 128 characters): {key:?}"));
        }
        if !key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!("Key contains invalid characters: {key:?}"));
        }
        if key.starts_with("consul-") {
            return Err(format!(
                "Key prefix 'consul-' is reserved for internal use: {key:?}"
            ));
        }
        if value.len() > 512 {
            return Err(format!(
                "Value is too long (limit: 512 characters): {value:?}"
            ));
        }
    }
    Ok(())
}

impl CheckType {
    /// Decodes a `PUT /v1/agent/check/register` body.
    pub fn from_definition_json(value: &Value, style: KeyStyle) -> Result<CheckType, DecodeError> {
        let object = Object::new(value, CHECK_DEFINITION, style)?;
        let mut check = CheckType::from_object(&object)?;
        check.check_id = object.string("ID")?;
        Ok(check)
    }

    /// Reads the fields common to `CheckType` and `CheckDefinition`.
    pub fn from_object(object: &Object<'_>) -> Result<CheckType, DecodeError> {
        // Accepted for compatibility, type-checked, otherwise unused.
        for name in ["Shell", "Token", "Namespace", "Partition"] {
            object.string(name)?;
        }
        object.bool("TCPUseTLS")?;
        Ok(CheckType {
            check_id: object.string("CheckID")?,
            name: object.string("Name")?,
            status: object.string("Status")?,
            notes: object.string("Notes")?,
            tcp: object.string("TCP")?,
            http: object.string("HTTP")?,
            method: object.string("Method")?,
            header: object.string_list_map("Header")?,
            body: object.string("Body")?,
            disable_redirects: object.bool("DisableRedirects")?,
            tls_server_name: object.string("TLSServerName")?,
            tls_skip_verify: object.bool("TLSSkipVerify")?,
            grpc: object.string("GRPC")?,
            grpc_use_tls: object.bool("GRPCUseTLS")?,
            udp: object.string("UDP")?,
            h2ping: object.string("H2PING")?,
            os_service: object.string("OSService")?,
            script_args: object.strings("ScriptArgs")?,
            docker_container_id: object.string("DockerContainerID")?,
            alias_node: object.string("AliasNode")?,
            alias_service: object.string("AliasService")?,
            ttl: object.duration("TTL")?,
            interval: object.duration("Interval")?,
            timeout: object.duration("Timeout")?,
            deregister_critical_service_after: object.duration("DeregisterCriticalServiceAfter")?,
            success_before_passing: object.int("SuccessBeforePassing")?,
            failures_before_warning: object.int("FailuresBeforeWarning")?,
            failures_before_critical: object.int("FailuresBeforeCritical")?,
            output_max_size: object.int("OutputMaxSize")?,
            service_id: object.string("ServiceID")?,
        })
    }

    fn is_script(&self) -> bool {
        !self.script_args.is_empty()
    }

    fn is_alias(&self) -> bool {
        !self.alias_node.is_empty() || !self.alias_service.is_empty()
    }

    /// Whether the check runs on an interval (as opposed to TTL or alias checks).
    pub fn is_interval_check(&self) -> bool {
        self.is_script()
            || !self.http.is_empty()
            || !self.tcp.is_empty()
            || !self.udp.is_empty()
            || !self.grpc.is_empty()
            || !self.h2ping.is_empty()
            || !self.os_service.is_empty()
    }

    /// Consul's `CheckType.Validate`, plus its status check.
    pub fn validate(&self) -> Result<(), String> {
        if !self.status.is_empty() && !is_status(&self.status) {
            return Err("Status for checks must 'passing', 'warning', 'critical'".into());
        }
        if self.interval > 0 && self.ttl > 0 {
            return Err("Interval and TTL cannot both be specified".into());
        }
        if self.is_interval_check() && self.interval <= 0 {
            return Err(
                "Interval must be > 0 for Script, HTTP, H2PING, TCP, UDP or OSService checks"
                    .into(),
            );
        }
        if self.is_alias() && self.ttl > 0 {
            return Err("TTL must be not be set for Alias checks".into());
        }
        if self.is_alias() && self.interval > 0 {
            return Err("Interval must not be set for Alias checks".into());
        }
        if !self.is_interval_check() && !self.is_alias() && self.ttl <= 0 {
            return Err("TTL must be > 0 for TTL checks".into());
        }
        if self.output_max_size < 0 {
            return Err("MaxOutputMaxSize must be positive".into());
        }
        if self.failures_before_warning > self.failures_before_critical
            && self.failures_before_critical > 0
        {
            return Err(format!(
                "FailuresBeforeWarning ({}) must be less than or equal to FailuresBeforeCritical ({})",
                self.failures_before_warning, self.failures_before_critical
            ));
        }
        Ok(())
    }

    /// The `Type` Consul reports for this check.
    pub fn kind(&self) -> &'static str {
        if !self.tcp.is_empty() {
            "tcp"
        } else if !self.http.is_empty() {
            "http"
        } else if !self.grpc.is_empty() {
            "grpc"
        } else if !self.udp.is_empty() {
            "udp"
        } else if !self.h2ping.is_empty() {
            "h2ping"
        } else if !self.os_service.is_empty() {
            "os_service"
        } else if !self.docker_container_id.is_empty() {
            "docker"
        } else if self.is_script() {
            "script"
        } else if self.is_alias() {
            "alias"
        } else if self.ttl > 0 {
            "ttl"
        } else {
            ""
        }
    }
}

impl CheckUpdate {
    pub fn from_json(value: &Value) -> Result<CheckUpdate, DecodeError> {
        let object = Object::new(value, CHECK_UPDATE, KeyStyle::Api)?;
        Ok(CheckUpdate {
            status: object.string("Status")?,
            output: object.string("Output")?,
        })
    }
}

/// `passing`, `warning` or `critical`.
pub fn is_status(status: &str) -> bool {
    matches!(status, "passing" | "warning" | "critical")
}

#[cfg(test)]
mod tests {
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
        let bad_status =
            service(json!({"Name": "a", "Check": {"TTL": "1s", "Status": "ok"}})).unwrap();
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
}
