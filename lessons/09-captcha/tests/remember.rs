//! Exercise `captcha.remember`, against a real Redis:
//! `cargo test -p l09-captcha --test remember`.

mod support;

use std::time::Duration;

use l09_captcha::exercises::remember::{Remembered, remember};
use redis::AsyncCommands as _;
use testkit::within;

#[tokio::test]
async fn stores_the_code_with_its_expiry_to_the_millisecond() {
    let server = testkit::redis().await;
    let mut redis = support::redis_connection(server.url());
    let key = support::unique_name("remember");

    let ttl = Duration::from_millis(1500);
    let outcome = within("remember", remember(&mut redis, &key, "aB3d", ttl)).await;
    assert_eq!(outcome.expect("Redis answers"), Remembered::Stored);

    let code: Option<String> = redis.get(&key).await.unwrap();
    assert_eq!(code.as_deref(), Some("aB3d"), "the code at {key}");
    let left: i64 = redis.pttl(&key).await.unwrap();
    assert!(
        1000 < left && left <= 1500,
        "a ttl of 1500 ms should leave between 1000 and 1500 ms (PTTL), Redis says {left} \
         (-1: no expiry; at most 1000: the expiry was rounded to whole seconds)"
    );
}

#[tokio::test]
async fn a_live_code_is_never_overwritten_and_says_how_long_it_has_left() {
    let server = testkit::redis().await;
    let mut redis = support::redis_connection(server.url());
    let key = support::unique_name("live");

    let first = within(
        "remember",
        remember(&mut redis, &key, "1111", Duration::from_secs(60)),
    )
    .await;
    assert_eq!(first.expect("Redis answers"), Remembered::Stored);

    let ttl = Duration::from_secs(300);
    let second = within("remember again", remember(&mut redis, &key, "2222", ttl)).await;
    match second.expect("Redis answers") {
        Remembered::Live { expires_in } => assert!(
            Duration::from_secs(55) < expires_in && expires_in <= Duration::from_secs(60),
            "the live code was stored for 60 s a moment ago, yet expires in {expires_in:?}"
        ),
        Remembered::Stored => panic!("a live code must not be replaced"),
    }
    let code: Option<String> = redis.get(&key).await.unwrap();
    assert_eq!(
        code.as_deref(),
        Some("1111"),
        "the live code must stay as it was"
    );
    let left: i64 = redis.pttl(&key).await.unwrap();
    assert!(
        0 < left && left <= 60_000,
        "the live code's expiry must stay as it was (60 s), PTTL is {left}"
    );
}

#[tokio::test]
async fn each_key_is_its_own() {
    let server = testkit::redis().await;
    let mut redis = support::redis_connection(server.url());
    let (one, two) = (support::unique_name("one"), support::unique_name("two"));
    let ttl = Duration::from_secs(30);

    for (key, code) in [(&one, "AAAA"), (&two, "BBBB")] {
        let outcome = within("remember", remember(&mut redis, key, code, ttl)).await;
        assert_eq!(outcome.expect("Redis answers"), Remembered::Stored, "{key}");
    }
    let codes: Vec<Option<String>> = redis.mget(&[&one, &two]).await.unwrap();
    assert_eq!(codes, [Some("AAAA".into()), Some("BBBB".into())]);
}

#[tokio::test]
async fn racing_callers_store_one_code() {
    let server = testkit::redis().await;
    let redis = support::redis_connection(server.url());
    let key = support::unique_name("race");

    let callers = (0..16).map(|n| {
        let (mut redis, key) = (redis.clone(), key.clone());
        tokio::spawn(async move {
            let code = format!("{n:04}");
            remember(&mut redis, &key, &code, Duration::from_secs(30)).await
        })
    });
    let mut stored = 0;
    for caller in callers {
        let outcome = within("a racing remember", caller).await.expect("no panic");
        if outcome.expect("Redis answers") == Remembered::Stored {
            stored += 1;
        }
    }
    assert_eq!(
        stored, 1,
        "16 callers raced for one key: exactly one may store"
    );
}
