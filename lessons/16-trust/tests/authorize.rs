//! Exercise `trust.authorize`: `l16_trust::exercises::authorize::caller`, on certificates
//! the lesson's CA issues.

mod support;

use l16_trust::ca::{Subject, spiffe_id};
use l16_trust::exercises::authorize::caller;
use l16_trust::policy::Refusal;
use rustls::pki_types::CertificateDer;
use support::Certs;

/// The certificate `certs` issues to `subject`.
fn issued(certs: &Certs, subject: Subject) -> CertificateDer<'static> {
    let name = subject.name.clone();
    certs.issue(&subject);
    certs.identity(&name).cert
}

#[test]
fn the_callers_name_is_its_spiffe_ids_path() {
    let certs = Certs::new(&["gateway"]);
    let cert = certs.identity("gateway").cert;
    let chain = [cert, certs.identity("gateway").ca];
    assert_eq!(caller(Some(&chain)), Ok("gateway".to_string()));
}

#[test]
fn no_certificate_is_refused() {
    assert_eq!(caller(None), Err(Refusal::NoCertificate));
    assert_eq!(caller(Some(&[])), Err(Refusal::NoCertificate));
}

#[test]
fn bytes_that_are_no_certificate_are_refused() {
    let junk = [CertificateDer::from(b"not a certificate".to_vec())];
    let refused = caller(Some(&junk));
    assert!(
        matches!(refused, Err(Refusal::Unreadable(_))),
        "bytes that are no certificate: {refused:?}"
    );
}

#[test]
fn the_common_name_is_not_an_identity() {
    // The right common name and DNS name, but no URI name: nobody.
    let certs = Certs::new(&[]);
    let mut subject = Subject::service("gateway");
    subject.uris = vec![];
    let cert = issued(&certs, subject);
    assert_eq!(caller(Some(&[cert])), Err(Refusal::NoSpiffeId));

    // The right common name, another URI name: that other one.
    let mut subject = Subject::service("gateway");
    subject.uris = vec![spiffe_id("captcha")];
    let cert = issued(&certs, subject);
    assert_eq!(caller(Some(&[cert])), Ok("captcha".to_string()));
}

#[test]
fn a_uri_that_is_no_spiffe_id_is_not_one() {
    let certs = Certs::new(&[]);
    let mut subject = Subject::service("gateway");
    subject.uris = vec!["https://course/gateway".into(), spiffe_id("gateway")];
    let cert = issued(&certs, subject);
    assert_eq!(caller(Some(&[cert])), Ok("gateway".to_string()));
}

#[test]
fn spiffe_ids_that_are_not_one_service_of_the_course_are_refused() {
    let certs = Certs::new(&[]);
    let cases = [
        (
            vec![spiffe_id("gateway"), spiffe_id("user")],
            Refusal::SeveralSpiffeIds(2),
        ),
        (
            vec!["spiffe://elsewhere/gateway".to_string()],
            Refusal::ForeignTrustDomain("spiffe://elsewhere/gateway".into()),
        ),
        (
            vec!["spiffe://course.evil/gateway".to_string()],
            Refusal::ForeignTrustDomain("spiffe://course.evil/gateway".into()),
        ),
        (
            vec!["spiffe://course/gateway/admin".to_string()],
            Refusal::NotAService("spiffe://course/gateway/admin".into()),
        ),
        (
            vec!["spiffe://course".to_string()],
            Refusal::NotAService("spiffe://course".into()),
        ),
    ];
    for (uris, refusal) in cases {
        let mut subject = Subject::service("gateway");
        subject.uris = uris.clone();
        let cert = issued(&certs, subject);
        assert_eq!(caller(Some(&[cert])), Err(refusal), "URI names {uris:?}");
    }
}
