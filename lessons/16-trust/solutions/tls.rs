//! Exercise `trust.tls`: the server's side of mutual TLS.
//!
//! A TLS server proves who it is with its certificate; with mutual TLS it asks the caller
//! for one too, and refuses the handshake unless the caller's certificate was signed by a
//! CA it trusts — here the course's only. A caller without one, or with one from anyone
//! else, never gets to send a request.

use std::sync::Arc;

use anyhow::Context as _;
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};

use crate::ca::Identity;

/// The rustls configuration of a service that presents `identity`'s certificate, requires
/// the caller's, signed by `identity`'s CA, and speaks HTTP/2 (gRPC) inside.
pub fn server_config(identity: &Identity) -> anyhow::Result<ServerConfig> {
    // One crypto provider, named: the workspace's ring, whatever else a build links.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots
        .add(identity.ca.clone())
        .context("the CA's certificate cannot be a root")?;
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .context("cannot check callers against the CA")?;
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![identity.cert.clone()], identity.key.clone_key())
        .context("the certificate and the key do not go together")?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}
