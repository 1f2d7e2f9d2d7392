//! The tables of fields each definition accepts: every field of Consul's Go struct of the
//! same name, so that nothing Consul accepts is refused here.

use super::*;

pub(super) const CHECK_COMMON: [Field; 35] = [
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

pub(super) const fn with<const N: usize, const M: usize>(extra: [Field; M]) -> [Field; N] {
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

pub(super) const CHECK_TYPE_FIELDS: [Field; 38] = with([
    Field::file_alias("CheckID", &["id"]),
    Field::new("Namespace"),
    Field::new("Partition"),
]);

pub(super) const CHECK_DEFINITION_FIELDS: [Field; 38] = with([
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

pub(super) const SERVICE_ADDRESS: Fields = Fields {
    type_name: "ServiceAddress",
    fields: &[Field::new("Address"), Field::new("Port")],
};

pub(super) const WEIGHTS: Fields = Fields {
    type_name: "Weights",
    fields: &[Field::new("Passing"), Field::new("Warning")],
};

pub(super) const CHECK_UPDATE: Fields = Fields {
    type_name: "checkUpdate",
    fields: &[Field::new("Status"), Field::new("Output")],
};
