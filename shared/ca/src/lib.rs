//! The course's own certificate authority, and the certificates it issues: lesson 16's `ca`
//! and `issue`, and the labs of lessons 14 and 17 over mutual TLS.
//!
//! A TLS certificate is a public key with a name, signed by someone both sides trust. On the
//! web that someone is one of a hundred public authorities; between a course's services it
//! is the course itself: `l16-trust ca` makes a key and a self-signed certificate that says
//! "I sign for the course", and `l16-trust issue NAME` makes a service's key and a
//! certificate signed by it. A service that trusts only this CA accepts only callers the
//! course issued a certificate to.
//!
//! Each certificate names its service twice. Its URI name, `spiffe://course/NAME`, is who
//! it is: SPIFFE's way to name a workload (a trust domain, `course`, and a path), which the
//! servers read to decide what a caller may do. Its DNS name, `NAME`, is what a client
//! checks when it calls the service, as a browser checks a site's name: the gateway dials
//! `127.0.0.1:7016` and expects the certificate of `user`. A certificate may also name the
//! addresses its holder is reached at, for a client that knows only those: the lab's
//! Prometheus scrapes each instance by its address.
//!
//! Everything lives in one folder: `ca.pem`, `ca.key`, and `NAME.pem`, `NAME.key` per
//! service. The keys are secrets, written readable by their owner only.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, bail};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use time::OffsetDateTime;

/// The trust domain of every name the course's CA issues.
pub const TRUST_DOMAIN: &str = "course";

/// How long a service's certificate is valid unless `issue --days` says otherwise.
pub const DEFAULT_VALIDITY: Duration = Duration::from_secs(90 * 24 * 60 * 60);

/// `spiffe://course/NAME`: a service's identity, as its certificate carries it.
pub fn spiffe_id(name: &str) -> String {
    format!("spiffe://{TRUST_DOMAIN}/{name}")
}

/// A service name the CA issues for, since it is also the certificate's DNS name: DNS
/// labels (letters, digits, `-`, none beginning or ending with `-`) joined by dots, as
/// `user` and go-micro's `go.micro.srv.greeter` are.
pub fn check_name(name: &str) -> anyhow::Result<()> {
    let label = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if name.len() > 253 || !name.split('.').all(label) || name == "ca" {
        bail!(
            "{name:?} is not a service name: labels of letters, digits and '-' (at most 63 \
             each) joined by '.', not \"ca\""
        );
    }
    Ok(())
}

// ANCHOR: ca
/// Makes the course's CA: a new key, and a certificate it signs itself, allowed to sign
/// others' (`IsCa::Ca`) and nothing else. Writes `ca.pem` and `ca.key` into `dir`.
pub fn create(dir: &Path) -> anyhow::Result<PathBuf> {
    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, "From Sockets to Services course CA");
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let now = OffsetDateTime::now_utc();
    params.not_before = now - time::Duration::minutes(5);
    params.not_after = now + time::Duration::days(365);
    let key = KeyPair::generate().context("cannot make the CA's key")?;
    let cert = params.self_signed(&key).context("cannot sign the CA")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot make {}", dir.display()))?;
    write_secret(&dir.join("ca.key"), &key.serialize_pem())?;
    let path = dir.join("ca.pem");
    write(&path, &cert.pem())?;
    Ok(path)
}
// ANCHOR_END: ca

/// When a certificate is valid: from a little before now (clocks differ) for `valid`, or,
/// for tests of what happens after and before, a window that has already passed, or a day
/// that has not begun yet.
#[derive(Debug, Clone, Copy)]
pub enum Validity {
    For(Duration),
    EndedAgo(Duration),
    StartsIn(Duration),
}

/// What a certificate says about its holder.
#[derive(Debug, Clone)]
pub struct Subject {
    /// The common name, and the DNS name a client checks.
    pub name: String,
    /// The URI names: `spiffe://course/NAME` as `issue` writes them.
    pub uris: Vec<String>,
    /// The addresses it may also be called at (none unless given).
    pub addresses: Vec<IpAddr>,
    pub validity: Validity,
}

