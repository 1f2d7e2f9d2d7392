//! Exercise `trust.tls`: the server's side of mutual TLS.
//!
//! A TLS server proves who it is with its certificate; with mutual TLS it asks the caller
//! for one too, and refuses the handshake unless the caller's certificate was signed by a
//! CA it trusts — here the course's only. A caller without one, or with one from anyone
//! else, never gets to send a request.

use rustls::ServerConfig;

use crate::ca::Identity;

/// The rustls configuration of a service that presents `identity`'s certificate, requires
/// the caller's, signed by `identity`'s CA, and speaks HTTP/2 (gRPC) inside.
pub fn server_config(identity: &Identity) -> anyhow::Result<ServerConfig> {
    // TODO: a server configuration that presents `identity.cert` with `identity.key`, and
    // refuses every handshake whose caller shows no certificate signed by `identity.ca`.
    // gRPC runs over HTTP/2: the handshake must say so.
    todo!("the server's TLS configuration, requiring a client certificate from the course CA")
}
