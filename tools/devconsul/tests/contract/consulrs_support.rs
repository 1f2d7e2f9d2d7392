//! What the consulrs contract tests share: an embedded agent on a free port and a consulrs
//! client for it.

#![allow(dead_code)] // each test file uses a different part

use consulrs::client::{ConsulClient, ConsulClientSettingsBuilder};
use consulrs::error::ClientError;
use devconsul::{Agent, Config};

/// The node name the test agents use, so that tests can ask for it.
pub const NODE: &str = "contract-node";

/// An embedded agent on `127.0.0.1:0`, and a consulrs client pointed at it.
pub async fn agent() -> (Agent, ConsulClient) {
    agent_with(Config::default()).await
}

/// Like [`agent`], with `config`'s settings other than the address and node name.
pub async fn agent_with(config: Config) -> (Agent, ConsulClient) {
    let config = Config {
        http_addr: ([127, 0, 0, 1], 0).into(),
        node_name: NODE.to_string(),
        ..config
    };
    let agent = Agent::start(config)
        .await
        .expect("the embedded agent starts");
    let client = client_for(&agent.url());
    (agent, client)
}

pub fn client_for(url: &str) -> ConsulClient {
    let settings = ConsulClientSettingsBuilder::default()
        .address(url)
        .build()
        .unwrap();
    ConsulClient::new(settings).unwrap()
}

/// The HTTP status of an `APIError`, or a panic describing the unexpected result.
pub fn status_of<T: std::fmt::Debug>(result: Result<T, ClientError>) -> u16 {
    match result {
        Err(ClientError::APIError { code, .. }) => code,
        other => panic!("expected an error status from the agent, got {other:?}"),
    }
}

/// The `X-Consul-Index` of a read, which every catalog, health and KV answer must carry.
pub fn index_of<T>(response: &consulrs::api::ApiResponse<T>) -> u64 {
    let index = response
        .index
        .as_deref()
        .expect("an X-Consul-Index header")
        .parse()
        .expect("X-Consul-Index is a number");
    assert!(index > 0, "X-Consul-Index is never 0");
    index
}
