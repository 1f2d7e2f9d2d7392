//! `l11-micro new`: each kind of crate it writes builds, runs registered and answers — the
//! srv through `micro api` and on its topic's events, the api through `micro api` and the
//! srv behind it, the web one over HTTP, in plaintext and over mutual TLS — and bad names or a used folder are refused with
//! nothing written.
//!
//! The crates are built with `cargo build --offline` into the course's own `target`: their
//! lock file and profile are the course's, so after `cargo test -p l11-micro` the packages
//! under the framework are reused, and only the crate and the course's own crates it stands
//! on (`micro`, `shared`, `proto`…) are compiled: 6 of 301 packages, 18 s on two cores. After a
//! build of the whole workspace (CI's, `--workspace --all-features`), which unifies the
//! features of every package, the runner's and the early lessons' too, seven are: the
//! crate, and the course's own crates under it, built as a dependency of the crate rather
//! than as members of the course's workspace (no debug info): the two workspace-hacks
//! (empty libraries), `proto`, `consul-ext`, `shared` and `micro` (`shared` has a feature
//! more in the workspace, `http`, which lessons 10 and 16 turn on). The workspace-hack, which
//! `micro` depends on, turns on what the other packages turn on in the dependencies they
//! share with the framework, so that everything under it is shared (its `Cargo.toml` says
//! which), and the crate optimises the captcha's image crates as the course does: 17–28 s on
//! two cores for the first crate, where a dependency the workspace-hack did not match had
//! 23 packages more compiled, from libc up.

#[path = "new/patient.rs"]
mod patient;
mod program;
mod support;
#[path = "new/tls.rs"]
mod tls;

use std::time::Duration;

use micro::registry::Registry;
use micro::registry::consul::ConsulRegistry;
use program::api::{get, registry, request, start};
use program::scaffold::{Scratch, build, new, run, subscribers_of};
use serde_json::json;
use testkit::within;

#[test]
fn bad_names_and_used_folders_are_refused_with_nothing_written() {
    let scratch = Scratch::new("new-refused");
    let cases: [(&[&str], &str); 5] = [
        (&["x", "--type", "foo"], "invalid value 'foo' for '--type"),
        (
            &["x", "--alias", "Bad!"],
            "the alias \"Bad!\" is not a name",
        ),
        (&["Bad Name"], "the alias \"Bad Name\" is not a name"),
        (
            &["x", "--namespace", "go..micro"],
            "the namespace \"go..micro\" is not one",
        ),
        (&["x", "--alias", &"a".repeat(200)], "is not a name"),
    ];
    for (args, says) in cases {
        let (ok, printed) = new(&scratch.0, args);
        assert!(!ok && printed.contains(says), "{args:?}: {printed}");
        assert!(!printed.contains("panicked"), "{args:?}: {printed}");
    }
    assert_eq!(
        std::fs::read_dir(&scratch.0).unwrap().count(),
        0,
        "nothing written"
    );

    // A folder with something in it is left as it is.
    std::fs::create_dir(scratch.0.join("used")).unwrap();
    std::fs::write(scratch.0.join("used/notes.txt"), "mine").unwrap();
    let (ok, printed) = new(&scratch.0, &["used"]);
    assert!(!ok && printed.contains("used is not empty"), "{printed}");
    assert_eq!(
        std::fs::read_dir(scratch.0.join("used")).unwrap().count(),
        1
    );

    // An empty one is used.
    std::fs::create_dir(scratch.0.join("empty")).unwrap();
    let (ok, printed) = new(&scratch.0, &["empty", "--type", "web"]);
    assert!(
        ok && printed.contains("creating service go.micro.web.empty"),
        "{printed}"
    );
}

/// How long the services' registrations live without renewal: 10 s, not the other tests'
/// 1 s. This test checks who is registered, not how fast a registration goes, and a machine
/// busy building the other test's crate meanwhile can miss a renewal of a second.
const LASTING: &str = "10s";

