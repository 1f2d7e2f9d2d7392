//! The worked example as an operator runs it: a CA, the user service over mutual TLS, the
//! gateway in front, a session from login to logout, and SIGTERM.

use std::os::unix::fs::PermissionsExt as _;

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::captchas;
use crate::http;
use crate::program::{self, BINARY, start_gateway, start_gateway_with, start_user};
use crate::support::{Certs, browser_config, server_name};

#[tokio::test]
async fn ca_and_issue_write_the_certificates_and_keys_only_their_owner_reads() {
    let dir = tempfile::tempdir().expect("a scratch folder");
    let certs = dir.path().display().to_string();
    let made = program::succeeds(&["ca".into(), "--certs".into(), certs.clone()]).await;
    assert!(made.contains("ca.pem"), "ca says where the CA is: {made}");
    let issued =
        program::succeeds(&["issue".into(), "gateway".into(), "--certs".into(), certs]).await;
    assert!(
        issued.starts_with("spiffe://course/gateway: "),
        "issue names the identity it issued: {issued}"
    );
    for key in ["ca.key", "gateway.key"] {
        let mode = std::fs::metadata(dir.path().join(key))
            .expect("the key is written")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{key} is readable by its owner only");
    }
    let stderr = testkit::tool::fails(BINARY, &["issue", "../x", "--certs", "nowhere"], &[]).await;
    assert!(stderr.contains("is not a service name"), "{stderr}");
}

#[tokio::test]
async fn a_session_from_registration_to_logout_through_the_gateway() {
    let certs = crate::support::Certs::new(&["user", "gateway"]);
    let redis = testkit::redis().await;
    let mut user = start_user(certs.path(), redis.url(), &[]).await;
    let mut gateway = start_gateway(certs.path(), &user).await;
    let base = format!("http://{}", gateway.addr());

    let nobody = http::session(&base, None).await;
    assert_eq!(nobody.errno, "4101", "no cookie, no session: {nobody:?}");

    let registered = http::register(&base, "ada", "analytical engine").await;
    assert_eq!(registered.errno, "0", "{registered:?}");
    let again = http::register(&base, "ada", "another password").await;
    assert_eq!(
        (again.status, again.errno.as_str()),
        (409, "4003"),
        "{again:?}"
    );

    let login = http::login(&base, "ada", "analytical engine").await;
    assert_eq!(login.errno, "0", "{login:?}");
    let cookie = login.set_cookie.clone().unwrap_or_default();
    for part in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age="] {
        assert!(cookie.contains(part), "the cookie has {part}: {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "no Secure over plaintext HTTP: {cookie}"
    );
    let id = login.session().expect("a session id");
    let second = http::login(&base, "ada", "analytical engine").await;
    assert_ne!(second.session(), Some(id.clone()), "a new id at each login");

    let me = http::session(&base, Some(&id)).await;
    assert_eq!((me.errno.as_str(), me.name.as_deref()), ("0", Some("ada")));

    let out = http::logout(&base, Some(&id)).await;
    assert_eq!(out.errno, "0", "{out:?}");
    assert_eq!(
        out.session().as_deref(),
        Some(""),
        "the browser is told to forget it"
    );
    let after = http::session(&base, Some(&id)).await;
    assert_eq!(
        after.errno, "4101",
        "a session logged out is none: {after:?}"
    );

    let log = user.log();
    assert!(
        !log.contains("analytical engine"),
        "a password never reaches the log:\n{log}"
    );

    gateway.signal("TERM");
    gateway.exits_cleanly_within(testkit::PATIENCE).await;
    user.signal("TERM");
    user.exits_cleanly_within(testkit::PATIENCE).await;
}

#[tokio::test]
async fn the_program_ends_quietly_when_its_output_is_cut() {
    testkit::tool::ends_quietly_when_output_is_cut(BINARY, &["--help"], &[]).await;
}

#[tokio::test]
async fn a_call_that_reaches_no_server_fails_in_one_line() {
    let certs = crate::support::Certs::new(&["gateway"]);
    let nowhere = testkit::tool::nothing_listens();
    let certs = certs.path().display().to_string();
    let args = [
        "call", "--addr", &nowhere, "--certs", &certs, "session", "x",
    ];
    let stderr = testkit::tool::fails(BINARY, &args, &[]).await;
    assert!(stderr.contains("Unavailable"), "{stderr}");
}

