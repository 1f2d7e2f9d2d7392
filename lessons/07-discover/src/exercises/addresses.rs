//! From the agent's answer to the addresses a client can call.

use consul_ext::ServiceEntry;

/// The distinct `host:port` addresses of `entries`, sorted, each once.
///
/// - An instance registered without an address is reached at its node's address.
/// - An IPv6 literal gets brackets: `[::1]:7007`.
/// - An instance with port 0 registered no port: it cannot be called, so it is left out.
/// - Two entries at one address (an instance re-registered under a new ID before the old
///   entry was removed) are one server: listed once, or it would get twice its share.
/// - Sorted, so the same set always gives the same list, and an index into it (the
///   picker's) keeps meaning the same instance between two refreshes.
pub fn addresses(entries: &[ServiceEntry]) -> Vec<String> {
    // TODO: the addresses to call, by the rules above.
    todo!("turn the passing instances into the addresses to call")
}
