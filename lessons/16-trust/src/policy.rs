//! Who may call what: the caller's identity, read from its certificate, against a table.
//!
//! Mutual TLS proves that a caller holds a certificate from the course's CA; it does not
//! say what the caller may do. That is a policy, kept here as a table of methods and the
//! services allowed to call each: only the gateway opens sessions, for instance, so a
//! captcha service broken into cannot try passwords. A refusal is logged in one line that
//! says who was refused, from where, calling what, and why.
//!
//! Reading the identity is the exercise `trust.authorize`
//! ([`crate::exercises::authorize::caller`]).

use std::fmt;

use tonic::{Request, Status};

use crate::ca::spiffe_id;

/// Why a caller has no identity the policy can judge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The connection carries no client certificate (plaintext, or TLS without one).
    NoCertificate,
    /// The certificate cannot be read.
    Unreadable(String),
    /// No URI name of the certificate is a SPIFFE id.
    NoSpiffeId,
    /// More than one is: SPIFFE allows exactly one.
    SeveralSpiffeIds(usize),
    /// The id is another trust domain's.
    ForeignTrustDomain(String),
    /// The id's path is no service name.
    NotAService(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NoCertificate => write!(f, "it showed no certificate"),
            Refusal::Unreadable(why) => write!(f, "its certificate cannot be read: {why}"),
            Refusal::NoSpiffeId => write!(f, "its certificate names no spiffe:// id"),
            Refusal::SeveralSpiffeIds(n) => {
                write!(f, "its certificate names {n} spiffe:// ids, not one")
            }
            Refusal::ForeignTrustDomain(id) => write!(f, "{id} is not of the course's domain"),
            Refusal::NotAService(id) => write!(f, "{id} names no service"),
        }
    }
}

// ANCHOR: table
/// Each method of `session.Users`, and the services that may call it.
pub const POLICY: &[(&str, &[&str])] = &[
    ("Register", &["gateway"]),
    ("Login", &["gateway"]),
    ("Session", &["gateway"]),
    ("Logout", &["gateway"]),
];
// ANCHOR_END: table

/// The services that may call `method` (none for a method the table does not name).
pub fn allowed(method: &str) -> &'static [&'static str] {
    POLICY
        .iter()
        .find(|(name, _)| *name == method)
        .map_or(&[], |(_, callers)| callers)
}

// ANCHOR: authorize
/// The name of the service calling `method` with `request`, if the policy lets it; else
/// the status to answer, logged in one line.
pub fn authorize<T>(request: &Request<T>, method: &str) -> Result<String, Status> {
    let peer = request
        .remote_addr()
        .map_or_else(|| "an unknown address".to_string(), |addr| addr.to_string());
    let certs = request.peer_certs();
    let name = match crate::exercises::authorize::caller(certs.as_deref().map(Vec::as_slice)) {
        Ok(name) => name,
        Err(refusal) => {
            tracing::warn!("refused {peer} calling {method}: {refusal}");
            return Err(Status::unauthenticated(format!("who are you? {refusal}")));
        }
    };
    let callers = allowed(method);
    if !callers.contains(&name.as_str()) {
        let may: Vec<String> = callers.iter().map(|name| spiffe_id(name)).collect();
        let may = if may.is_empty() {
            "nobody".to_string()
        } else {
            may.join(", ")
        };
        tracing::warn!(
            "refused {} at {peer} calling {method}: only {may} may",
            spiffe_id(&name)
        );
        return Err(Status::permission_denied(format!(
            "{} may not call {method}",
            spiffe_id(&name)
        )));
    }
    Ok(name)
}
// ANCHOR_END: authorize
