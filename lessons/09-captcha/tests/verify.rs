//! Exercise `captcha.verify`, against a real Redis:
//! `cargo test -p l09-captcha --test verify`.

mod support;

use l09_captcha::exercises::verify::{Verdict, verify_once};
use redis::AsyncCommands as _;
use redis::aio::ConnectionManager;
use testkit::within;

/// Stores `code` under a new key for a minute, as the service would; the key.
async fn stored(redis: &mut ConnectionManager, code: &str) -> String {
    let key = support::unique_name("verify");
    let () = redis.set_ex(&key, code, 60).await.unwrap();
    key
}

async fn verdict(redis: &mut ConnectionManager, key: &str, guess: &str) -> Verdict {
    let what = format!("the verdict on {guess:?}");
    within(&what, verify_once(redis, key, guess))
        .await
        .expect("Redis answers")
}

#[tokio::test]
async fn the_right_code_in_any_case_is_right_once() {
    let server = testkit::redis().await;
    let mut redis = support::redis_connection(server.url());

    let key = stored(&mut redis, "aB3d").await;
    assert_eq!(verdict(&mut redis, &key, "AB3D").await, Verdict::Right);
    assert_eq!(
        verdict(&mut redis, &key, "aB3d").await,
        Verdict::Missing,
        "a code can be used once"
    );
    let left: bool = redis.exists(&key).await.unwrap();
    assert!(!left, "{key} should be gone from Redis");

    let key = stored(&mut redis, "xy7Z").await;
    assert_eq!(
        verdict(&mut redis, &key, " xy7z\n").await,
        Verdict::Right,
        "spaces around a guess do not count"
    );
}

#[tokio::test]
async fn a_wrong_guess_uses_the_code_up() {
    let server = testkit::redis().await;
    let mut redis = support::redis_connection(server.url());

    let key = stored(&mut redis, "4f9K").await;
    assert_eq!(verdict(&mut redis, &key, "4f9X").await, Verdict::Wrong);
    assert_eq!(
        verdict(&mut redis, &key, "4f9K").await,
        Verdict::Missing,
        "after a wrong guess the code is gone: one image, one try"
    );

    for almost in ["4f9", "4f9K4f9K", "", "4 f9K"] {
        let key = stored(&mut redis, "4f9K").await;
        assert_eq!(
            verdict(&mut redis, &key, almost).await,
            Verdict::Wrong,
            "guess {almost:?} for 4f9K"
        );
    }
}

#[tokio::test]
async fn no_code_is_missing() {
    let server = testkit::redis().await;
    let mut redis = support::redis_connection(server.url());
    let key = support::unique_name("never");
    assert_eq!(verdict(&mut redis, &key, "1234").await, Verdict::Missing);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_guesses_get_one_right() {
    let server = testkit::redis().await;
    let mut redis = support::redis_connection(server.url());
    let key = stored(&mut redis, "RACE").await;

    let start = std::sync::Arc::new(tokio::sync::Barrier::new(16));
    let guesses = (0..16).map(|_| {
        let (mut redis, key, start) = (
            support::redis_connection(server.url()),
            key.clone(),
            start.clone(),
        );
        tokio::spawn(async move {
            start.wait().await;
            verify_once(&mut redis, &key, "race").await
        })
    });
    let mut rights = 0;
    for guess in guesses.collect::<Vec<_>>() {
        let verdict = within("a racing guess", guess).await.expect("no panic");
        match verdict.expect("Redis answers") {
            Verdict::Right => rights += 1,
            Verdict::Missing => {}
            Verdict::Wrong => panic!("every racing guess was the code: none is Wrong"),
        }
    }
    assert_eq!(
        rights, 1,
        "16 right guesses raced for one code: exactly one may win"
    );
}
