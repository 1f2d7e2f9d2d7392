//! go-micro and this lesson share one etcd: each finds the other's services. The records
//! are go-micro v2.9.1's, byte for byte (see `micro/tests/support/go_micro.rs` for the
//! source lines).
//! And the TXT records of the mDNS registry: the JSON byte for byte, the strings cut as
//! go-micro cuts them, each side reading the other's.

use crate::program;
use crate::support;

use std::sync::Arc;
use std::time::Duration;

use etcd_client::{Client, GetOptions, PutOptions};
use micro::client::MicroClient;
use micro::registry::Registry;
use micro::registry::etcd::EtcdRegistry;
use micro::registry::etcd::record::ServiceRecord;
use micro::registry::mdns::txt::{self, MdnsTxt};
use micro::selector::RoundRobin;
use program::BINARY;
use support::go_micro::{
    GREETER_ADDRESS, GREETER_KEY, GREETER_NODE_ID, GREETER_RECORD, GREETER_TXT, GREETER_TXT_JSON,
    PLAIN_TXT, PLAIN_TXT_JSON, go_micro_get_service, go_micro_unpack,
};
use support::{Greeter, etcd_until_ok, unique_service};
use testkit::{ServerProcess, within};

#[test]
fn the_record_types_write_go_micros_bytes() {
    let record: ServiceRecord = serde_json::from_str(GREETER_RECORD).unwrap();
    assert_eq!(serde_json::to_string(&record).unwrap(), GREETER_RECORD);
}

#[test]
fn the_txt_record_types_write_go_micros_json() {
    let ours = serde_json::to_string(&txt::of_node("greeter", "1.0.0")).unwrap();
    assert_eq!(ours, PLAIN_TXT_JSON, "what this lesson's nodes announce");
    let greeter: MdnsTxt = serde_json::from_str(GREETER_TXT_JSON).unwrap();
    assert_eq!(serde_json::to_string(&greeter).unwrap(), GREETER_TXT_JSON);
    // And go-micro's own TXT strings unpack to exactly that JSON.
    assert_eq!(go_micro_unpack(&GREETER_TXT), GREETER_TXT_JSON.as_bytes());
    assert_eq!(go_micro_unpack(&PLAIN_TXT), PLAIN_TXT_JSON.as_bytes());
}

#[test]
fn go_micro_reads_the_txt_record_of_this_lessons_node() {
    // zlib streams may differ (Go's deflate is not zlib's); what go-micro's decode gets out
    // of ours must be its own JSON, byte for byte, in strings cut as go-micro cuts them.
    for (txt, json, go_strings) in [
        (
            txt::of_node("greeter", "1.0.0"),
            PLAIN_TXT_JSON,
            PLAIN_TXT.len(),
        ),
        (
            serde_json::from_str(GREETER_TXT_JSON).unwrap(),
            GREETER_TXT_JSON,
            GREETER_TXT.len(),
        ),
    ] {
        let strings = txt::encode(&txt);
        assert_eq!(go_micro_unpack(&strings), json.as_bytes());
        let (last, full) = strings.split_last().unwrap();
        assert!(full.iter().all(|s| s.len() == 255), "{strings:?}");
        assert!(!last.is_empty() && last.len() <= 255, "{strings:?}");
        assert!(
            strings
                .concat()
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_eq!(
            strings.len(),
            go_strings,
            "as many strings as go-micro writes"
        );
    }
}

/// Writes `value` under `key` as go-micro's `registerNode` does: a lease granted for the
/// TTL, then one put with it (etcd.go lines 248 and 259).
async fn put_as_go_micro(client: &Client, key: &str, value: &str, ttl: i64) {
    etcd_until_ok("put go-micro's record", || {
        let mut client = client.clone();
        async move {
            let lease = client.lease_grant(ttl, None).await?.id();
            let options = PutOptions::new().with_lease(lease);
            client.put(key, value, Some(options)).await
        }
    })
    .await;
}

#[tokio::test]
async fn a_service_registered_by_go_micro_is_called_by_name() {
    let cluster = testkit::etcd_cluster(3).await;
    let greeter = Greeter::start("behind-go-micro").await;
    // The record go-micro writes, with the address of a Greeter that really listens.
    let record = GREETER_RECORD.replace(GREETER_ADDRESS, &greeter.node.address);
    let etcd = Client::connect(cluster.endpoints(), None).await.unwrap();
    put_as_go_micro(&etcd, GREETER_KEY, &record, 30).await;

    let registry = EtcdRegistry::connect(&cluster.endpoints(), Duration::from_secs(2))
        .await
        .unwrap();
    let services = within("list_services", registry.list_services())
        .await
        .unwrap();
    assert!(
        services.contains(&"go.micro.srv.greeter".to_string()),
        "{services:?}"
    );
    let client = MicroClient::new(Arc::new(registry), Box::new(RoundRobin::default()));
    let (node, reply) = within("a call", client.say_hello("go.micro.srv.greeter", "Ada"))
        .await
        .expect("the node go-micro registered is found and called");
    assert_eq!(node.id, GREETER_NODE_ID);
    assert_eq!(node.version, "latest", "the version is the service's");
    assert!(reply.starts_with("Hello Ada"), "{reply}");
}

#[tokio::test]
async fn go_micro_finds_a_service_of_this_lesson() {
    let cluster = testkit::etcd_cluster(3).await;
    let service = unique_service("seen-by-go-micro");
    let args = [
        "--registry",
        "etcd",
        "--registry-address",
        &cluster.endpoints().join(","),
        "server",
        "--addr",
        "127.0.0.1:0",
        "--name",
        &service,
        "--version",
        "2.1.0",
    ];
    let server = ServerProcess::start(BINARY, &args, 1).await;
    server.logged("registered").await;

    // What go-micro's GetService does: a serializable prefix get of `prefix/<service>/`.
    let etcd = Client::connect(cluster.endpoints(), None).await.unwrap();
    let prefix = format!("/micro/registry/{service}/");
    let options = GetOptions::new().with_prefix().with_serializable();
    // A serializable read is answered by the member asked, from what it has applied: a
    // follower may not have the key yet (go-micro, reading so, finds the node a moment later
    // too). So the read is asked again until the key is there.
    let answer = within("the service's key, read as go-micro reads it", async {
        loop {
            let answer = etcd_until_ok("list the service", || {
                let (mut etcd, prefix, options) = (etcd.clone(), prefix.clone(), options.clone());
                async move { etcd.get(prefix, Some(options)).await }
            })
            .await;
            if !answer.kvs().is_empty() {
                return answer;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert_eq!(answer.kvs().len(), 1, "one key per node");
    let kv = &answer.kvs()[0];
    assert!(kv.lease() > 0, "the node's key is written with its lease");
    let address = server.addr().to_string();
    let id = format!("{service}-127.0.0.1-{}", server.addr().port());
    assert_eq!(
        String::from_utf8_lossy(kv.key()),
        format!("{prefix}{id}"),
        "go-micro's nodePath"
    );
    let service_json: serde_json::Value = serde_json::from_slice(kv.value()).unwrap();
    assert_eq!(service_json["name"], service.as_str(), "{service_json}");
    assert_eq!(
        go_micro_get_service([kv.value()]),
        [("2.1.0".to_string(), id, address)],
        "go-micro reads the node, with the service's version"
    );
}

#[path = "go_micro/mdns_wire.rs"]
mod mdns_wire;
