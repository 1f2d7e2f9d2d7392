//! Exercise `trust.session`: `l16_trust::exercises::session::{create, lookup}`, against a
//! real Redis.

mod support;

use std::time::Duration;

use l16_trust::exercises::session::{create, lookup};
use l16_trust::sessions::{ID_BYTES, key};
use redis::AsyncCommands as _;
use testkit::within;

#[tokio::test]
async fn a_session_is_a_new_random_id_kept_with_its_ttl() {
    let server = testkit::redis().await;
    let mut redis = support::redis(server.url()).await;
    let ttl = Duration::from_millis(90_500);

    let first = within("create", create(&mut redis, "ada", ttl)).await;
    let first = first.expect("a session is created");
    let second = within("create again", create(&mut redis, "ada", ttl)).await;
    let second = second.expect("a second session is created");
    assert_ne!(first, second, "each login has a new id");
    for id in [&first, &second] {
        assert_eq!(
            id.len(),
            ID_BYTES * 2,
            "an id is ID_BYTES random bytes in hex: {id:?}"
        );
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
            "an id is lowercase hex: {id:?}"
        );
        let kept: Option<String> = redis.get(key(id)).await.expect("Redis answers");
        assert_eq!(kept.as_deref(), Some("ada"), "the name kept at {}", key(id));
        let left: i64 = redis.pttl(key(id)).await.expect("Redis answers");
        assert!(
            89_000 < left && left <= 90_500,
            "a ttl of 90500 ms leaves between 89000 and 90500 ms (PTTL), Redis says {left} \
             (-1: no expiry; a multiple of 1000: rounded to seconds)"
        );
    }
    let ids: std::collections::HashSet<String> = [first, second].into();
    assert_eq!(ids.len(), 2, "two logins, two sessions");
}

#[tokio::test]
async fn lookup_finds_the_name_until_the_session_ends() {
    let server = testkit::redis().await;
    let mut redis = support::redis(server.url()).await;
    let id = within(
        "create",
        create(&mut redis, "grace", Duration::from_secs(60)),
    )
    .await;
    let id = id.expect("a session is created");
    let found = within("lookup", lookup(&mut redis, &id)).await;
    assert_eq!(found.expect("Redis answers").as_deref(), Some("grace"));

    let _: u64 = redis.del(key(&id)).await.expect("Redis answers");
    let after = within("lookup after the end", lookup(&mut redis, &id)).await;
    assert_eq!(
        after.expect("Redis answers"),
        None,
        "a session gone from Redis is no session"
    );
}

#[tokio::test]
async fn a_session_ends_by_itself_when_its_ttl_is_over() {
    let server = testkit::redis().await;
    let mut redis = support::redis(server.url()).await;
    let id = within(
        "create",
        create(&mut redis, "hopper", Duration::from_millis(200)),
    )
    .await;
    let id = id.expect("a session is created");
    // Redis ends the key by itself; wait for that, within a deadline.
    within("the session to expire", async {
        while lookup(&mut redis, &id)
            .await
            .expect("Redis answers")
            .is_some()
        {
            tokio::task::yield_now().await;
        }
    })
    .await;
}

#[tokio::test]
async fn a_string_that_is_no_id_is_never_looked_up() {
    let server = testkit::redis().await;
    let mut redis = support::redis(server.url()).await;
    // Keys an attacker would like a lookup to reach: no id `create` makes names them.
    let planted = ["*", "x", "../admin", ""];
    for what in planted {
        let _: () = redis
            .set(key(what), "mallory")
            .await
            .expect("Redis answers");
    }
    let upper = "A".repeat(ID_BYTES * 2);
    let _: () = redis
        .set(key(&upper), "mallory")
        .await
        .expect("Redis answers");
    let long = "a".repeat(ID_BYTES * 2 + 1);
    let _: () = redis
        .set(key(&long), "mallory")
        .await
        .expect("Redis answers");
    for id in planted.iter().map(|s| s.to_string()).chain([upper, long]) {
        let found = within("lookup", lookup(&mut redis, &id)).await;
        assert_eq!(
            found.expect("Redis answers"),
            None,
            "{id:?} is not an id that create makes, and finds no one"
        );
    }
    let guessed = "0".repeat(ID_BYTES * 2);
    let found = within("lookup", lookup(&mut redis, &guessed)).await;
    assert_eq!(
        found.expect("Redis answers"),
        None,
        "a guessed id finds no one"
    );
}
