//! Exercise `trust.authorize`: who is calling, read from their certificate.
//!
//! Once the handshake is done, the caller's certificate is known good: the course's CA
//! signed it. Which service it names is in its URI name, `spiffe://course/NAME`, and nowhere
//! else: a common name is free text, and an authorization that reads it lets a certificate
//! made for one purpose pass for another.

use rustls::pki_types::CertificateDer;

use crate::ca::{TRUST_DOMAIN, check_name};
use crate::policy::Refusal;

/// The name of the service that `certs` (the caller's chain, its own certificate first, as
/// the handshake gave it) belongs to: the one SPIFFE id among its URI names, in the
/// course's trust domain, whose path is one service name.
pub fn caller(certs: Option<&[CertificateDer<'_>]>) -> Result<String, Refusal> {
    // TODO: read the caller's own certificate, find the SPIFFE ids among its subject
    // alternative names, and answer the service name of the one there must be — or the
    // `Refusal` that says what is wrong.
    todo!("read the caller's SPIFFE id from its certificate")
}
