//! Attacks, from outside, on the lesson's program run as processes: each is refused with a
//! clear reason on one line, never hangs, and the gateway's calls go on meanwhile.

use std::path::Path;
use std::time::Duration;

use l16_trust::ca::{Subject, Validity, spiffe_id};
use testkit::ServerProcess;

use crate::http;
use crate::program::{self, call_args, start_gateway, start_user};
use crate::support::Certs;

/// The course's certificates, Redis, and the user service.
struct Target {
    certs: Certs,
    _redis: testkit::RedisServer,
    user: ServerProcess,
}

async fn target(more: &[&str]) -> Target {
    let certs = Certs::new(&["user", "gateway"]);
    let redis = testkit::redis().await;
    let user = start_user(certs.path(), redis.url(), more).await;
    Target {
        certs,
        _redis: redis,
        user,
    }
}

/// A folder that trusts the course's CA (its `ca.pem`) and holds `subject`'s certificate,
/// issued by `issuer`'s CA.
fn holding(course: &Certs, issuer: &Certs, subject: &Subject) -> tempfile::TempDir {
    issuer.issue(subject);
    let dir = tempfile::tempdir().expect("a scratch folder");
    for file in [
        format!("{}.pem", subject.name),
        format!("{}.key", subject.name),
    ] {
        std::fs::copy(issuer.path().join(&file), dir.path().join(&file)).expect("copied");
    }
    std::fs::copy(course.path().join("ca.pem"), dir.path().join("ca.pem")).expect("copied");
    dir
}

/// The gateway's own call goes through: a session lookup that finds none.
async fn the_gateway_still_gets_through(target: &Target) {
    let args = call_args(
        &target.user,
        target.certs.path(),
        "gateway",
        &["session", "x"],
    );
    let stderr = program::fails(&args).await;
    assert!(
        stderr.contains("no such session"),
        "the gateway's call is answered as ever: {stderr}"
    );
}

/// `call --as WHO session x` with the certificates in `certs`: fails in one line.
async fn refused_call(target: &Target, certs: &Path, who: &str) -> String {
    program::fails(&call_args(&target.user, certs, who, &["session", "x"])).await
}

#[tokio::test]
async fn a_caller_without_a_certificate() {
    let target = target(&[]).await;
    let stderr = refused_call(&target, target.certs.path(), "none").await;
    assert!(
        stderr.contains("this call showed no certificate"),
        "{stderr}"
    );
    target.user.logged("it showed no certificate").await;
    the_gateway_still_gets_through(&target).await;
}

#[tokio::test]
async fn a_certificate_from_another_ca() {
    let target = target(&[]).await;
    let other = Certs::new(&[]);
    let dir = holding(&target.certs, &other, &Subject::service("gateway"));
    refused_call(&target, dir.path(), "gateway").await;
    target
        .user
        .logged("its certificate is not signed by the course's CA")
        .await;
    the_gateway_still_gets_through(&target).await;
}

/// A folder of its own with the course's CA in it (`ca.pem`, `ca.key`): certificates it
/// issues are the course's, whatever else is wrong with them.
fn course_ca(target: &Target) -> Certs {
    let issuer = tempfile::tempdir().expect("a scratch folder");
    for file in ["ca.pem", "ca.key"] {
        std::fs::copy(target.certs.path().join(file), issuer.path().join(file)).expect("copied");
    }
    Certs { dir: issuer }
}

#[tokio::test]
async fn an_expired_certificate() {
    let target = target(&[]).await;
    let mut expired = Subject::service("gateway");
    expired.validity = Validity::EndedAgo(Duration::from_secs(24 * 3600));
    // Issued by the course's own CA, but a day out of date.
    let dir = holding(&target.certs, &course_ca(&target), &expired);
    refused_call(&target, dir.path(), "gateway").await;
    target.user.logged("its certificate has expired (on ").await;
    the_gateway_still_gets_through(&target).await;
}

#[tokio::test]
async fn a_certificate_not_valid_yet() {
    let target = target(&[]).await;
    let mut early = Subject::service("gateway");
    early.validity = Validity::StartsIn(Duration::from_secs(400 * 24 * 3600));
    let dir = holding(&target.certs, &course_ca(&target), &early);
    refused_call(&target, dir.path(), "gateway").await;
    target
        .user
        .logged("its certificate is not valid yet (from ")
        .await;
    // The day it starts, as a day (the one the test reckons, or one either side of it, if
    // midnight came in between).
    let starts = time::OffsetDateTime::now_utc() + time::Duration::days(400);
    let days: Vec<String> = [-1, 0, 1]
        .map(|off| (starts + time::Duration::days(off)).date().to_string())
        .into();
    let log = target.user.log();
    assert!(
        days.iter()
            .any(|day| log.contains(&format!("not valid yet (from {day})"))),
        "the log names the day the certificate starts, {}:\n{log}",
        days[1]
    );
    the_gateway_still_gets_through(&target).await;
}

#[tokio::test]
async fn the_ca_s_own_certificate_shown_as_a_service_s() {
    let target = target(&[]).await;
    // Whoever holds ca.key can sign anything; this caller shows the CA's certificate itself.
    let dir = tempfile::tempdir().expect("a scratch folder");
    let course = target.certs.path();
    std::fs::copy(course.join("ca.pem"), dir.path().join("ca.pem")).expect("copied");
    std::fs::copy(course.join("ca.pem"), dir.path().join("gateway.pem")).expect("copied");
    std::fs::copy(course.join("ca.key"), dir.path().join("gateway.key")).expect("copied");
    refused_call(&target, dir.path(), "gateway").await;
    target
        .user
        .logged("it showed a CA's certificate, not a service's")
        .await;
    the_gateway_still_gets_through(&target).await;
}

