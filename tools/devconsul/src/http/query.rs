//! Query strings as Go's `net/url` reads them, and the parameters every read shares.
//!
//! Consul treats many flags as present-or-absent (`?recurse=false` still recurses), lets
//! some repeat (`?tag=a&tag=b`), and parses `?passing` with Go's `strconv.ParseBool`.

use super::HttpError;
use crate::duration;
use std::time::Duration;

/// The longest a blocking query may wait, and the wait when none is given.
const MAX_WAIT: Duration = Duration::from_secs(600);
const DEFAULT_WAIT: Duration = Duration::from_secs(300);

/// The decoded `key=value` pairs of a query string, in order.
#[derive(Debug, Default, Clone)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Reads a query string as Go's `url.ParseQuery` does: empty pairs are skipped, a pair
    /// splits at its first `=`, `+` is a space, and malformed escapes are kept as written.
    pub fn parse(raw: &str) -> Query {
        let pairs = form_urlencoded::parse(raw.as_bytes())
            .into_owned()
            .collect();
        Query { pairs }
    }

    /// Whether the key is present, whatever its value (Consul's presence flags).
    pub fn has(&self, key: &str) -> bool {
        self.pairs.iter().any(|(k, _)| k == key)
    }

    /// The first value of a key.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated key.
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// `?index=` and `?wait=` of a blocking query: the index to wait past (0: don't
    /// wait) and for how long.
    pub fn blocking(&self) -> Result<(u64, Duration), HttpError> {
        let index = match self.get("index") {
            None | Some("") => 0,
            Some(text) => text
                .parse::<u64>()
                .map_err(|_| HttpError::bad_request("Invalid index"))?,
        };
        let wait = match self.get("wait") {
            None | Some("") => DEFAULT_WAIT,
            Some(text) => match duration::parse(text) {
                Ok(nanos) if nanos >= 0 => Duration::from_nanos(nanos as u64).min(MAX_WAIT),
                _ => return Err(HttpError::bad_request("Invalid wait time")),
            },
        };
        Ok((index, if wait.is_zero() { DEFAULT_WAIT } else { wait }))
    }

    /// The checks shared by catalog, health and KV reads: datacenter and consistency.
    pub fn check_read(&self, datacenter: &str) -> Result<(), HttpError> {
        if let Some(dc) = self.get("dc")
            && !dc.is_empty()
            && dc != datacenter
        {
            return Err(HttpError::internal("No path to datacenter"));
        }
        if self.has("stale") && self.has("consistent") {
            return Err(HttpError::bad_request(
                "Cannot specify ?stale with ?consistent, conflicting semantics.",
            ));
        }
        Ok(())
    }
}

/// Go's `strconv.ParseBool`.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// Decodes the `%XX` escapes of a path, as Go's `net/url` reads them (a `+` stays a `+`).
/// Malformed escapes are kept as written; invalid UTF-8 becomes U+FFFD.
pub fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_like_net_url() {
        assert_eq!(percent_decode("a%2Fb"), "a/b");
        assert_eq!(percent_decode("a+b"), "a+b");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%41"), "A");
        // In a query `+` is a space, a pair splits at its first `=`, empty pairs are skipped.
        let query = Query::parse("tag=a&tag=b&&recurse=false&passing&note=a+b%21%zz&k=x=y");
        assert_eq!(query.all("tag"), ["a", "b"]);
        assert!(query.has("recurse") && query.has("passing"));
        assert_eq!(query.get("note"), Some("a b!%zz"));
        assert_eq!(query.get("k"), Some("x=y"));
    }
}
