//! py-consul, a Python Consul client, against the embedded agent: it sends lower-case keys
//! and insists on the X-Consul-Index header, even on a KV 404.
//!
//! The project's test script installs it: `python3 -m pip install --quiet py-consul`.

use std::time::Duration;

use devconsul::{Agent, Config};

const INSTALL: &str = "python3 -m pip install --quiet py-consul";

/// Fails (never skips) when Python or py-consul is missing, naming the command that fixes it.
async fn require_py_consul() {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import consul"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| {
            panic!("this test runs python3, which could not be started ({error}); install Python 3, then `{INSTALL}`")
        });
    let probe = testkit::child_output_within_async(
        "`python3 -c 'import consul'`",
        probe,
        testkit::PATIENCE,
    )
    .await;
    assert!(
        probe.status.success(),
        "the Python module `consul` (PyPI package py-consul) is missing; install it with `{INSTALL}`\n{}",
        String::from_utf8_lossy(&probe.stderr)
    );
}

#[tokio::test]
async fn py_consul_registers_discovers_reads_kv_and_deregisters() {
    require_py_consul().await;
    let config = Config {
        http_addr: ([127, 0, 0, 1], 0).into(),
        ..Config::default()
    };
    let agent = Agent::start(config)
        .await
        .expect("the embedded agent starts");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python_py_consul.py");

    let mut command = std::process::Command::new("python3");
    command
        .arg(script)
        .arg("127.0.0.1")
        .arg(agent.http_addr().port().to_string())
        .env_remove("CONSUL_HTTP_ADDR");
    let output =
        testkit::output_within_async("the py-consul script", command, Duration::from_secs(60))
            .await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the py-consul script failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(stdout.contains("ok"), "{stdout}");
    agent.shutdown().await;
}
