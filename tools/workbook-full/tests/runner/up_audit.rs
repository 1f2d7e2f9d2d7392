//! `up` with lesson 12: the captcha instances publish every check on NATS, an audit counts
//! them, and `status` shows its counts. A check made through the gateway's page must show up
//! there: the whole system, from the browser's request to the event and its subscriber.
//! Without `nats-server` the system still comes up, with lesson 09's captcha instances, and
//! without `prometheus` it comes up unwatched.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use crate::system::{System, text, workbook, workbook_with};

/// Why this test cannot run here, if it cannot: `up` needs `redis-server` to start at all,
/// and `nats-server` to run the audit.
fn missing_programs() -> Option<&'static str> {
    if programs::find_on_path("redis-server").is_none() {
        return Some("redis-server is not installed, so `up` cannot start Redis");
    }
    if programs::find_nats_server().is_none() {
        return Some("nats-server is not installed, so `up` runs no audit");
    }
    None
}

/// `POST path` with a JSON `body` to the gateway on `port`; the whole answer.
fn post(port: u16, path: &str, body: &str) -> String {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connects");
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let answer = testkit::read_to_end_within(&mut stream, Duration::from_secs(30))
        .unwrap_or_else(|error| panic!("no answer to POST {path}: {error}"));
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn up_runs_an_audit_whose_counts_status_shows_after_a_check_through_the_gateway() {
    if let Some(why) = missing_programs() {
        println!("skipped: {why}");
        return;
    }
    let (system, base_port, said) = System::up(&[]);
    let (root, base) = (system.root.clone(), system.base.clone());
    let nats = format!("nats://127.0.0.1:{}", base_port + 6);
    for line in [
        "✓ nats".to_string(),
        format!("✓ audit     subscribed to captcha.verified on {nats}"),
        "The audit: 0 checked: 0 right, 0 wrong".to_string(),
    ] {
        assert!(said.contains(&line), "`up` did not say {line:?}:\n{said}");
    }

    // A captcha that was never drawn, answered through the page's API: a wrong answer.
    let uuid = "d2b25954-3764-4edc-b729-c0524fbf5fe7";
    let path = format!("/api/v1.0/imagecode/{uuid}/verify");
    // `up` returned once the gateway served an image: it has found a captcha instance, so
    // the first check is answered, never a 503.
    let answer = post(base_port + 4, &path, r#"{"text": "abcd"}"#);
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.contains("4004"),
        "the gateway did not answer the check as wrong:\n{answer}"
    );

    // The event travels on its own, after the answer: `status` shows it once it arrived.
    let counted = format!("{nats}  1 checked: 0 right, 1 wrong");
    let deadline = Instant::now() + Duration::from_secs(30);
    let seen = loop {
        let status = workbook(
            &root,
            &["status", "--base-port", &base],
            Duration::from_secs(30),
        );
        let seen = text(&status);
        if seen.contains(&counted) {
            assert!(
                status.status.success(),
                "`status` found a part down:\n{seen}"
            );
            break seen;
        }
        assert!(
            Instant::now() < deadline,
            "`status` never showed the audit's count of the check:\n{seen}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(
        seen.lines()
            .any(|line| line.starts_with("✓ audit") && line.contains(&counted)),
        "{seen}"
    );

    let down = workbook(
        &root,
        &["down", "--base-port", &base],
        Duration::from_secs(60),
    );
    let said = text(&down);
    assert!(down.status.success(), "`down` failed:\n{said}");
    for part in ["audit", "nats"] {
        assert!(
            said.contains(&format!("✓ {part:<9} stopped")),
            "`down` did not stop {part}:\n{said}"
        );
    }
    let addr = SocketAddr::from(([127, 0, 0, 1], base_port + 6));
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_millis(300)).is_err(),
        "NATS still answers on {addr} after `down`:\n{said}"
    );
}

#[test]
fn without_nats_server_or_prometheus_up_runs_lesson_09s_captchas_and_says_why_no_audit_runs() {
    if programs::find_on_path("redis-server").is_none() {
        println!("skipped: redis-server is not installed, so `up` cannot start Redis");
        return;
    }
    // A NATS_SERVER and a PROMETHEUS that name no file: no nats-server and no Prometheus
    // here, as far as the runner can tell.
    let no_nats = [
        ("NATS_SERVER", "/nonexistent/nats-server"),
        ("PROMETHEUS", "/nonexistent/prometheus"),
    ];
    let (system, base_port, said) = System::up(&no_nats);
    let (root, base) = (system.root.clone(), system.base.clone());
    let why = "! audit     not started: the audit needs NATS (lesson 12), and nats-server is not installed";
    assert!(
        said.contains(why),
        "`up` did not say why no audit runs:\n{said}"
    );
    assert!(
        said.contains("building l09-captcha") && !said.contains("✓ audit"),
        "without NATS, `up` did not run lesson 09's captcha service alone:\n{said}"
    );
    let unwatched = "! prometheus not installed: `up` started the system without it";
    assert!(
        said.contains(unwatched)
            && said.contains("install it with: ")
            && !said.contains("Prometheus: "),
        "`up` did not say that it runs without Prometheus, and how to install it:\n{said}"
    );

    let status = workbook_with(
        &root,
        &["status", "--base-port", &base],
        &no_nats,
        Duration::from_secs(30),
    );
    let seen = text(&status);
    assert!(
        status.status.success(),
        "`status` found a part down:\n{seen}"
    );
    assert!(
        seen.contains(&format!(
            "passing in Consul as captcha-localhost-{}",
            base_port + 2
        )) && seen.contains(why)
            && seen.contains(unwatched),
        "`status` does not show lesson 09's captcha instances, why no audit runs and why no \
         Prometheus:\n{seen}"
    );

    let down = workbook(
        &root,
        &["down", "--base-port", &base],
        Duration::from_secs(60),
    );
    let said = text(&down);
    assert!(
        down.status.success() && !said.contains("audit") && !said.contains("prometheus"),
        "{said}"
    );
    assert!(
        !said.contains("nats"),
        "`down` spoke of a NATS that never was:\n{said}"
    );
}