#[tokio::test]
async fn each_kind_builds_registers_and_answers() {
    let scratch = Scratch::new("new-crates");
    // A namespace of this run's own: the registry may be shared with other runs.
    let namespace = format!("t{}.micro", std::process::id());
    for kind in ["srv", "api", "web"] {
        let args = [
            kind,
            "--type",
            kind,
            "--alias",
            "greeter",
            "--namespace",
            &namespace,
        ];
        let (ok, printed) = new(&scratch.0, &args);
        assert!(ok, "{printed}");
        assert!(printed.contains(&format!("creating service {namespace}.{kind}.greeter")));
        for file in [
            "Cargo.toml",
            "src/main.rs",
            "src/handler.rs",
            "Dockerfile",
            "README.md",
        ] {
            let text = std::fs::read_to_string(scratch.0.join(kind).join(file)).unwrap();
            assert!(
                !text.contains("{{"),
                "{kind}/{file} has a placeholder left:\n{text}"
            );
        }
    }
    let bin = tokio::task::spawn_blocking({
        let dir = scratch.0.clone();
        move || ["srv", "api", "web"].map(|kind| build(&dir.join(kind)))[0].clone()
    })
    .await
    .unwrap();

    let agent = testkit::consul().await;
    let on_consul = registry("consul", agent.url(), LASTING);
    let mut srvs = vec![
        run(&bin.join("greeter-srv"), &on_consul).await,
        run(&bin.join("greeter-srv"), &on_consul).await,
    ];
    let _api = run(&bin.join("greeter-api"), &on_consul).await;
    let web = run(&bin.join("greeter-web"), &on_consul).await;

    // Each found by name, as go-micro names it. (A registration reaches the agent's health
    // view a moment after the service says it registered: the test waits for it.)
    let consul = ConsulRegistry::new(agent.url(), Duration::from_secs(10)).unwrap();
    for (kind, count) in [("srv", 2), ("api", 1), ("web", 1)] {
        let name = format!("{namespace}.{kind}.greeter");
        let mut nodes = consul.watch(&name).await.unwrap();
        let found = within(&name, nodes.wait_for(|nodes| nodes.len() == count)).await;
        found.unwrap_or_else(|_| panic!("the watch of {name} ended"));
    }

    // Each srv subscribes to its own topic on lesson 12's HTTP broker, as go-micro's srv
    // does. go-micro's HTTP broker POSTs a message as its JSON codec writes a
    // broker.Message (go-micro v2.9.1, broker/http.go, Publish); here the body is
    // `Message{say: "hi"}`, bytes 0a 02 68 69.
    let topic = format!("{namespace}.srv.greeter");
    let mut brokers = consul.watch("micro.http.broker").await.unwrap();
    let subscribers = within(
        "the srvs' subscriptions",
        brokers.wait_for(|nodes| subscribers_of(&topic, nodes).len() == 2),
    )
    .await
    .map(|nodes| subscribers_of(&topic, &nodes))
    .expect("the watch of micro.http.broker ended");
    let message = json!({
        "Header": {"Content-Type": "application/protobuf", "Micro-Topic": topic},
        "Body": "CgJoaQ==",
    });
    for node in &subscribers {
        let url = format!("http://{}/?id={}", node.address, node.id);
        let answer = reqwest::Client::new()
            .post(url)
            .header("Content-Type", "application/json")
            .body(message.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap());
    }
    for srv in &srvs {
        srv.logged("Received message: hi").await;
    }

    // The srv and the api through `micro api`; the api calls the srv.
    let gateway = start(&on_consul, &["api", "--namespace", &namespace], &[]).await;
    for kind in ["srv", "api"] {
        let (status, reply) = get(
            &gateway,
            &format!("/{kind}/greeter/example/call?name=Ferris"),
        )
        .await;
        assert_eq!(
            (status, reply.clone()),
            (200, json!({"msg": "Hello Ferris"})),
            "{kind}"
        );
    }

    // The web service over HTTP, a node of the srv killed on the way: no failed call.
    let page = reqwest::get(format!("http://{}/", web.addr()))
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains("/example/call"));
    for n in 0..12 {
        if n == 4 {
            srvs[0].signal("KILL");
        }
        let (status, reply) = request(
            &web,
            "/example/call",
            Some(br#"{"name": "Ferris"}"#.to_vec()),
        )
        .await;
        assert_eq!(
            (status, &reply["msg"]),
            (200, &json!("Hello Ferris")),
            "call {n}: {reply}"
        );
        assert!(reply["ref"].is_u64(), "{reply}");
    }
    srvs.clear();

    patient::a_srv_waits_for_its_registry(&agent, &consul, brokers, &bin, &namespace).await;

    // The same srv on etcd, called through a gateway on etcd.
    let cluster = testkit::etcd_cluster(1).await;
    let on_etcd = registry("etcd", &cluster.endpoints().join(","), LASTING);
    let _srv = run(&bin.join("greeter-srv"), &on_etcd).await;
    let gateway = start(&on_etcd, &["api", "--namespace", &namespace], &[]).await;
    let (status, reply) = get(&gateway, "/srv/greeter/example/call?name=etcd").await;
    assert_eq!((status, reply), (200, json!({"msg": "Hello etcd"})));

    tls::each_kind_answers_over_mutual_tls(&scratch.0, &bin, &namespace).await;
}

#[test]
fn a_new_srv_is_found_and_called_over_mdns() {
    // mDNS is multicast: the test runs in a network namespace of its own, so that its
    // announcements never leave the machine (and no other run's reach it).
    if !support::netns::inside_a_test_that_builds("a_new_srv_is_found_and_called_over_mdns") {
        return;
    }
    let scratch = Scratch::new("new-mdns");
    // An alias of its own: the crates build into one target folder, where another test's
    // `greeter-srv` would be this one's binary too.
    let (ok, printed) = new(
        &scratch.0,
        &["greeter", "--type", "srv", "--alias", "mdnsgreeter"],
    );
    assert!(ok, "{printed}");
    let bin = build(&scratch.0.join("greeter"));
    program::mdns::run(async {
        // go-micro's default registry: nothing to start but the services themselves. The
        // registrations keep their usual TTL: a short one has every answer re-asked each
        // second, which a loaded machine does not always manage.
        let on_mdns = ["--registry", "mdns"].map(str::to_string);
        let _srv = run(&bin.join("mdnsgreeter-srv"), &on_mdns).await;
        let gateway = start(&on_mdns, &["api", "--namespace", "go.micro.srv"], &[]).await;
        // A first lookup collects answers for two seconds (QUERY_WINDOW), and an answer may
        // need the question asked again: more than one step's patience.
        let calls = async {
            loop {
                let (status, reply) = get(&gateway, "/mdnsgreeter/example/call?name=mdns").await;
                if status == 200 {
                    return (status, reply);
                }
            }
        };
        let (status, reply) = tokio::time::timeout(Duration::from_secs(30), calls)
            .await
            .expect("no call over mDNS answered within 30 s");
        assert_eq!((status, reply), (200, json!({"msg": "Hello mdns"})));
    });
}
