//! Exercise `captcha.verify`, against a real Redis:
//! `cargo test -p l09-captcha --test verify`.

mod support;

use l09_captcha::exercises::verify::{Verdict, verify_with_tries, wrong_guesses_key};
use redis::AsyncCommands as _;
use redis::aio::ConnectionManager;
use testkit::within;

/// The tries a code allows in these tests.
const TRIES: u32 = 3;

/// Stores `code` under a new key for a minute, as the service would; the key.
async fn stored(redis: &mut ConnectionManager, code: &str) -> String {
    let key = support::unique_name("verify");
    let () = redis.set_ex(&key, code, 60).await.unwrap();
    key
}

async fn verdict(redis: &mut ConnectionManager, key: &str, guess: &str) -> Verdict {
    let what = format!("the verdict on {guess:?}");
    within(&what, verify_with_tries(redis, key, guess, TRIES))
        .await
        .expect("Redis answers")
}

/// Neither the code nor its count is left in Redis.
async fn assert_gone(redis: &mut ConnectionManager, key: &str, after: &str) {
    for left in [key.to_string(), wrong_guesses_key(key)] {
        let there: bool = redis.exists(&left).await.unwrap();
        assert!(!there, "after {after}, {left} should be gone from Redis");
    }
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
    assert_gone(&mut redis, &key, "a right guess").await;

    let key = stored(&mut redis, "xy7Z").await;
    assert_eq!(
        verdict(&mut redis, &key, " xy7z\n").await,
        Verdict::Right,
        "spaces around a guess do not count"
    );
}

#[tokio::test]
async fn wrong_guesses_count_down_and_the_last_uses_the_code_up() {
    let server = testkit::redis().await;
    let mut redis = support::redis_connection(server.url());

    let key = stored(&mut redis, "4f9K").await;
    assert_eq!(
        verdict(&mut redis, &key, "4f9X").await,
        Verdict::Wrong { tries_left: 2 }
    );
    let counted: i64 = redis.pttl(wrong_guesses_key(&key)).await.unwrap();
    assert!(
        counted > 0 && counted <= 60_000,
        "the count of wrong guesses should expire with the code (PTTL {counted})"
    );
    assert_eq!(
        verdict(&mut redis, &key, "4f9Y").await,
        Verdict::Wrong { tries_left: 1 }
    );
    assert_eq!(
        verdict(&mut redis, &key, "4F9k").await,
        Verdict::Right,
        "the third try may still be right"
    );
    assert_gone(&mut redis, &key, "a right guess after two wrong ones").await;

    let key = stored(&mut redis, "4f9K").await;
    for left in [2, 1, 0] {
        assert_eq!(
            verdict(&mut redis, &key, "nope").await,
            Verdict::Wrong { tries_left: left }
        );
    }
    assert_eq!(
        verdict(&mut redis, &key, "4f9K").await,
        Verdict::Missing,
        "after {TRIES} wrong guesses the code is gone"
    );
    assert_gone(&mut redis, &key, "the last wrong guess").await;

    for almost in ["4f9", "4f9K4f9K", "", "4 f9K"] {
        let key = stored(&mut redis, "4f9K").await;
        assert_eq!(
            verdict(&mut redis, &key, almost).await,
            Verdict::Wrong { tries_left: 2 },
            "guess {almost:?} for 4f9K"
        );
    }
}

#[tokio::test]
async fn no_code_is_missing_and_leaves_nothing() {
    let server = testkit::redis().await;
    let mut redis = support::redis_connection(server.url());
    let key = support::unique_name("never");
    assert_eq!(verdict(&mut redis, &key, "1234").await, Verdict::Missing);
    assert_gone(&mut redis, &key, "a guess at no code").await;
}

/// 16 guesses at one code, from 16 connections at once; their verdicts.
async fn race(url: &str, key: &str, guess: &'static str) -> Vec<Verdict> {
    let start = std::sync::Arc::new(tokio::sync::Barrier::new(16));
    let guesses: Vec<_> = (0..16)
        .map(|_| {
            let (mut redis, key, start) = (
                support::redis_connection(url),
                key.to_string(),
                start.clone(),
            );
            tokio::spawn(async move {
                start.wait().await;
                verify_with_tries(&mut redis, &key, guess, TRIES).await
            })
        })
        .collect();
    let mut verdicts = Vec::new();
    for guess in guesses {
        let verdict = within("a racing guess", guess).await.expect("no panic");
        verdicts.push(verdict.expect("Redis answers"));
    }
    verdicts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_right_guesses_get_one_right() {
    let server = testkit::redis().await;
    let mut redis = support::redis_connection(server.url());
    let key = stored(&mut redis, "RACE").await;

    let verdicts = race(server.url(), &key, "race").await;
    let rights = verdicts.iter().filter(|v| **v == Verdict::Right).count();
    let missing = verdicts.iter().filter(|v| **v == Verdict::Missing).count();
    assert_eq!(
        (rights, missing),
        (1, 15),
        "16 right guesses raced for one code: one Right, the rest Missing; got {verdicts:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_wrong_guesses_get_only_the_tries_there_are() {
    let server = testkit::redis().await;
    let mut redis = support::redis_connection(server.url());
    let key = stored(&mut redis, "RACE").await;

    let verdicts = race(server.url(), &key, "nope").await;
    let mut wrong: Vec<u32> = verdicts
        .iter()
        .filter_map(|verdict| match verdict {
            Verdict::Wrong { tries_left } => Some(*tries_left),
            _ => None,
        })
        .collect();
    wrong.sort_unstable();
    assert_eq!(
        wrong,
        [0, 1, 2],
        "16 wrong guesses raced for a code of {TRIES} tries: each try judged once, the rest \
         Missing; got {verdicts:?}"
    );
    assert_gone(&mut redis, &key, "the tries ran out").await;
}
