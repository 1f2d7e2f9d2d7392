//! A node's metadata, endpoints and version as go-micro's Consul registry writes them: in
//! the tags.
//!
//! Consul has a field for none of them, so go-micro packs each metadata entry into a tag of
//! its own, `t-` and then the JSON of a one-entry map, zlib-compressed, in hex; each
//! endpoint into an `e-` tag, the JSON of its `registry.Endpoint` packed the same way; and
//! the service's version into one `v-` tag (`registry/consul/encoding.go` at tag v1.10.0,
//! commit 6ec32805, `encode` lines 13–24, `encodeEndpoints` lines 43–51, `encodeMetadata`
//! lines 95–106, `encodeVersion` lines 149–151; `consul.go` line 228 writes them in that
//! order, line 359 reads them back; go-plugins' Consul registry for v2 kept the format). Reading accepts the older
//! plain form too (`t=`, `v=`), as go-micro does, and skips a tag it cannot unpack.

use std::collections::BTreeMap;
use std::io::Write;

use crate::registry::Endpoint;
use crate::registry::etcd::record::EndpointRecord;

/// The most bytes a tag is unpacked into: a metadata entry is a few dozen, and zlib packs
/// a megabyte of zeros into a kilobyte, so unpacking must stop somewhere.
pub const MAX_TAG_BYTES: usize = 16 * 1024;

/// go-micro's `encode`: zlib, then hex.
fn pack(bytes: &[u8]) -> String {
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    zlib.write_all(bytes).expect("writing to memory");
    hex::encode(zlib.finish().expect("writing to memory"))
}

/// go-micro's `decode`, bounded (the mDNS registry reads its TXT record the same way):
/// `None` for what is not hex of zlib, or unpacks too big.
fn unpack(hex: &str) -> Option<Vec<u8>> {
    crate::registry::mdns::decode::unpack(hex, MAX_TAG_BYTES).ok()
}

/// The tags of a node: one `t-` tag per metadata entry (in key order), one `e-` tag per
/// endpoint, then the `v-` tag.
pub fn encode(
    metadata: &BTreeMap<String, String>,
    endpoints: &[Endpoint],
    version: &str,
) -> Vec<String> {
    let mut tags: Vec<String> = metadata
        .iter()
        .map(|(key, value)| {
            let entry = serde_json::to_vec(&BTreeMap::from([(key, value)]))
                .expect("a map of strings is always JSON");
            format!("t-{}", pack(&entry))
        })
        .collect();
    for endpoint in endpoints {
        let json = serde_json::to_vec(&EndpointRecord::of(endpoint))
            .expect("a record of strings is always JSON");
        tags.push(format!("e-{}", pack(&json)));
    }
    tags.push(format!("v-{}", pack(version.as_bytes())));
    tags
}

/// The body of a tag of `kind` (`t` or `v`), packed (`-`) or plain (`=`).
fn body(tag: &str, kind: char) -> Option<Vec<u8>> {
    let rest = tag.strip_prefix(kind)?;
    if let Some(hex) = rest.strip_prefix('-') {
        unpack(hex)
    } else {
        rest.strip_prefix('=')
            .map(|plain| plain.as_bytes().to_vec())
    }
}

/// The metadata in `tags`: every `t` tag that unpacks to a JSON map of strings.
pub fn metadata(tags: &[String]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|tag| body(tag, 't'))
        .filter_map(|json| serde_json::from_slice::<BTreeMap<String, String>>(&json).ok())
        .flatten()
        .collect()
}

/// The endpoints in `tags`: every `e` tag that unpacks to go-micro's `registry.Endpoint`.
pub fn endpoints(tags: &[String]) -> Vec<Endpoint> {
    tags.iter()
        .filter_map(|tag| body(tag, 'e'))
        .filter_map(|json| serde_json::from_slice::<EndpointRecord>(&json).ok())
        .map(|record| record.endpoint())
        .collect()
}

/// The version in `tags`, if one `v` tag holds it.
pub fn version(tags: &[String]) -> Option<String> {
    tags.iter()
        .find_map(|tag| body(tag, 'v'))
        .and_then(|bytes| String::from_utf8(bytes).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_and_version_read_back() {
        let metadata = BTreeMap::from([
            ("broker".to_string(), "http".to_string()),
            ("topic".to_string(), "greetings".to_string()),
        ]);
        let idempotent = crate::registry::idempotent_endpoints(&["Say.Hello".to_string()]);
        let tags = encode(&metadata, &idempotent, "ff.http.broadcast");
        assert_eq!(tags.len(), 4);
        assert!(tags[0].starts_with("t-") && tags[2].starts_with("e-"));
        assert!(tags[3].starts_with("v-"));
        assert_eq!(super::metadata(&tags), metadata);
        assert_eq!(endpoints(&tags), idempotent);
        assert_eq!(version(&tags).as_deref(), Some("ff.http.broadcast"));
    }

    #[test]
    fn other_tags_and_bad_ones_are_skipped() {
        let bomb = pack(&vec![b'{'; MAX_TAG_BYTES + 1]);
        let tags: Vec<String> = [
            "primary",
            "t-zz",
            "t=notjson",
            "v=1.0",
            &format!("t-{bomb}"),
        ]
        .into_iter()
        .map(str::to_string)
        .chain(encode(
            &BTreeMap::from([("a".into(), "b".into())]),
            &[],
            "2",
        ))
        .collect();
        assert_eq!(metadata(&tags), BTreeMap::from([("a".into(), "b".into())]));
        assert_eq!(
            version(&tags).as_deref(),
            Some("1.0"),
            "the first v tag wins"
        );
    }
}
