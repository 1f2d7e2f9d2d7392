//! The one way this crate talks to the agent's HTTP API itself, for what consulrs 0.1.0
//! cannot ask or cannot read: a request with a deadline, its failure said plainly (nothing
//! listens, no answer in time, an error status with Consul's plain-text reason), and the
//! answer's `X-Consul-Index`, which blocking queries need.

use std::time::Duration;

use reqwest::{Method, Url};
use serde::de::DeserializeOwned;

use crate::health::AgentAddress;
use crate::{Error, normalise_address};

/// How long a non-blocking request may take before it is called failed.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// What the agent answered with a success status.
pub(crate) struct Answer {
    pub body: Vec<u8>,
    pub index: Option<u64>,
    /// `GET /v1/health/service/web`, for errors.
    pub what: String,
}

/// One answer of a blocking query: the value read, and the index to block on next.
#[derive(Debug, Clone)]
pub struct Watched<T> {
    pub value: T,
    /// Pass this to the next call. `0` means "ask again without waiting": the agent's index
    /// went backwards (it restarted), so the last answer is no reference point any more.
    pub index: u64,
}

/// `http://agent/v1/` followed by `segments`, each percent-encoded.
pub(crate) fn url(agent: &(impl AgentAddress + ?Sized), segments: &[&str]) -> Result<Url, Error> {
    let base = normalise_address(agent.base_url())?;
    let mut url = Url::parse(&base).map_err(|error| Error::BadAddress {
        address: base.clone(),
        reason: error.to_string(),
    })?;
    url.path_segments_mut()
        .expect("an http(s) URL has a path")
        .pop_if_empty()
        .push("v1")
        .extend(segments);
    Ok(url)
}

/// Sends `method url` (with a JSON `body`) and waits at most `timeout` for the answer.
pub(crate) async fn send(
    agent: &(impl AgentAddress + ?Sized),
    method: Method,
    url: Url,
    body: Option<String>,
    timeout: Duration,
) -> Result<Answer, Error> {
    let address = normalise_address(agent.base_url())?;
    let what = format!("{method} {}", url.path());
    let http = agent.http_client().cloned().unwrap_or_default();
    let mut request = http.request(method, url).timeout(timeout);
    if let Some(token) = agent.token() {
        request = request.header("X-Consul-Token", token);
    }
    if let Some(body) = body {
        request = request.body(body);
    }
    let response = request.send().await.map_err(|source| {
        if source.is_connect() {
            Error::AgentDown {
                address: address.clone(),
                source,
            }
        } else if source.is_timeout() {
            Error::Timeout {
                address: address.clone(),
                after: timeout,
            }
        } else {
            Error::Http {
                address: address.clone(),
                source,
            }
        }
    })?;
    let status = response.status();
    let index = response
        .headers()
        .get("X-Consul-Index")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    let body = response
        .bytes()
        .await
        .map_err(|source| Error::Http { address, source })?
        .to_vec();
    if !status.is_success() {
        return Err(Error::Status {
            what,
            status: status.as_u16(),
            body: String::from_utf8_lossy(&body).trim().to_string(),
        });
    }
    Ok(Answer { body, index, what })
}

/// Adds `?index=&wait=` to `url` and returns the deadline such a request needs.
pub(crate) fn blocking(url: &mut Url, index: u64, wait: Duration) -> Duration {
    url.query_pairs_mut()
        .append_pair("index", &index.to_string())
        .append_pair("wait", &format!("{}ms", wait.as_millis()));
    // The agent adds up to wait/16 to a blocking query; allow for it and a slow network.
    REQUEST_TIMEOUT + wait + wait / 16
}

impl Answer {
    pub(crate) fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(|source| Error::Decode {
            what: self.what.clone(),
            source,
        })
    }

    /// The index to block on next after a query that blocked on `previous`.
    pub(crate) fn next_index(&self, previous: Option<u64>) -> Result<u64, Error> {
        let reported = self.index.ok_or_else(|| Error::MissingIndex {
            what: self.what.clone(),
        })?;
        Ok(next_index(previous, reported))
    }
}

/// A blocking query of any read endpoint, `GET /v1/{path}&index=&wait=` (`path` as
/// `health/checks/web` or `health/service/web?passing`), read as `T`: what tests wait on.
pub async fn watch<T: DeserializeOwned>(
    agent: &(impl AgentAddress + ?Sized),
    path: &str,
    index: u64,
    wait: Duration,
) -> Result<Watched<T>, Error> {
    let mut url = path_url(agent, path)?;
    let timeout = blocking(&mut url, index, wait);
    let answer = send(agent, Method::GET, url, None, timeout).await?;
    Ok(Watched {
        value: answer.json()?,
        index: answer.next_index(Some(index))?,
    })
}

/// `PUT /v1/{path}`, with `body` as JSON if given: a write consulrs cannot express (a
/// registration with a port no `u16` holds, `agent/reload`).
pub async fn put(
    agent: &(impl AgentAddress + ?Sized),
    path: &str,
    body: Option<&serde_json::Value>,
) -> Result<(), Error> {
    let url = path_url(agent, path)?;
    let body = body.map(|body| body.to_string());
    send(agent, Method::PUT, url, body, REQUEST_TIMEOUT).await?;
    Ok(())
}

/// The URL of `path` as the agent's API writes it, `health/service/web?passing`.
fn path_url(agent: &(impl AgentAddress + ?Sized), path: &str) -> Result<Url, Error> {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    let segments: Vec<&str> = path.split('/').collect();
    let mut url = url(agent, &segments)?;
    if !query.is_empty() {
        url.set_query(Some(query));
    }
    Ok(url)
}

/// Consul's rules for the index to block on next: if it went backwards, start over from 0;
/// never block on 0 by accident (an agent should not send it, but treat it as 1).
fn next_index(previous: Option<u64>, reported: u64) -> u64 {
    match previous {
        Some(previous) if reported < previous => 0,
        _ => reported.max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_resets_when_it_goes_backwards() {
        assert_eq!(next_index(None, 7), 7);
        assert_eq!(next_index(Some(5), 7), 7);
        assert_eq!(next_index(Some(7), 7), 7);
        assert_eq!(next_index(Some(9), 7), 0);
        assert_eq!(next_index(None, 0), 1);
    }

    #[test]
    fn segments_are_encoded_after_v1() {
        let url = url("127.0.0.1:8500", &["health", "service", "a b"]).unwrap();
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:8500/v1/health/service/a%20b"
        );
        let url = path_url("http://a:8500/", "health/service/web?passing").unwrap();
        assert_eq!(url.as_str(), "http://a:8500/v1/health/service/web?passing");
    }
}
