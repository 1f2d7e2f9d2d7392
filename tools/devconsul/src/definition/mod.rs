//! What a client may send: service definitions, check definitions and check updates.
//!
//! Each `Fields` table below lists every field of the Consul Go struct of the same name, so
//! that nothing Consul accepts is refused here. Fields the development agent has no use
//! for (`Proxy`, `Connect`, `Token`, ...) are accepted and dropped.

use crate::decode::{DecodeError, Field, Fields, KeyStyle, Object};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::IpAddr;

mod check;
mod fields;
mod service;

pub use fields::{CHECK_DEFINITION, CHECK_TYPE, SERVICE_DEFINITION};
use fields::{CHECK_UPDATE, SERVICE_ADDRESS, WEIGHTS};

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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceAddress {
    pub address: String,
    pub port: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
///
/// Consul's JSON is read by [`crate::decode`], never by serde: the serde form is only how one
/// agent of a cluster hands its checks to the server (`crate::cluster::sync`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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

/// `passing`, `warning` or `critical`.
pub fn is_status(status: &str) -> bool {
    matches!(status, "passing" | "warning" | "critical")
}

#[cfg(test)]
mod tests;
