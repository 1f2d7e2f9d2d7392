//! Everything that can go wrong between a lesson and its Consul agent, said so that the
//! learner knows what to do next.

use std::time::Duration;

/// An error from this crate's calls to a Consul agent.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `CONSUL_HTTP_ADDR` (or an address given in code) is not a URL an HTTP client can use.
    #[error("{address:?} is not a Consul address: {reason} (expected e.g. http://127.0.0.1:8500)")]
    BadAddress { address: String, reason: String },

    /// consulrs could not build its client.
    #[error("cannot build the Consul client: {0}")]
    Client(String),

    /// Nothing listens at the address: the agent is not running. (The course's one
    /// wording for it, as `shared::unreachable` and the runner say it; the cause follows
    /// in the error's chain.)
    #[error(
        "no Consul agent answers at {address}: start one with `cargo run -p workbook -- \
         services up` (or `cargo run -p workbook -- up` for all of lessons 09–10), or point \
         CONSUL_HTTP_ADDR at yours"
    )]
    AgentDown {
        address: String,
        #[source]
        source: reqwest::Error,
    },

    /// The agent accepted the connection but did not answer in time.
    #[error("the Consul agent at {address} did not answer within {after:?}")]
    Timeout { address: String, after: Duration },

    /// The request failed on the way (connection reset, malformed response, ...).
    #[error("the request to the Consul agent at {address} failed: {source}")]
    Http {
        address: String,
        #[source]
        source: reqwest::Error,
    },

    /// The agent answered with an error status; Consul's error bodies are plain text.
    #[error("the Consul agent answered {status} to {what}: {body}")]
    Status {
        what: String,
        status: u16,
        body: String,
    },

    /// The answer was not the JSON Consul sends.
    #[error("the Consul agent's answer to {what} is not what Consul sends: {source}")]
    Decode {
        what: String,
        #[source]
        source: serde_json::Error,
    },

    /// A blocking-query answer came without its `X-Consul-Index` header.
    #[error("the Consul agent's answer to {what} has no valid X-Consul-Index header")]
    MissingIndex { what: String },
}