/// `POST path` with a JSON `body` over HTTPS to the gateway at `addr`, trusting the CA of
/// `certs`: the whole answer, headers and body, as text.
async fn https_post(certs: &Certs, addr: SocketAddr, path: &str, body: &str) -> String {
    let connector = tokio_rustls::TlsConnector::from(browser_config(&certs.identity("gateway")));
    let exchange = async {
        let tcp = tokio::net::TcpStream::connect(addr).await?;
        let mut tls = connector.connect(server_name("gateway"), tcp).await?;
        let request = format!(
            "POST {path} HTTP/1.1\r\nhost: gateway\r\ncontent-type: application/json\r\n\
             content-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        tls.write_all(request.as_bytes()).await?;
        let mut answer = String::new();
        tls.read_to_string(&mut answer).await?;
        Ok::<_, std::io::Error>(answer)
    };
    testkit::within("the gateway's HTTPS answer", exchange)
        .await
        .expect("the gateway answers over HTTPS")
}

#[tokio::test]
async fn over_https_the_session_cookie_is_secure() {
    let certs = Certs::new(&["user", "gateway"]);
    let redis = testkit::redis().await;
    let user = start_user(certs.path(), redis.url(), &[]).await;
    let mut gateway = start_gateway_with(certs.path(), &user, &["--tls"]).await;
    let body = r#"{"name":"lovelace","password":"notes on the engine"}"#;
    let registered = https_post(&certs, gateway.addr(), "/api/v1.0/users", body).await;
    assert!(registered.contains(r#""errno":"0""#), "{registered}");
    let login = https_post(&certs, gateway.addr(), "/api/v1.0/sessions", body).await;
    let cookie = login
        .lines()
        .find(|line| line.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap_or_default();
    assert!(
        cookie.contains("; Secure") && cookie.contains("HttpOnly"),
        "over HTTPS the cookie is Secure: {login}"
    );
    gateway.signal("TERM");
    gateway.exits_cleanly_within(testkit::PATIENCE).await;
}

#[tokio::test]
async fn a_registration_spends_a_captcha_with_the_captcha_service() {
    let certs = Certs::new(&["user", "gateway"]);
    let redis = testkit::redis().await;
    let captcha = captchas::service(redis.url()).await.to_string();
    let user = start_user(certs.path(), redis.url(), &[]).await;
    let gateway = start_gateway_with(certs.path(), &user, &["--captcha", &captcha]).await;
    let base = format!("http://{}", gateway.addr());
    let (first, second) = (
        captchas::new(redis.url()).await,
        captchas::new(redis.url()).await,
    );
    let register = |uuid: String, code: &str| {
        let body = serde_json::json!({
            "name": "babbage", "password": "difference engine", "uuid": uuid, "code": code,
        });
        http::send(
            reqwest::Method::POST,
            &base,
            "/api/v1.0/users",
            Some(body),
            None,
        )
    };
    let none = register(String::new(), "").await;
    assert_eq!(
        (none.status, none.errno.as_str()),
        (400, "4103"),
        "{none:?}"
    );
    let wrong = register(first.clone(), "zzzz").await;
    assert_eq!(wrong.errno, "4004", "a wrong code: {wrong:?}");
    let again = register(first, captchas::CODE).await;
    assert_eq!(
        again.errno, "4004",
        "a wrong code used the captcha up: {again:?}"
    );
    let right = register(second, &captchas::CODE.to_uppercase()).await;
    assert_eq!(right.errno, "0", "the right code, in any case: {right:?}");
    let login = http::login(&base, "babbage", "difference engine").await;
    assert_eq!(login.errno, "0", "{login:?}");
}

#[tokio::test]
async fn a_stop_while_redis_does_not_answer_takes_the_graceful_path() {
    let certs = Certs::new(&["user"]);
    // Nothing listens on port 1: the service waits for a Redis that never answers.
    let mut user = start_user(certs.path(), "redis://127.0.0.1:1", &[]).await;
    user.signal("TERM");
    user.exits_cleanly_within(testkit::PATIENCE).await;
    let log = user.log();
    assert!(log.contains("server stopped"), "{log}");
    assert!(!log.contains("cannot reach Redis"), "{log}");
}
