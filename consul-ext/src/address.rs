//! Where the Consul agent is.
//!
//! Consul's tools read the agent's address from `CONSUL_HTTP_ADDR` and accept it with or
//! without a scheme (`127.0.0.1:8500` or `http://127.0.0.1:8500`). consulrs 0.1.0 reads the
//! same variable but needs the scheme. Here the address is normalised once, so a lesson can
//! be pointed at any agent the way Consul's own tools are.

use consulrs::client::{ConsulClient, ConsulClientSettingsBuilder};
use reqwest::Url;

use crate::Error;

/// Where a Consul agent listens when nothing says otherwise (`consul agent -dev`, and the
/// workbook's development agent).
pub const DEFAULT_ADDRESS: &str = "http://127.0.0.1:8500";

/// The agent's base URL: `CONSUL_HTTP_ADDR` normalised by [`normalise_address`], or
/// [`DEFAULT_ADDRESS`] when the variable is unset or empty.
pub fn consul_address() -> Result<String, Error> {
    match std::env::var("CONSUL_HTTP_ADDR") {
        Ok(raw) if !raw.trim().is_empty() => normalise_address(&raw),
        _ => Ok(DEFAULT_ADDRESS.to_string()),
    }
}

// ANCHOR: normalise
/// Turns an agent address as Consul's tools accept it into the base URL HTTP clients need:
/// `127.0.0.1:8500` becomes `http://127.0.0.1:8500`; a URL with `http` or `https` is kept;
/// a trailing `/` is dropped.
///
/// ```
/// assert_eq!(consul_ext::normalise_address("127.0.0.1:8500").unwrap(), "http://127.0.0.1:8500");
/// assert!(consul_ext::normalise_address("unix:///var/run/consul.sock").is_err());
/// ```
pub fn normalise_address(raw: &str) -> Result<String, Error> {
    let bad = |reason: &str| Error::BadAddress {
        address: raw.to_string(),
        reason: reason.to_string(),
    };
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(bad("it is empty"));
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_string()
    } else {
        format!("http://{trimmed}")
    };
    let url = Url::parse(&with_scheme).map_err(|error| bad(&error.to_string()))?;
    match url.scheme() {
        "http" | "https" => {}
        "unix" => {
            return Err(bad(
                "unix sockets are not supported here; use http://HOST:PORT",
            ));
        }
        other => {
            return Err(bad(&format!(
                "the scheme must be http or https, not {other}"
            )));
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it names no host"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(bad("it must be only a scheme, a host and a port"));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}
// ANCHOR_END: normalise

// ANCHOR: client
/// A consulrs client for the agent named by `CONSUL_HTTP_ADDR` (default
/// `http://127.0.0.1:8500`). The token and TLS settings come from the other `CONSUL_*`
/// variables, as consulrs reads them.
pub fn client() -> Result<ConsulClient, Error> {
    client_for(&consul_address()?)
}

/// A consulrs client for the agent at `address` (any form [`normalise_address`] accepts).
pub fn client_for(address: &str) -> Result<ConsulClient, Error> {
    let settings = ConsulClientSettingsBuilder::default()
        .address(normalise_address(address)?)
        .build()
        .map_err(|error| Error::Client(error.to_string()))?;
    ConsulClient::new(settings).map_err(|error| Error::Client(error.to_string()))
}
// ANCHOR_END: client
