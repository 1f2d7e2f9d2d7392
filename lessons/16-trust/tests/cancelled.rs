//! A login cut short, from outside: an attempt is counted as a wrong password before its
//! check, and a client that hangs up before the check is done must not leave it counted,
//! or the owner's own logins, cut short, would leave the name needing a captcha.

use std::time::Duration;

use redis::AsyncCommands as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::sync::mpsc;

use crate::http;
use crate::program::{start_gateway, start_user};
use crate::support::{self, Certs};

/// How often the test looks at the name's count while it waits for it to come back to
/// nothing.
const LOOK_EVERY: Duration = Duration::from_millis(20);

#[tokio::test]
async fn right_passwords_cut_short_leave_no_count_behind() {
    let certs = Certs::new(&["user", "gateway"]);
    let redis = testkit::redis().await;
    let user = start_user(certs.path(), redis.url(), &[]).await;
    let gateway = start_gateway(certs.path(), &user).await;
    let base = format!("http://{}", gateway.addr());
    let password = "the owner's own";
    let registered = http::register(&base, "owner", password).await;
    assert_eq!(registered.status, 200, "{registered:?}");

    // Five logins with the right password at once, each on a connection of its own.
    let body = serde_json::json!({"name": "owner", "password": password}).to_string();
    let request = format!(
        "POST /api/v1.0/sessions HTTP/1.1\r\nhost: gateway\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let (answered, mut answers) = mpsc::unbounded_channel();
    let mut logins = Vec::new();
    for _ in 0..5 {
        let (request, answered) = (request.clone(), answered.clone());
        let addr = gateway.addr();
        logins.push(tokio::spawn(async move {
            let mut stream = tokio::net::TcpStream::connect(addr)
                .await
                .expect("connected");
            stream.write_all(request.as_bytes()).await.expect("sent");
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer).await;
            let _ = answered.send(answer);
        }));
    }
    drop(answered);
    // Three are counted and checked, one name at a time; two more find the name needing a
    // captcha (403) while those three are counted. Once two have said so, the other three
    // are all counted: the clients hang up on those still waiting for their check.
    let (mut answered, mut needs_captcha) = (Vec::new(), 0);
    // deadline: each answer's (`testkit::within`), five at most
    while needs_captcha < 2 && answered.len() < 5 {
        let answer = testkit::within("the gateway's answers to the logins", answers.recv())
            .await
            .expect("an answer, or its connection ended");
        needs_captcha += usize::from(answer.starts_with("HTTP/1.1 403 "));
        answered.push(answer);
    }
    for login in &logins {
        login.abort();
    }

    // Each attempt cut short takes its count back: the name's count comes back to nothing.
    let mut counts = support::redis(redis.url()).await;
    let back = async {
        loop {
            let count: Option<u64> = counts
                .get("login-failures:name:owner")
                .await
                .expect("Redis answers");
            if count.unwrap_or(0) == 0 {
                return;
            }
            tokio::time::sleep(LOOK_EVERY).await;
        }
    };
    testkit::within(
        "the name's count of wrong passwords to come back to 0",
        back,
    )
    .await;

    // The right password is let in at once, without a captcha.
    let login = http::login(&base, "owner", password).await;
    assert_eq!(
        login.status, 200,
        "{login:?}; the answers before: {answered:#?}"
    );
}
