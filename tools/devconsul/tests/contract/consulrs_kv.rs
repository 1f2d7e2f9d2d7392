//! consulrs 0.1.0's `kv` module against the embedded agent: set, read, raw, keys,
//! read_json, delete — with Consul's indexes, flags, check-and-set and prefix semantics.

use crate::consulrs_support::{agent, index_of, status_of};
use consulrs::api::kv::requests::{
    DeleteKeyRequest, ReadKeyRequest, ReadKeysRequest, SetKeyRequest,
};
use consulrs::client::ConsulClient;
use consulrs::kv;
use serde_json::{Value, json};
use testkit::within;

async fn value_of(client: &ConsulClient, key: &str) -> Vec<u8> {
    within("kv raw", kv::raw(client, key, None))
        .await
        .expect("the key exists")
        .response
}

#[tokio::test]
async fn a_value_set_is_read_back_with_its_indexes() {
    let (_agent, client) = agent().await;
    let stored = within(
        "kv set",
        kv::set(
            &client,
            "app/config/db-url",
            b"postgres://localhost/app",
            None,
        ),
    )
    .await
    .expect("the write is accepted");
    assert!(stored.response, "a plain write answers true");

    let answer = within("kv read", kv::read(&client, "app/config/db-url", None))
        .await
        .expect("the pair parses");
    index_of(&answer);
    assert_eq!(answer.response.len(), 1);
    let pair = answer.response[0].clone();
    assert_eq!(pair.key, "app/config/db-url");
    assert_eq!(pair.flags, 0);
    assert_eq!(pair.lock_index, 0);
    assert!(pair.create_index > 0 && pair.modify_index >= pair.create_index);
    let bytes: Vec<u8> = pair.value.expect("a value").try_into().expect("base64");
    assert_eq!(bytes, b"postgres://localhost/app");

    assert_eq!(
        value_of(&client, "app/config/db-url").await,
        b"postgres://localhost/app"
    );

    // A rewrite keeps CreateIndex and moves ModifyIndex forward.
    kv::set(&client, "app/config/db-url", b"postgres://db/app", None)
        .await
        .unwrap();
    let rewritten = kv::read(&client, "app/config/db-url", None)
        .await
        .unwrap()
        .response;
    assert_eq!(rewritten[0].create_index, pair.create_index);
    assert!(rewritten[0].modify_index > pair.modify_index);
    assert_eq!(
        value_of(&client, "app/config/db-url").await,
        b"postgres://db/app"
    );
}

#[tokio::test]
async fn raw_returns_bytes_exactly() {
    let (_agent, client) = agent().await;
    kv::set(&client, "blob", b"\x00\x01\xffnot utf-8\n", None)
        .await
        .unwrap();
    assert_eq!(value_of(&client, "blob").await, b"\x00\x01\xffnot utf-8\n");
}

#[tokio::test]
async fn a_missing_key_is_404_with_an_index() {
    let (_agent, client) = agent().await;
    assert_eq!(status_of(kv::read(&client, "missing", None).await), 404);
    assert_eq!(status_of(kv::raw(&client, "missing", None).await), 404);
}

#[tokio::test]
async fn an_empty_value_reads_as_none() {
    let (_agent, client) = agent().await;
    assert!(kv::set(&client, "flag", b"", None).await.unwrap().response);
    let pair = kv::read(&client, "flag", None).await.unwrap().response;
    assert!(pair[0].value.is_none(), "an empty value is null");
}

#[tokio::test]
async fn keys_lists_and_rolls_up_at_a_separator() {
    let (_agent, client) = agent().await;
    for key in ["app/b", "app/a", "app/sub/c", "other"] {
        kv::set(&client, key, b"x", None).await.unwrap();
    }
    let keys = within("kv keys", kv::keys(&client, "app/", None))
        .await
        .expect("the keys parse")
        .response;
    assert_eq!(
        keys,
        vec!["app/a", "app/b", "app/sub/c"],
        "sorted, under the prefix"
    );

    let rolled = kv::keys(
        &client,
        "app/",
        Some(ReadKeysRequest::builder().separator("/")),
    )
    .await
    .unwrap()
    .response;
    assert_eq!(rolled, vec!["app/a", "app/b", "app/sub/"]);

    assert_eq!(status_of(kv::keys(&client, "nothing/", None).await), 404);
}