#[tokio::test]
async fn a_certificate_signed_by_a_service_s_key() {
    let target = target(&[]).await;
    // A service broken into (its key and certificate taken) signs itself a `gateway`, and
    // shows the chain: the new certificate, then the service's own, which is the CA's.
    let stolen = tempfile::tempdir().expect("a scratch folder");
    let course = target.certs.path();
    std::fs::copy(course.join("user.pem"), stolen.path().join("ca.pem")).expect("copied");
    std::fs::copy(course.join("user.key"), stolen.path().join("ca.key")).expect("copied");
    let stolen = Certs { dir: stolen };
    let dir = holding(&target.certs, &stolen, &Subject::service("gateway"));
    let chain = [
        std::fs::read_to_string(dir.path().join("gateway.pem")).expect("read"),
        std::fs::read_to_string(course.join("user.pem")).expect("read"),
    ];
    std::fs::write(dir.path().join("gateway.pem"), chain.concat()).expect("written");
    refused_call(&target, dir.path(), "gateway").await;
    target
        .user
        .logged("its certificate was signed by a service's certificate, not by a CA")
        .await;
    the_gateway_still_gets_through(&target).await;
}

#[tokio::test]
async fn the_right_common_name_with_the_wrong_uri() {
    let target = target(&[]).await;
    let mut impostor = Subject::service("gateway");
    impostor.uris = vec![spiffe_id("captcha")];
    let dir = holding(&target.certs, &course_ca(&target), &impostor);
    let stderr = refused_call(&target, dir.path(), "gateway").await;
    assert!(
        stderr.contains("PermissionDenied") && stderr.contains("spiffe://course/captcha"),
        "{stderr}"
    );
    target
        .user
        .logged("refused spiffe://course/captcha at 127.0.0.1:")
        .await;
    target.user.logged("only spiffe://course/gateway may").await;
    the_gateway_still_gets_through(&target).await;
}

#[tokio::test]
async fn a_plaintext_client_on_the_tls_port() {
    let target = target(&[]).await;
    let mut args = call_args(&target.user, target.certs.path(), "gateway", &[]);
    args.extend(["--plaintext".into(), "session".into(), "x".into()]);
    let stderr = program::fails(&args).await;
    assert!(stderr.contains("this call spoke plaintext"), "{stderr}");
    target.user.logged("it does not speak TLS").await;
    the_gateway_still_gets_through(&target).await;
}

#[tokio::test]
async fn a_tls_client_on_a_plaintext_port() {
    let target = target(&[]).await;
    let gateway = start_gateway(target.certs.path(), &target.user).await;
    // The gateway's HTTP port speaks plaintext: a TLS client gets no handshake from it.
    let args = [
        "call".to_string(),
        "--addr".into(),
        gateway.addr().to_string(),
        "--certs".into(),
        target.certs.path().display().to_string(),
        "session".into(),
        "x".into(),
    ];
    let stderr = program::fails(&args).await;
    assert!(
        stderr.contains("Unavailable") || stderr.contains("Unknown"),
        "{stderr}"
    );
    let base = format!("http://{}", gateway.addr());
    assert_eq!(http::session(&base, None).await.errno, "4101");
}

#[tokio::test]
async fn a_handshake_that_never_finishes_is_cut_at_its_deadline() {
    let target = target(&["--handshake-deadline", "300ms"]).await;
    // Connect, and say nothing: the server must not wait forever.
    let mut silent = tokio::net::TcpStream::connect(target.user.addr())
        .await
        .expect("connect");
    // Meanwhile, the gateway's calls are answered.
    the_gateway_still_gets_through(&target).await;
    crate::door::closed_by_the_server(
        &mut silent,
        "the server to close a connection whose handshake did not come",
    )
    .await;
    target.user.logged("no TLS handshake within 300ms").await;
}

#[tokio::test]
async fn a_stolen_cookie_after_logout_and_a_guessed_one() {
    let target = target(&[]).await;
    let gateway = start_gateway(target.certs.path(), &target.user).await;
    let base = format!("http://{}", gateway.addr());
    assert_eq!(
        http::register(&base, "grace", "a compiler of one's own")
            .await
            .errno,
        "0"
    );
    let login = http::login(&base, "grace", "a compiler of one's own").await;
    let stolen = login.session().expect("a session id");
    assert_eq!(
        http::session(&base, Some(&stolen)).await.name.as_deref(),
        Some("grace")
    );
    assert_eq!(http::logout(&base, Some(&stolen)).await.errno, "0");
    let replayed = http::session(&base, Some(&stolen)).await;
    assert_eq!(
        replayed.errno, "4101",
        "a cookie replayed after logout: {replayed:?}"
    );

    let guessed = "0123456789abcdef".repeat(4);
    for cookie in [guessed.as_str(), "*", "", "session:x"] {
        let answer = http::session(&base, Some(cookie)).await;
        assert_eq!(
            answer.errno, "4101",
            "a guessed cookie {cookie:?}: {answer:?}"
        );
    }
}
