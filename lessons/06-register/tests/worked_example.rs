//! The worked example's other halves: `catalog` and `find` as an operator runs them, and the
//! seed course's mistake (a registered port nobody serves) as the agent reports it.
//! `cargo test -p l06-register --test main worked_example::`.

use crate::support;

use consul_ext::CheckStatus;
use consulrs::api::service::requests::RegisterServiceRequest;
use shared::consul::Instance;
use testkit::within;

const PROGRAM: &str = env!("CARGO_BIN_EXE_l06-register");

/// Runs `l06-register ARGS…` against `agent` and returns what it printed on stdout.
async fn run(agent: &str, args: &[&str]) -> String {
    let mut command = std::process::Command::new(PROGRAM);
    command.args(args).env("CONSUL_HTTP_ADDR", agent);
    let output =
        testkit::output_within_async("the command to finish", command, testkit::PATIENCE).await;
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8")
}

// ANCHOR: wrong_port
#[tokio::test]
async fn a_wrong_port_is_listed_but_never_passing() {
    let (agent, client) = support::consul().await;
    let name = support::unique_name("seed");
    let (listener, served) = support::listener().await;
    tokio::spawn(shared::grpc::serve(listener, std::future::pending()));

    // The seed's mistake: serve on one port, register another.
    let (unused, wrong) = support::listener().await;
    drop(unused);
    let mistaken = Instance::new(&name, wrong);
    let check = mistaken.grpc_check(
        "hello.Greeter",
        std::time::Duration::from_secs(1),
        std::time::Duration::from_secs(60),
    );
    mistaken.register(&client, check).await.expect("register");
    let right = Instance::new(&name, served);
    let check = right.grpc_check(
        "hello.Greeter",
        std::time::Duration::from_secs(1),
        std::time::Duration::from_secs(60),
    );
    right.register(&client, check).await.expect("register");

    // Unfiltered, the agent lists both; `?passing` only the one that answers.
    support::wait_for_probed(agent.url(), &name, &mistaken.id, CheckStatus::Critical).await;
    let passing = support::wait_for_passing(agent.url(), &name, 1).await;
    assert_eq!(passing[0].service.id, right.id);
    let all = l06_register::catalog::all_instances(agent.url(), &name)
        .await
        .unwrap();
    assert_eq!(
        all.len(),
        2,
        "the catalog still lists the instance nobody serves"
    );

    let catalog = run(agent.url(), &["catalog"]).await;
    assert!(
        catalog.contains(&format!(
            "{}  at localhost:{}  Critical",
            mistaken.id,
            wrong.port()
        )),
        "{catalog}"
    );
    assert!(
        catalog.contains(&format!(
            "{}  at localhost:{}  Passing",
            right.id,
            served.port()
        )),
        "{catalog}"
    );
    let found = run(agent.url(), &["find", &name]).await;
    assert_eq!(
        found.trim(),
        format!("{}  localhost:{}", right.id, served.port())
    );

    mistaken.deregister(&client).await.unwrap();
    right.deregister(&client).await.unwrap();
}
// ANCHOR_END: wrong_port

#[tokio::test]
async fn find_says_when_nothing_passes() {
    let agent = testkit::consul().await;
    let name = support::unique_name("nobody");
    let found = run(agent.url(), &["find", &name]).await;
    assert_eq!(found.trim(), format!("no passing instance of {name}"));
}

// ANCHOR: trap
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consulrs_cannot_read_an_agent_that_holds_an_ip_literal() {
    // An agent of its own: what this test registers breaks consulrs's reads for everyone.
    let agent = devconsul::Agent::start(devconsul::Config {
        http_addr: ([127, 0, 0, 1], 0).into(),
        ui: false,
        ..devconsul::Config::default()
    })
    .await
    .expect("start an agent");
    let client = consul_ext::client_for(&agent.url()).unwrap();

    // The seed's way: the address as an IP literal. Consul adds TaggedAddresses to it.
    let mut registration = RegisterServiceRequest::builder();
    registration
        .id("literal-1")
        .address("127.0.0.1")
        .port(7306u64);
    consulrs::service::register(&client, "literal", Some(&mut registration))
        .await
        .expect("the agent takes the registration");

    let read = within(
        "consulrs's service list",
        consulrs::service::list(&client, None),
    )
    .await;
    let error =
        read.expect_err("consulrs 0.1.0 reads TaggedAddresses as strings; Consul sends objects");
    let error = format!("{error:?}");
    assert!(
        error.contains("invalid type: map, expected a string"),
        "{error}"
    );
    // The lesson's catalog reads the same answer with consul-ext's types.
    let all = l06_register::catalog::all_instances(&agent.url(), "literal")
        .await
        .expect("the health query");
    assert_eq!(all[0].service.tagged_addresses["lan_ipv4"].port, 7306);
    agent.shutdown().await;
}
// ANCHOR_END: trap