#[tokio::test]
async fn recurse_reads_a_prefix_and_is_a_presence_flag() {
    let (_agent, client) = agent().await;
    for key in ["cfg/b", "cfg/a", "cfgx"] {
        kv::set(&client, key, b"x", None).await.unwrap();
    }
    let all = kv::read(
        &client,
        "cfg/",
        Some(ReadKeyRequest::builder().recurse(true)),
    )
    .await
    .unwrap()
    .response;
    let keys: Vec<_> = all.iter().map(|pair| pair.key.as_str()).collect();
    assert_eq!(keys, vec!["cfg/a", "cfg/b"]);

    // consulrs sends `recurse=false` for Some(false); Consul recurses on the key's presence.
    let still = kv::read(
        &client,
        "cfg/",
        Some(ReadKeyRequest::builder().recurse(false)),
    )
    .await
    .unwrap()
    .response;
    assert_eq!(still.len(), 2);
}

#[tokio::test]
async fn read_json_decodes_what_set_json_stored() {
    let (_agent, client) = agent().await;
    let settings = json!({"replicas": 3, "regions": ["eu", "us"]});
    kv::set_json(&client, "app/settings", &settings, None)
        .await
        .unwrap();
    let pair = within(
        "kv read_json",
        kv::read_json::<Value, _>(&client, "app/settings", None),
    )
    .await
    .expect("the JSON value decodes")
    .response;
    assert_eq!(pair.value, settings);
    assert_eq!(pair.key, "app/settings");
}

#[tokio::test]
async fn flags_are_stored_and_cas_guards_writes() {
    let (_agent, client) = agent().await;
    kv::set(
        &client,
        "lock",
        b"one",
        Some(SetKeyRequest::builder().flags(42u64)),
    )
    .await
    .unwrap();
    let pair = kv::read(&client, "lock", None)
        .await
        .unwrap()
        .response
        .remove(0);
    assert_eq!(pair.flags, 42);

    // cas=0: only if the key does not exist yet.
    let refused = kv::set(
        &client,
        "lock",
        b"two",
        Some(SetKeyRequest::builder().cas(0u64)),
    )
    .await
    .unwrap();
    assert!(!refused.response);
    // cas=ModifyIndex: only if nobody wrote since.
    let stale = kv::set(
        &client,
        "lock",
        b"two",
        Some(SetKeyRequest::builder().cas(pair.modify_index + 1000)),
    )
    .await
    .unwrap();
    assert!(!stale.response);
    let current = kv::set(
        &client,
        "lock",
        b"two",
        Some(SetKeyRequest::builder().cas(pair.modify_index)),
    )
    .await
    .unwrap();
    assert!(current.response);
    assert_eq!(value_of(&client, "lock").await, b"two");
}

#[tokio::test]
async fn delete_removes_a_key_or_a_prefix() {
    let (_agent, client) = agent().await;
    for key in ["tmp/a", "tmp/b", "keep"] {
        kv::set(&client, key, b"x", None).await.unwrap();
    }
    let deleted = within("kv delete", kv::delete(&client, "tmp/a", None))
        .await
        .expect("delete answers");
    assert!(deleted.response);
    assert_eq!(status_of(kv::read(&client, "tmp/a", None).await), 404);
    assert!(
        kv::delete(&client, "tmp/a", None).await.unwrap().response,
        "missing: still true"
    );

    kv::delete(
        &client,
        "tmp/",
        Some(DeleteKeyRequest::builder().recurse(true)),
    )
    .await
    .unwrap();
    assert_eq!(status_of(kv::read(&client, "tmp/b", None).await), 404);
    assert_eq!(value_of(&client, "keep").await, b"x");
}
