//! go-micro's registry record: what etcd holds under a node's key.
//!
//! go-micro v2 stores under each node's key the JSON of a whole `registry.Service` that
//! holds just that one node (`registry/etcd/etcd.go`, `registerNode`, lines 229–235 and 259
//! at tag v2.9.1), encoded with Go's `encoding/json` (`encode`, line 112). The version
//! belongs to the service, not to the node. These types are `registry.Service`, `Node`,
//! `Endpoint` and `Value` (`registry/registry.go`, lines 31–56) field for field, in the same
//! order, so that serde writes the bytes Go writes: a nil map is `null`, map keys are sorted
//! (a `BTreeMap`), no spaces. (Go also escapes `<`, `>` and `&` inside strings as `\u003c`…;
//! serde does not. Both read either.)
//!
//! Reading follows Go's `json.Unmarshal` as go-micro uses it (`decode`, line 117): unknown
//! fields are ignored, and `null` or a missing field leaves the zero value.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

/// The largest value read back as a record. A service with many endpoints is a few tens of
/// kilobytes; anything far bigger under the registry's prefix is not go-micro's, and is
/// skipped without being parsed.
pub const MAX_RECORD_BYTES: usize = 256 * 1024;

// ANCHOR: record
/// go-micro's `registry.Service`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ServiceRecord {
    #[serde(default, deserialize_with = "null_is_empty")]
    pub name: String,
    #[serde(default, deserialize_with = "null_is_empty")]
    pub version: String,
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
    #[serde(default, deserialize_with = "null_is_empty")]
    pub endpoints: Vec<EndpointRecord>,
    #[serde(default, deserialize_with = "null_is_empty")]
    pub nodes: Vec<NodeRecord>,
}

/// go-micro's `registry.Node`: `address` is `host:port`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NodeRecord {
    #[serde(default, deserialize_with = "null_is_empty")]
    pub id: String,
    #[serde(default, deserialize_with = "null_is_empty")]
    pub address: String,
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
}
// ANCHOR_END: record

/// go-micro's `registry.Endpoint`: a handler method and the shape of its messages.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EndpointRecord {
    #[serde(default, deserialize_with = "null_is_empty")]
    pub name: String,
    #[serde(default)]
    pub request: Option<ValueRecord>,
    #[serde(default)]
    pub response: Option<ValueRecord>,
    #[serde(default)]
    pub metadata: Option<BTreeMap<String, String>>,
}

impl EndpointRecord {
    /// go-micro's record of `endpoint`: its name and metadata, no message shapes (`null`).
    pub fn of(endpoint: &crate::registry::Endpoint) -> EndpointRecord {
        EndpointRecord {
            name: endpoint.name.clone(),
            request: None,
            response: None,
            metadata: Some(endpoint.metadata.clone()),
        }
    }

    /// The endpoint this record describes: its name and metadata (`null` read as none).
    pub fn endpoint(&self) -> crate::registry::Endpoint {
        crate::registry::Endpoint {
            name: self.name.clone(),
            metadata: self.metadata.clone().unwrap_or_default(),
        }
    }
}

/// go-micro's `registry.Value`: a message or a field, and its fields. It nests; serde_json
/// refuses input nested deeper than 128 levels, so a hostile value cannot exhaust the stack.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ValueRecord {
    #[serde(default, deserialize_with = "null_is_empty")]
    pub name: String,
    #[serde(rename = "type", default, deserialize_with = "null_is_empty")]
    pub kind: String,
    #[serde(default)]
    pub values: Option<Vec<ValueRecord>>,
}

/// Go reads `null` into a string or a slice as its zero value: "" or empty.
pub(crate) fn null_is_empty<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
