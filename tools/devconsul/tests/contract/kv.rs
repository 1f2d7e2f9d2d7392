//! The KV store: values, cas, recurse, keys, separator, raw, delete.

use crate::common::agent;
use serde_json::json;

#[tokio::test]
async fn put_get_and_delete_a_key() {
    let (_agent, api) = agent().await;
    let missing = api.get("/v1/kv/app/config").await.expect(404);
    assert!(missing.body.is_empty());
    missing.index();

    assert_eq!(
        api.put("/v1/kv/app/config?flags=42", "hello")
            .await
            .expect(200)
            .json(),
        json!(true)
    );
    let reply = api.get("/v1/kv/app/config").await.expect(200);
    let index = reply.index();
    let pair = &reply.json()[0];
    assert_eq!(pair["Key"], "app/config");
    assert_eq!(pair["Value"], "aGVsbG8=");
    assert_eq!(pair["Flags"], 42);
    assert_eq!(pair["LockIndex"], 0);
    assert_eq!(pair["CreateIndex"], pair["ModifyIndex"]);
    assert_eq!(pair["ModifyIndex"].as_u64(), Some(index));

    api.put("/v1/kv/app/config", "again").await.expect(200);
    let pair = api.get("/v1/kv/app/config").await.expect(200).json()[0].clone();
    assert!(pair["ModifyIndex"].as_u64() > pair["CreateIndex"].as_u64());

    let raw = api.get("/v1/kv/app/config?raw").await.expect(200);
    assert_eq!(raw.body, b"again");
    assert_eq!(raw.header("Content-Type"), Some("text/plain"));
    assert_eq!(raw.header("X-Content-Type-Options"), Some("nosniff"));

    api.put("/v1/kv/empty", "").await.expect(200);
    assert_eq!(
        api.get("/v1/kv/empty").await.expect(200).json()[0]["Value"],
        json!(null)
    );

    assert_eq!(
        api.delete("/v1/kv/app/config").await.expect(200).json(),
        json!(true)
    );
    api.get("/v1/kv/app/config").await.expect(404);
    assert_eq!(
        api.delete("/v1/kv/app/config").await.expect(200).json(),
        json!(true),
        "deleting nothing is fine"
    );
}

#[tokio::test]
async fn check_and_set() {
    let (_agent, api) = agent().await;
    assert_eq!(
        api.put("/v1/kv/lock?cas=0", "a").await.expect(200).json(),
        json!(true)
    );
    assert_eq!(
        api.put("/v1/kv/lock?cas=0", "b").await.expect(200).json(),
        json!(false),
        "cas=0 only creates"
    );
    let modify = api.get("/v1/kv/lock").await.expect(200).json()[0]["ModifyIndex"]
        .as_u64()
        .unwrap();
    assert_eq!(
        api.put(&format!("/v1/kv/lock?cas={}", modify + 100), "c")
            .await
            .expect(200)
            .json(),
        json!(false)
    );
    assert_eq!(
        api.put(&format!("/v1/kv/lock?cas={modify}"), "c")
            .await
            .expect(200)
            .json(),
        json!(true)
    );
    assert_eq!(api.get("/v1/kv/lock?raw").await.expect(200).body, b"c");

    let modify = api.get("/v1/kv/lock").await.expect(200).json()[0]["ModifyIndex"]
        .as_u64()
        .unwrap();
    assert_eq!(
        api.delete(&format!("/v1/kv/lock?cas={}", modify - 1))
            .await
            .expect(200)
            .json(),
        json!(false)
    );
    assert_eq!(
        api.delete(&format!("/v1/kv/lock?cas={modify}"))
            .await
            .expect(200)
            .json(),
        json!(true)
    );
    api.get("/v1/kv/lock").await.expect(404);
}

#[tokio::test]
async fn recurse_keys_and_separator() {
    let (_agent, api) = agent().await;
    for key in ["app/db/url", "app/db/user", "app/name", "apple", "other"] {
        api.put(&format!("/v1/kv/{key}"), key).await.expect(200);
    }
    let pairs = api.get("/v1/kv/app/?recurse").await.expect(200).json();
    let keys: Vec<_> = pairs
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["Key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["app/db/url", "app/db/user", "app/name"]);
    // Presence is what counts: recurse=false still recurses, as in Consul.
    assert_eq!(
        api.get("/v1/kv/app/?recurse=false")
            .await
            .expect(200)
            .json(),
        pairs
    );

    assert_eq!(
        api.get("/v1/kv/app?keys").await.expect(200).json(),
        json!(["app/db/url", "app/db/user", "app/name", "apple"])
    );
    assert_eq!(
        api.get("/v1/kv/app/?keys&separator=/")
            .await
            .expect(200)
            .json(),
        json!(["app/db/", "app/name"])
    );
    assert_eq!(
        api.get("/v1/kv/?keys&separator=/").await.expect(200).json(),
        json!(["app/", "apple", "other"])
    );
    api.get("/v1/kv/nothing/?keys").await.expect(404).index();
    let missing = api.get("/v1/kv/nothing/?recurse").await.expect(404);
    missing.index();

    assert_eq!(
        api.delete("/v1/kv/app/?recurse").await.expect(200).json(),
        json!(true)
    );
    assert_eq!(
        api.get("/v1/kv/?keys").await.expect(200).json(),
        json!(["apple", "other"])
    );
    api.delete("/v1/kv/?recurse").await.expect(200);
    assert_eq!(api.get("/v1/kv/?keys").await.expect(200).json(), json!([]));
}

#[tokio::test]
async fn percent_encoded_keys_are_decoded() {
    let (_agent, api) = agent().await;
    api.put("/v1/kv/a%20b/c%2Fd", "x").await.expect(200);
    assert_eq!(
        api.get("/v1/kv/?keys").await.expect(200).json(),
        json!(["a b/c/d"])
    );
}

#[tokio::test]
async fn the_index_never_goes_backwards_after_a_delete() {
    let (_agent, api) = agent().await;
    api.put("/v1/kv/k", "v").await.expect(200);
    let before = api.get("/v1/kv/k").await.expect(200).index();
    api.delete("/v1/kv/k").await.expect(200);
    let after = api.get("/v1/kv/k").await.expect(404).index();
    assert!(after > before);
}

#[tokio::test]
async fn kv_bad_requests() {
    let (_agent, api) = agent().await;
    api.get("/v1/kv/").await.expect(400);
    api.put("/v1/kv/", "x").await.expect(400);
    api.delete("/v1/kv/").await.expect(400);
    assert!(!api.put("/v1/kv/k?cas=abc", "x").await.status.is_success());
    assert!(!api.put("/v1/kv/k?flags=-1", "x").await.status.is_success());
    api.put("/v1/kv/k?cas=0&acquire=abc", "x").await.expect(400);
    api.delete("/v1/kv/k?cas=1&recurse").await.expect(400);
    api.put("/v1/kv/k?acquire=session", "x").await.expect(501);
    let big = vec![b'x'; 512 * 1024 + 1];
    api.send("PUT", "/v1/kv/big", Some(big)).await.expect(413);
    let just_fits = vec![b'x'; 512 * 1024];
    api.send("PUT", "/v1/kv/big", Some(just_fits))
        .await
        .expect(200);
    api.send("POST", "/v1/kv/k", None).await.expect(405);
    assert_eq!(
        api.put("/v1/kv/k", "still works").await.expect(200).json(),
        json!(true)
    );
}
