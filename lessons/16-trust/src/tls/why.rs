//! A refused handshake in words, for the log: what the caller did wrong, as far as the
//! server can tell. rustls and webpki say it in Rust's names (`CaUsedAsEndEntity`); an
//! operator reading the log at night should not need to know them.

use rustls::CertificateError;
use rustls::pki_types::UnixTime;

/// A failed handshake in words: what the caller did wrong, as far as the server can tell.
pub fn why(error: &std::io::Error) -> String {
    let rustls = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>());
    match rustls {
        Some(rustls::Error::NoCertificatesPresented) => "it showed no certificate".into(),
        Some(rustls::Error::InvalidCertificate(problem)) => certificate(problem),
        Some(rustls::Error::InvalidMessage(_)) => {
            "it does not speak TLS (a plaintext client on a TLS port?)".into()
        }
        Some(rustls::Error::AlertReceived(alert)) => {
            format!("it gave up the handshake ({alert:?}): it does not trust this server")
        }
        Some(other) => format!("TLS: {other}"),
        None if error.kind() == std::io::ErrorKind::UnexpectedEof => {
            "it closed the connection during the handshake".into()
        }
        None => error.to_string(),
    }
}

/// What is wrong with the certificate a caller showed.
fn certificate(problem: &CertificateError) -> String {
    match problem {
        CertificateError::UnknownIssuer | CertificateError::BadSignature => {
            "its certificate is not signed by the course's CA".into()
        }
        CertificateError::Expired => "its certificate has expired".into(),
        CertificateError::ExpiredContext { not_after, .. } => {
            format!("its certificate has expired (on {})", day(*not_after))
        }
        CertificateError::NotValidYet => "its certificate is not valid yet".into(),
        CertificateError::NotValidYetContext { not_before, .. } => {
            format!(
                "its certificate is not valid yet (from {})",
                day(*not_before)
            )
        }
        CertificateError::BadEncoding => "its certificate cannot be read".into(),
        CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
            "its certificate is not one for a client (its extended key usage)".into()
        }
        // What webpki finds on the way from the certificate to the CA, which rustls hands
        // on as it came.
        CertificateError::Other(other) => match other.0.downcast_ref::<webpki::Error>() {
            Some(webpki::Error::CaUsedAsEndEntity) => {
                "it showed a CA's certificate, not a service's".into()
            }
            Some(webpki::Error::EndEntityUsedAsCa) => {
                "its certificate was signed by a service's certificate, not by a CA".into()
            }
            _ => format!("its certificate is not valid: {other}"),
        },
        other => format!("its certificate is not valid: {other}"),
    }
}

/// A moment as its day, `2040-01-01` (UTC).
fn day(time: UnixTime) -> String {
    let seconds = i64::try_from(time.as_secs()).unwrap_or(i64::MAX);
    match time::OffsetDateTime::from_unix_timestamp(seconds) {
        Ok(time) => time.date().to_string(),
        Err(_) => format!("{seconds} s after 1970"),
    }
}
