//! Exercise `register.definition-file`: `cargo test -p l06-register --test definition_file`.
//!
//! An agent started with a config folder loads the definition file it finds there; a
//! second file, for a second instance, is picked up by a reload (`PUT /v1/agent/reload`,
//! what `consul reload` sends); both instances pass, each with its own check; a file
//! removed and reloaded takes its instance away.
//!
//! This test runs the development agent itself (`devconsul`), because it needs the agent's
//! config folder: an agent named by `CONSUL_HTTP_ADDR` would not read our files.

mod support;

use std::path::PathBuf;

use consul_ext::ServiceEntry;
use l06_register::exercises::definition_file::service_definition;
use testkit::within;

/// A fresh, empty folder, removed when dropped.
struct ConfigDir(PathBuf);

impl ConfigDir {
    fn new() -> ConfigDir {
        let dir = std::env::temp_dir().join(support::unique_name("l06-config"));
        std::fs::create_dir_all(&dir).expect("create the config folder");
        ConfigDir(dir)
    }

    fn write(&self, file: &str, name: &str, port: u16) -> PathBuf {
        let path = self.0.join(file);
        let json = serde_json::to_string_pretty(&service_definition(name, port, &["v1"]))
            .expect("the definition as JSON");
        std::fs::write(&path, json).expect("write the definition file");
        path
    }
}

impl Drop for ConfigDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn reload(agent: &str) {
    within(
        "the agent to reload",
        consul_ext::put(agent, "agent/reload", None),
    )
    .await
    .expect("PUT /v1/agent/reload");
}

/// Each passing instance has a TCP check of its own.
fn assert_own_checks(entries: &[ServiceEntry]) {
    for entry in entries {
        let own: Vec<_> = entry
            .checks
            .iter()
            .filter(|check| check.service_id == entry.service.id)
            .collect();
        assert!(
            own.len() == 1 && own[0].kind == "tcp",
            "{} should have one TCP check of its own, has {own:?} (check IDs are unique on the \
             whole agent)",
            entry.service.id
        );
        assert!(
            entry.service.tags.contains(&"v1".to_string()),
            "the tags are in the file"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_loaded_at_start_and_on_reload() {
    let name = support::unique_name("from-file");
    let (_first, a) = support::listener().await;
    let (_second, b) = support::listener().await;
    let config = ConfigDir::new();
    config.write("a.json", &name, a.port());

    let agent = devconsul::Agent::start(devconsul::Config {
        http_addr: ([127, 0, 0, 1], 0).into(),
        config_dir: Some(config.0.clone()),
        ui: false,
        ..devconsul::Config::default()
    })
    .await
    .unwrap_or_else(|error| panic!("the agent refused the definition file: {error:#}"));
    let url = agent.url();

    let one = support::wait_for_passing(&url, &name, 1).await;
    assert_eq!(one[0].service.port, a.port());
    assert_own_checks(&one);

    let second = config.write("b.json", &name, b.port());
    reload(&url).await;
    let both = support::wait_for_passing(&url, &name, 2).await;
    assert_own_checks(&both);

    std::fs::remove_file(second).expect("remove b.json");
    reload(&url).await;
    let left = within(
        "the catalog after the reload",
        l06_register::catalog::all_instances(&url, &name),
    )
    .await
    .expect("the health query");
    let ports: Vec<u16> = left.iter().map(|entry| entry.service.port).collect();
    assert_eq!(
        ports,
        [a.port()],
        "the instance whose file is gone is deregistered"
    );

    agent.shutdown().await;
}
