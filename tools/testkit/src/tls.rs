//! A certificate authority of a test's own, issuing certificates as lesson 16's
//! `l16-trust issue NAME` does, for tests that speak mutual TLS (the framework's, and the
//! load generator's) without building lesson 16.
//!
//! Each certificate names its owner twice, as the course's do: a DNS name (`user`), which a
//! caller checks against the service it called, and a URI name (`spiffe://course/user`),
//! which a service authorizes by; it may serve and may call.

use std::path::Path;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    SanType,
};

/// A CA made for one test.
pub struct Ca {
    /// Its certificate, which the other side trusts.
    pub pem: String,
    issuer: Issuer<'static, KeyPair>,
}

/// A certificate the CA issued, and its key, as PEM text.
pub struct Issued {
    pub cert_pem: String,
    pub key_pem: String,
}

impl Ca {
    /// A new CA, with a key of its own.
    pub fn new() -> Ca {
        let mut params = CertificateParams::default();
        params
            .distinguished_name
            .push(DnType::CommonName, "a test CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        let key = KeyPair::generate().expect("a new key");
        let pem = params.self_signed(&key).expect("a CA certificate").pem();
        Ca {
            pem,
            issuer: Issuer::new(params, key),
        }
    }

    /// `name`'s certificate and key: its DNS name and `spiffe://course/NAME`, for serving
    /// and for calling.
    pub fn issue(&self, name: &str) -> Issued {
        let mut params = CertificateParams::default();
        params.distinguished_name.push(DnType::CommonName, name);
        params.subject_alt_names = vec![
            SanType::DnsName(name.try_into().expect("a DNS name")),
            SanType::URI(format!("spiffe://course/{name}").try_into().expect("a URI")),
        ];
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
        let key = KeyPair::generate().expect("a new key");
        let cert = params
            .signed_by(&key, &self.issuer)
            .expect("a certificate signed by the CA");
        Issued {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }

    /// Writes the folder lesson 16's `ca` and `issue` write: `ca.pem`, and `NAME.pem` with
    /// `NAME.key` for each of `names`.
    pub fn write(&self, dir: &Path, names: &[&str]) -> std::io::Result<()> {
        std::fs::write(dir.join("ca.pem"), &self.pem)?;
        for name in names {
            let issued = self.issue(name);
            std::fs::write(dir.join(format!("{name}.pem")), issued.cert_pem)?;
            std::fs::write(dir.join(format!("{name}.key")), issued.key_pem)?;
        }
        Ok(())
    }
}

impl Default for Ca {
    fn default() -> Ca {
        Ca::new()
    }
}
