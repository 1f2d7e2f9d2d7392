//! Exercise `trust.authorize`: who is calling, read from their certificate.
//!
//! Once the handshake is done, the caller's certificate is known good: the course's CA
//! signed it. Which service it names is in its URI name, `spiffe://course/NAME`, and nowhere
//! else: a common name is free text, and an authorization that reads it lets a certificate
//! made for one purpose pass for another.

use rustls::pki_types::CertificateDer;
use x509_parser::extensions::GeneralName;

use crate::ca::{TRUST_DOMAIN, check_name};
use crate::policy::Refusal;

/// The name of the service that `certs` (the caller's chain, its own certificate first, as
/// the handshake gave it) belongs to: the one SPIFFE id among its URI names, in the
/// course's trust domain, whose path is one service name.
pub fn caller(certs: Option<&[CertificateDer<'_>]>) -> Result<String, Refusal> {
    let leaf = certs
        .and_then(|certs| certs.first())
        .ok_or(Refusal::NoCertificate)?;
    let (_, cert) = x509_parser::parse_x509_certificate(leaf)
        .map_err(|error| Refusal::Unreadable(error.to_string()))?;
    let names = cert
        .subject_alternative_name()
        .map_err(|error| Refusal::Unreadable(error.to_string()))?;
    let spiffe: Vec<&str> = names
        .iter()
        .flat_map(|names| names.value.general_names.iter())
        .filter_map(|name| match name {
            GeneralName::URI(uri) if uri.starts_with("spiffe://") => Some(*uri),
            _ => None,
        })
        .collect();
    let id = match spiffe[..] {
        [] => return Err(Refusal::NoSpiffeId),
        [id] => id,
        _ => return Err(Refusal::SeveralSpiffeIds(spiffe.len())),
    };
    let rest = &id["spiffe://".len()..];
    let (domain, path) = rest.split_once('/').unwrap_or((rest, ""));
    if domain != TRUST_DOMAIN {
        return Err(Refusal::ForeignTrustDomain(id.to_string()));
    }
    if check_name(path).is_err() {
        return Err(Refusal::NotAService(id.to_string()));
    }
    Ok(path.to_string())
}
