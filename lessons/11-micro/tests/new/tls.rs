//! The three kinds over mutual TLS (lesson 16's `--tls-certs`), on an agent of their own:
//! each shows the certificate of its own name and `micro api` the gateway's; the srv and the
//! api say in the registry that they speak TLS only, and are called over it, by the gateway
//! and by each other.

use std::path::Path;
use std::time::Duration;

use micro::registry::Registry;
use micro::registry::consul::ConsulRegistry;
use serde_json::json;
use testkit::within;

use crate::LASTING;
use crate::program::api::{get, registry, request, start};
use crate::program::scaffold::{over_tls, run};

/// `bin`'s three services in `namespace`, with certificates written under `scratch`.
pub async fn each_kind_answers_over_mutual_tls(scratch: &Path, bin: &Path, namespace: &str) {
    let names = ["srv", "api", "web"].map(|kind| format!("{namespace}.{kind}.greeter"));
    let agent = testkit::consul().await;
    let on_tls = over_tls(scratch, registry("consul", agent.url(), LASTING), &names);
    let _srv = run(&bin.join("greeter-srv"), &on_tls).await;
    let _api = run(&bin.join("greeter-api"), &on_tls).await;
    let web = run(&bin.join("greeter-web"), &on_tls).await;
    let consul = ConsulRegistry::new(agent.url(), Duration::from_secs(10)).unwrap();
    for (name, secure) in names.iter().zip([true, true, false]) {
        let mut nodes = consul.watch(name).await.unwrap();
        let found = within(name, nodes.wait_for(|nodes| nodes.len() == 1)).await;
        let node = found.unwrap_or_else(|_| panic!("the watch of {name} ended"))[0].clone();
        assert_eq!(micro::tls::is_secure(&node), secure, "{name}: {node:?}");
    }
    let gateway = start(&on_tls, &["api", "--namespace", namespace], &[]).await;
    for kind in ["srv", "api"] {
        let path = format!("/{kind}/greeter/example/call?name=TLS");
        let (status, reply) = get(&gateway, &path).await;
        assert_eq!(
            (status, reply),
            (200, json!({"msg": "Hello TLS"})),
            "{kind}"
        );
    }
    let body = Some(br#"{"name": "TLS"}"#.to_vec());
    let (status, reply) = request(&web, "/example/call", body).await;
    assert_eq!(
        (status, &reply["msg"]),
        (200, &json!("Hello TLS")),
        "{reply}"
    );
}
