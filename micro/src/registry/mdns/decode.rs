//! Reading what go-micro announces over mDNS: the TXT record of a node, back to a service.
//!
//! go-micro v2's `decode` (`registry/mdns_registry.go`, lines 103–128 at tag v2.9.1) joins
//! the record's strings, reads them as hex, unpacks them with zlib and parses the JSON. It
//! trusts what it reads; a registry that listens to a whole network must not: every step
//! here is bounded, and anything wrong is an error that says what, never a panic.

use std::io::Read;

use anyhow::{Context, bail};

use crate::registry::mdns::txt::{MAX_JSON_BYTES, MAX_PARTS, MdnsTxt};

/// The service announced by the strings of a TXT record, in order.
pub fn decode(parts: &[String]) -> anyhow::Result<MdnsTxt> {
    if parts.len() > MAX_PARTS {
        bail!("{} TXT strings, more than go-micro writes", parts.len());
    }
    let json = unpack(&parts.concat(), MAX_JSON_BYTES).context("the TXT record")?;
    let txt: MdnsTxt = serde_json::from_slice(&json).context("the TXT record is not a service")?;
    if txt.service.is_empty() {
        bail!("the TXT record names no service");
    }
    Ok(txt)
}

/// go-micro's `decode` of one packed value, bounded: hex, then zlib, into at most `limit`
/// bytes, since a few bytes of zlib can unpack to gigabytes. go-micro packs its Consul tags
/// the same way (`registry::consul::tags`), and they are read with this too.
pub(crate) fn unpack(hex: &str, limit: usize) -> anyhow::Result<Vec<u8>> {
    let packed = hex::decode(hex).context("not hex")?;
    // Unpack one byte more than allowed: if it comes, there is too much.
    let mut bytes = Vec::new();
    flate2::read::ZlibDecoder::new(packed.as_slice())
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .context("not zlib")?;
    if bytes.len() > limit {
        bail!("it unpacks to more than {limit} bytes");
    }
    Ok(bytes)
}
