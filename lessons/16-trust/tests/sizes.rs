//! What is too long, from outside: a body longer than the gateway reads is answered `413`,
//! and a password longer than any registration takes is refused before any hashing, and
//! not counted as a wrong one.

use redis::AsyncCommands as _;

use crate::http;
use crate::program::{start_gateway, start_user};
use crate::support::{self, Certs};

#[tokio::test]
async fn a_body_too_large_is_413_and_a_password_too_long_is_refused_unchecked() {
    let certs = Certs::new(&["user", "gateway"]);
    let redis = testkit::redis().await;
    let user = start_user(certs.path(), redis.url(), &[]).await;
    let gateway = start_gateway(certs.path(), &user).await;
    let base = format!("http://{}", gateway.addr());

    // Three megabytes of password: more than the gateway reads of a body (2 MB).
    let huge = "x".repeat(3 * 1024 * 1024);
    let answer = http::login(&base, "owner", &huge).await;
    assert_eq!(answer.status, 413, "{answer:?}");

    // Two kilobytes: read, and refused by the user service before any hashing.
    let long = "x".repeat(2048);
    let answer = http::login(&base, "owner", &long).await;
    assert_eq!(answer.status, 400, "{answer:?}");
    let count: Option<u64> = support::redis(redis.url())
        .await
        .get("login-failures:name:owner")
        .await
        .expect("Redis answers");
    assert_eq!(count, None, "a password refused unchecked is not counted");
}
