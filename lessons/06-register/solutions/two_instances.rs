//! Exercise `register.two-instances`: two instances of one service on one machine.
//!
//! The agent keys what it holds by the instance's ID, not its name: registering an ID it
//! already has *replaces* that entry. The seed course registered every instance under one
//! fixed ID, so starting a second copy of a service silently replaced the first. Here each
//! instance gets its own ID, and a restarted instance gets its old one back (its fresh
//! registration replaces the stale one instead of adding a ghost beside it).
//!
//! This time the check is a TCP check ("does something accept connections on the port?"),
//! built by hand with consulrs's builders rather than with `shared::consul::Instance`.

use std::net::SocketAddr;
use std::time::Duration;

use consulrs::api::check::common::AgentServiceCheckBuilder;
use consulrs::api::service::requests::RegisterServiceRequest;
use consulrs::client::ConsulClient;
use consulrs::error::ClientError;
use shared::consul::go_duration;

/// Registers the instance of `name` that listens on `addr`, with a TCP check every
/// `interval`, and returns the ID it registered under.
///
/// - Two instances of `name` on this machine (two ports) both stay registered.
/// - Registering the same instance again (a restart) replaces its entry: same ID.
/// - The address it registers is a host name (`localhost` for a loopback address), never
///   an IP literal: Consul would add `TaggedAddresses`, which consulrs 0.1.0 cannot read.
pub async fn register_instance(
    client: &ConsulClient,
    name: &str,
    addr: SocketAddr,
    interval: Duration,
) -> Result<String, ClientError> {
    let host = if addr.ip().is_loopback() || addr.ip().is_unspecified() {
        "localhost".to_string()
    } else {
        addr.ip().to_string()
    };
    // Nothing random: the same instance started again gets the same ID.
    let id = format!("{name}-{host}-{}", addr.port());

    let check = AgentServiceCheckBuilder::default()
        .name(format!("TCP on {host}:{}", addr.port()))
        .tcp(format!("{host}:{}", addr.port()))
        .interval(go_duration(interval))
        .timeout(go_duration(interval))
        .build()
        .expect("every field of the check is set");

    let mut registration = RegisterServiceRequest::builder();
    registration
        .id(id.clone())
        .address(host)
        .port(u64::from(addr.port()))
        .check(check);
    consulrs::service::register(client, name, Some(&mut registration)).await?;
    Ok(id)
}
