//! Reading what go-micro announces over mDNS: the TXT record of a node, back to a service.
//!
//! go-micro v2's `decode` (`registry/mdns_registry.go`, lines 103–128 at tag v2.9.1) joins
//! the record's strings, reads them as hex, unpacks them with zlib and parses the JSON. It
//! trusts what it reads; a registry that listens to a whole network must not: every step
//! here is bounded, and anything wrong is an error that says what, never a panic.

use std::io::Read;

use anyhow::{Context, bail};

use micro::registry::mdns::txt::{MAX_JSON_BYTES, MAX_PARTS, MdnsTxt};

/// The service announced by the strings of a TXT record, in order.
pub fn decode(parts: &[String]) -> anyhow::Result<MdnsTxt> {
    // TODO: undo go-micro's encoding, as the module's doc comment describes it, and refuse
    // as errors: more than MAX_PARTS strings, a record that unpacks to more than
    // MAX_JSON_BYTES (a few bytes of zlib can unpack to gigabytes: never hold more than the
    // limit), and a record that names no service.
    todo!("decode {} TXT strings", parts.len())
}