impl Subject {
    /// A service's subject as `issue NAME` writes it.
    pub fn service(name: &str) -> Subject {
        Subject {
            name: name.to_string(),
            uris: vec![spiffe_id(name)],
            addresses: Vec::new(),
            validity: Validity::For(DEFAULT_VALIDITY),
        }
    }
}

// ANCHOR: issue
/// Issues `subject` a new key and a certificate signed by the CA in `dir`, and writes them
/// as `NAME.pem` and `NAME.key` there. The certificate may serve (a server's) and may call
/// (a client's): each service is both.
pub fn issue(dir: &Path, subject: &Subject) -> anyhow::Result<PathBuf> {
    issue_into(dir, dir, subject)
}

/// [`issue`] with the CA in `ca_dir` and the new key and certificate written into `dir`:
/// a host is handed its own keys, never the CA's.
pub fn issue_into(ca_dir: &Path, dir: &Path, subject: &Subject) -> anyhow::Result<PathBuf> {
    let ca_key = read(&ca_dir.join("ca.key"))?;
    let ca_key = KeyPair::from_pem(&ca_key).context("ca.key is not a private key")?;
    let ca_cert = read(&ca_dir.join("ca.pem"))?;
    let ca = Issuer::from_ca_cert_pem(&ca_cert, ca_key).context("ca.pem is not a CA")?;

    let mut params = CertificateParams::default();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, subject.name.as_str());
    params.subject_alt_names = vec![SanType::DnsName(subject.name.as_str().try_into()?)];
    for uri in &subject.uris {
        params
            .subject_alt_names
            .push(SanType::URI(uri.as_str().try_into()?));
    }
    for address in &subject.addresses {
        params.subject_alt_names.push(SanType::IpAddress(*address));
    }
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    params.use_authority_key_identifier_extension = true;
    let now = OffsetDateTime::now_utc();
    let skew = time::Duration::minutes(5);
    (params.not_before, params.not_after) = match subject.validity {
        Validity::For(valid) => (now - skew, now + valid),
        Validity::EndedAgo(ago) => (now - ago - time::Duration::days(1), now - ago),
        Validity::StartsIn(wait) => (now + wait, now + wait + time::Duration::days(1)),
    };
    let key = KeyPair::generate().context("cannot make the key")?;
    let cert = params.signed_by(&key, &ca).context("cannot sign")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot make {}", dir.display()))?;
    write_secret(
        &dir.join(format!("{}.key", subject.name)),
        &key.serialize_pem(),
    )?;
    let path = dir.join(format!("{}.pem", subject.name));
    write(&path, &cert.pem())?;
    Ok(path)
}
// ANCHOR_END: issue

/// A file of the certificates' folder, or an error that says how it is made.
pub fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read {} (make the CA with `l16-trust ca` and a service's certificate \
             with `l16-trust issue NAME`)",
            path.display()
        )
    })
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// Writes a private key readable by its owner only: created with mode 0600, never widened.
fn write_secret(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt as _;
    let _ = std::fs::remove_file(path);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_name_is_dns_labels_joined_by_dots() {
        for name in ["user", "gateway", "go.micro.srv.greeter", "a-1.b2"] {
            assert!(check_name(name).is_ok(), "{name}");
        }
        for name in [
            "", "ca", "../x", "a..b", ".a", "a.", "-a", "a-.b", "a/b", "a_b",
        ] {
            assert!(check_name(name).is_err(), "{name:?}");
        }
        assert!(check_name(&"a".repeat(64)).is_err());
        assert!(check_name(&["a"; 127].join(".")).is_ok(), "253 characters");
        assert!(check_name(&["a"; 128].join(".")).is_err(), "255 characters");
    }
}
