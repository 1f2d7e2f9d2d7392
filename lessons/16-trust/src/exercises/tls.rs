//! Exercise `trust.tls`: what makes the user service's TLS mutual.
//!
//! A TLS server proves who it is with its certificate; with mutual TLS it asks the caller
//! for one too, and refuses the handshake unless the caller's certificate was signed by a
//! CA it trusts — here the course's only. A caller without one, or with one from anyone
//! else, never gets to send a request.
//!
//! The rest of the configuration is the gateway's, built by [`crate::tls::server_config`]:
//! the certificate the service shows, the protocol versions, HTTP/2 for gRPC. What differs
//! is who judges the callers: [`client_verifier`].

use std::sync::Arc;

use rustls::ServerConfig;
use rustls::server::danger::ClientCertVerifier;

use crate::ca::Identity;

/// The rustls configuration of the user service: it shows `identity`'s certificate, judges
/// each caller with [`client_verifier`], and speaks HTTP/2 (gRPC) inside.
pub fn server_config(identity: &Identity) -> anyhow::Result<ServerConfig> {
    crate::tls::server_config(identity, client_verifier(identity)?, &[b"h2"])
}

/// The judge of the user service's callers. It lets a handshake through only if the caller
/// shows a certificate, valid today, signed by `identity.ca` (the course's CA, and no other
/// authority), checked with the algorithms of [`crate::tls::provider`]; a caller that shows
/// none is refused. An error if `identity.ca` cannot serve as a root of trust.
pub fn client_verifier(identity: &Identity) -> anyhow::Result<Arc<dyn ClientCertVerifier>> {
    // TODO: the judge: a certificate signed by `identity.ca` and no other authority, still
    // valid, required of every caller; an error if the CA cannot be a root.
    todo!("the judge of callers: a certificate from the course's CA, required")
}
