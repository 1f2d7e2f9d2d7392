//! What an mDNS announcement of go-micro carries: the service, in JSON, in its TXT record.
//!
//! go-micro v2 (`registry/mdns_registry.go` at tag v2.9.1, commit 94bd1025) announces each
//! node as an mDNS service instance whose TXT record holds an `mdnsTxt` (lines 28–33): the
//! service's name, its version, its endpoints and the node's metadata. `encode` (lines
//! 66–101) writes it with Go's `encoding/json`, compresses it with zlib at Go's default
//! level, writes the bytes in hex, and cuts the hex into strings of at most 255 characters,
//! because one string of a TXT record is at most 255 bytes long. `decode` (lines 103–128)
//! joins the strings, and undoes each step. [`decode`](super::decode) reads them back.

use std::collections::BTreeMap;
use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::registry::Node;
use crate::registry::etcd::record::{EndpointRecord, null_is_empty};

/// The longest string of a TXT record (its length is one byte).
pub const MAX_PART: usize = 255;

/// The largest JSON a TXT record is unpacked into. A service with many endpoints is a few
/// kilobytes; zlib packs a megabyte of zeros into a kilobyte, so the unpacking must stop
/// somewhere, and anything bigger is not go-micro's.
pub const MAX_JSON_BYTES: usize = 64 * 1024;

/// The most TXT strings read for one node: 64 KiB of JSON never compresses to more.
pub const MAX_PARTS: usize = 2 * MAX_JSON_BYTES / MAX_PART + 1;

// ANCHOR: txt
/// go-micro's `mdnsTxt`. Its Go fields carry no `json` tags, so the JSON keys are the
/// field names as they are, capitalised; the endpoints inside use `registry.Endpoint`'s
/// tags (lowercase). A nil slice or map is `null`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MdnsTxt {
    #[serde(rename = "Service", default, deserialize_with = "null_is_empty")]
    pub service: String,
    #[serde(rename = "Version", default, deserialize_with = "null_is_empty")]
    pub version: String,
    #[serde(rename = "Endpoints", default, deserialize_with = "null_is_empty")]
    pub endpoints: Vec<EndpointRecord>,
    #[serde(rename = "Metadata", default)]
    pub metadata: Option<BTreeMap<String, String>>,
}
// ANCHOR_END: txt

// ANCHOR: encode
/// The strings of the TXT record that announce `txt`, as go-micro's `encode` writes them:
/// JSON, zlib, hex, cut every 255 characters.
pub fn encode(txt: &MdnsTxt) -> Vec<String> {
    let json = serde_json::to_vec(txt).expect("a record of strings is always JSON");
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    zlib.write_all(&json).expect("writing to memory");
    let packed = zlib.finish().expect("writing to memory");
    let hex = hex::encode(packed); // ASCII: cutting it anywhere is cutting between characters
    hex.as_bytes()
        .chunks(MAX_PART)
        .map(|part| String::from_utf8_lossy(part).into_owned())
        .collect()
}
// ANCHOR_END: encode

/// What a node of `service` announces: the service's name, the node's version, endpoints
/// and metadata (`null` when it has none, as Go writes a nil map).
pub fn of(service: &str, node: &Node) -> MdnsTxt {
    MdnsTxt {
        service: service.to_string(),
        version: node.version.clone(),
        endpoints: node.endpoints.iter().map(EndpointRecord::of).collect(),
        metadata: Some(node.metadata.clone()).filter(|metadata| !metadata.is_empty()),
    }
}

/// What this lesson's services announce: a gRPC server's node of `service` at `version`,
/// whose metadata says it speaks gRPC (as a go-micro gRPC server's node does).
pub fn of_node(service: &str, version: &str) -> MdnsTxt {
    let node = Node {
        version: version.to_string(),
        metadata: crate::registry::grpc_metadata(),
        ..Node::default()
    };
    of(service, &node)
}
