//! `tests/new.rs`'s helpers: a scratch folder, `l11-micro new` run as a learner runs it, a
//! generated crate checked and built as a learner builds it, and one of its services started.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use micro::registry::Node;
use testkit::ServerProcess;

use super::BINARY;

/// A folder of its own under the system's temporary folder, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(what: &str) -> Scratch {
        let dir = std::env::temp_dir().join(crate::support::unique_service(what));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `l11-micro new ARGS…` in `dir`: whether it succeeded, and what it printed.
pub fn new(dir: &Path, args: &[&str]) -> (bool, String) {
    let mut command = Command::new(BINARY);
    command
        .current_dir(dir)
        .arg("new")
        .args(args)
        .env("RUST_BACKTRACE", "0");
    let what = format!("`l11-micro new {}`", args.join(" "));
    let output = testkit::output_within(&what, &mut command, testkit::PATIENCE);
    let printed = String::from_utf8_lossy(&output.stdout) + String::from_utf8_lossy(&output.stderr);
    (output.status.success(), printed.into_owned())
}

/// `cargo fmt --check`, then `cargo build --offline` of the crate in `dir`, into the
/// course's own target folder: the generated crate's lock file and profile are the
/// course's, so every dependency the tests have built already is reused (a folder of its
/// own would compile the framework and all under it again, the better part of two minutes
/// on two cores).
pub fn build(dir: &Path) -> PathBuf {
    let target = Path::new(BINARY).ancestors().nth(2).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    // What a learner's `cargo fmt` would change is a template's fault.
    let mut format = Command::new(&cargo);
    format
        .args(["fmt", "--check", "--manifest-path"])
        .arg(dir.join("Cargo.toml"));
    let format = testkit::output_within("`cargo fmt --check`", &mut format, testkit::PATIENCE);
    let diff = String::from_utf8_lossy(&format.stdout);
    assert!(
        format.status.success(),
        "{} is not as rustfmt writes it:\n{diff}",
        dir.display()
    );
    let started = Instant::now();
    let mut command = Command::new(cargo);
    command
        .args(["build", "--offline", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target);
    // Without what cargo set for this test (its package's name, folder, …), as a shell
    // runs cargo: a build script that watches one of them (ring's watches
    // CARGO_MANIFEST_DIR) would be run again, and the course's own builds of everything
    // above it redone after this test.
    for (name, _) in std::env::vars() {
        let set_for_this_test = name.starts_with("CARGO_PKG_")
            || name.starts_with("CARGO_MANIFEST_")
            || [
                "CARGO_CRATE_NAME",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
            ]
            .contains(&name.as_str());
        if set_for_this_test {
            command.env_remove(name);
        }
    }
    // A build reusing the course's: seconds; from nothing, minutes. It may take as long as
    // the test runner gives a test that builds; past that, the runner's report names this
    // wait.
    let output = testkit::output_within(
        &format!("`cargo build` of {}", dir.display()),
        &mut command,
        testkit::deadline::TEST_THAT_BUILDS,
    );
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{} does not build:\n{log}",
        dir.display()
    );
    // (Cargo's note on a dependency's future incompatibility is not the crate's warning.)
    let warned = log
        .lines()
        .any(|line| line.starts_with("warning") && !line.contains("future version of Rust"));
    assert!(!warned, "{} builds with warnings:\n{log}", dir.display());
    eprintln!("built {} in {:.1?}", dir.display(), started.elapsed());
    target.join("debug")
}

/// A generated service, started with `registry`'s flags on a free port, once registered.
pub async fn run(binary: &Path, registry: &[String]) -> ServerProcess {
    let mut args: Vec<&str> = registry.iter().map(String::as_str).collect();
    args.extend(["--addr", "127.0.0.1:0"]);
    let server = ServerProcess::start(binary, &args, 1).await;
    server.logged("registered").await;
    server
}

/// The nodes of the HTTP broker's registration (`micro.http.broker`) that subscribe to
/// `topic`: a generated srv subscribes to its own name's topic.
pub fn subscribers_of(topic: &str, nodes: &[Node]) -> Vec<Node> {
    let of_topic = |node: &&Node| node.metadata.get("topic").map(String::as_str) == Some(topic);
    nodes.iter().filter(of_topic).cloned().collect()
}

/// A registry that is not up yet, then is: an address whose first connection is answered
/// `503 Service Unavailable` and closed (Consul while it elects its leader, as an HTTP client
/// meets it), and whose every later connection is carried to `agent` (`host:port`). The
/// first connection is whoever asks first: the service's first try, which fails.
pub async fn up_after_one_refusal(agent: &str) -> std::net::SocketAddr {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let agent = agent.to_string();
    tokio::spawn(async move {
        let Ok((mut first, _)) = listener.accept().await else {
            return;
        };
        let mut request = [0; 1024];
        let _ = first.read(&mut request).await;
        let refusal =
            "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n";
        let _ = first.write_all(refusal.as_bytes()).await;
        drop(first);
        while let Ok((mut inbound, _)) = listener.accept().await {
            let agent = agent.clone();
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(&agent).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    addr
}

/// `registry`'s flags with `--tls-certs`: a folder in `dir` where a CA of the test's own
/// (testkit's, as `l16-trust ca` and `issue` write it) issued each of `names`, and the
/// gateway, a certificate.
pub fn over_tls(dir: &Path, mut registry: Vec<String>, names: &[String]) -> Vec<String> {
    let certs = dir.join("certs");
    std::fs::create_dir(&certs).unwrap();
    let mut holders: Vec<&str> = names.iter().map(String::as_str).collect();
    holders.push("gateway");
    testkit::tls::Ca::new().write(&certs, &holders).unwrap();
    registry.extend(["--tls-certs".to_string(), certs.display().to_string()]);
    registry
}
