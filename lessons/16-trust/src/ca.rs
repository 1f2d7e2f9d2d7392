//! The course's own certificate authority, and what a service reads of it.
//!
//! `l16-trust ca` makes the CA and `l16-trust issue NAME` a service's key and certificate:
//! that code is the course's, in `course_ca` (`shared/ca`), since the labs of lessons 14 and
//! 17 issue their certificates with it too. Each certificate names its service twice: its DNS
//! name, `NAME`, is what a client checks when it calls the service; its URI name,
//! `spiffe://course/NAME`, is who it is, which the servers read to decide what a caller may
//! do ([`crate::policy`]).
//!
//! Everything lives in one folder (`--certs`, `certs/` by default): `ca.pem`, `ca.key`, and
//! `NAME.pem`, `NAME.key` per service. [`Identity`] is what a service of this lesson reads
//! from it.

use std::path::Path;

use anyhow::Context as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject as _};

pub use course_ca::{
    DEFAULT_VALIDITY, Subject, TRUST_DOMAIN, Validity, check_name, create, issue, read, spiffe_id,
};

/// A service's key and certificate, and the CA it trusts, read from the folder.
pub struct Identity {
    pub ca: CertificateDer<'static>,
    pub cert: CertificateDer<'static>,
    pub key: PrivateKeyDer<'static>,
    /// The same, as PEM text, which tonic's client takes.
    pub ca_pem: String,
    pub cert_pem: String,
    pub key_pem: String,
}

impl Identity {
    /// Reads `ca.pem`, `NAME.pem` and `NAME.key` from `dir`.
    pub fn load(dir: &Path, name: &str) -> anyhow::Result<Identity> {
        let ca_pem = read(&dir.join("ca.pem"))?;
        let cert_pem = read(&dir.join(format!("{name}.pem")))?;
        let key_pem = read(&dir.join(format!("{name}.key")))?;
        let ca = CertificateDer::from_pem_slice(ca_pem.as_bytes())
            .context("ca.pem holds no certificate")?;
        let cert = CertificateDer::from_pem_slice(cert_pem.as_bytes())
            .with_context(|| format!("{name}.pem holds no certificate"))?;
        let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes())
            .with_context(|| format!("{name}.key holds no private key"))?;
        Ok(Identity {
            ca,
            cert,
            key,
            ca_pem,
            cert_pem,
            key_pem,
        })
    }
}
