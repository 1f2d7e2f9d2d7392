//! The framework over mutual TLS with a Go peer, both ways, with the course's own
//! certificates (`course_ca`, as `l16-trust ca` and `l16-trust issue NAME` make them).
//!
//! go-micro v2.9.1 adds nothing of its own to TLS: `grpc.WithTLS(config)` hands one
//! `*tls.Config` to its gRPC client and server, which pass it to grpc-go as
//! `credentials.NewTLS(config)` (`client/grpc/grpc.go`, `secure`; `server/grpc/grpc.go`,
//! `getCredentials`). go-micro itself is in no package registry this course installs from,
//! so the peer here is grpc-go from Debian's packages, handed such a config: the Go
//! programs `grpc-server -tls-certs` and `grpc-call` of `tools/loadgen/go` (their comments
//! cite go-micro's lines). Chapter 16 shows a run against go-micro v2.9.1 itself.
//!
//! Two things a go-micro service must say or set:
//! - its registration must say `secure=true` (`service.Metadata`): go-micro's gRPC server
//!   does not, and the framework's client calls no node over TLS that does not say it;
//! - its config must name the server it calls (`ServerName`): grpc-go otherwise checks the
//!   certificate against the IP address it dials, which the course's certificates do not
//!   carry.
//!
//! Where Debian's Go cannot be had, the test says so and passes (`scripts/needs.sh`
//! installs it for the test command).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::Arc;

use course_ca::{self as ca, Subject};
use micro::client::MicroClient;
use micro::registry::memory::MemoryRegistry;
use micro::registry::{Node, Registry, grpc_metadata};
use micro::selector::RoundRobin;
use micro::tls::{Credentials, SECURE};
use testkit::{ServerProcess, output_within_async, within};

use crate::tls::start;

/// The Go programs, built for this test into a folder of its own.
struct GoPeers {
    bin: PathBuf,
    _dir: tempfile::TempDir,
}

impl GoPeers {
    /// Builds `grpc-server` and `grpc-call` with Debian's Go, or says why it cannot.
    async fn build() -> Option<GoPeers> {
        let dir = tempfile::tempdir().expect("a scratch folder");
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut build = std::process::Command::new("bash");
        build
            .args([
                "-c",
                r#"source tools/loadgen/go/build.sh && build_go_baselines "$0" "$1" grpc-server grpc-call"#,
            ])
            .arg(dir.path())
            .arg(&repo)
            .current_dir(&repo);
        // A build of grpc-go beside the suite: the runner's deadline for this test.
        let deadline = testkit::deadline::TEST_THAT_BUILDS_GO;
        let built = output_within_async("the Go peers' build", build, deadline).await;
        let said = String::from_utf8_lossy(&built.stderr);
        if !built.status.success() {
            assert!(
                said.contains("Go baselines skipped"),
                "the Go peers did not build:\n{said}"
            );
            eprintln!("skipped: no Go peer to hold the framework's TLS against: {said}");
            return None;
        }
        Some(GoPeers {
            bin: dir.path().join("loadgen-go/bin"),
            _dir: dir,
        })
    }

    /// `grpc-call` as `as` to the node at `address`, naming `service`.
    async fn call(&self, certs: &Path, as_: &str, service: &str, address: &str) -> Output {
        let mut call = std::process::Command::new(self.bin.join("grpc-call"));
        call.arg("-addr")
            .arg(address)
            .arg("-tls-certs")
            .arg(certs)
            .args(["-tls-as", as_, "-service", service, "-name", "Ada"]);
        output_within_async("grpc-call", call, testkit::deadline::STEP).await
    }
}

/// The course's CA in a folder, with a certificate for each of `names`.
fn course_certs(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a scratch folder");
    ca::create(dir.path()).expect("the course's CA");
    for name in names {
        ca::issue(dir.path(), &Subject::service(name)).expect("a certificate");
    }
    dir
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).trim().to_string()
}

#[tokio::test]
async fn grpc_go_configured_as_go_micro_and_the_framework_call_each_other_over_mutual_tls() {
    let Some(go) = GoPeers::build().await else {
        return;
    };
    // The proto's package is `hello`: a go-micro client's path is /SERVICE.Greeter/SayHello,
    // the proto's own when the service is named after its package.
    let certs = course_certs(&["hello", "gateway"]);
    // A caller that trusts the course's CA but shows a certificate of another CA's.
    let other_ca = course_certs(&["gateway"]);
    std::fs::copy(certs.path().join("ca.pem"), other_ca.path().join("ca.pem")).unwrap();
    let credentials = |dir: &Path, name: &str| Credentials::load(dir, name).unwrap();

    // go-micro → the framework: a node of `hello` serving over mutual TLS, called by
    // go-micro's client as the gateway.
    let registry: Arc<dyn Registry> = Arc::new(MemoryRegistry::new());
    let (node, _stop) = start(&registry, "hello", Some(credentials(certs.path(), "hello"))).await;
    let called = go
        .call(certs.path(), "gateway", "hello", &node.address)
        .await;
    assert!(
        called.status.success(),
        "go-micro's client is answered: {}",
        text(&called.stderr)
    );
    assert_eq!(text(&called.stdout), format!("Hello Ada from {}", node.id));
    // The certificate names `hello`, not `user`: grpc-go refuses it, and says why.
    let wrong_name = go
        .call(certs.path(), "gateway", "user", &node.address)
        .await;
    assert!(!wrong_name.status.success());
    assert!(
        text(&wrong_name.stderr).contains("valid for hello, not user"),
        "{}",
        text(&wrong_name.stderr)
    );
    // A certificate from another CA: the framework's server ends the handshake.
    let stranger = go
        .call(other_ca.path(), "gateway", "hello", &node.address)
        .await;
    // (What grpc-go says depends on whether it read the server's alert before its next write
    // met the closed connection: `remote error: tls: …` or a broken pipe. Either way no reply.)
    assert!(!stranger.status.success());
    assert!(
        text(&stranger.stdout).is_empty(),
        "{}",
        text(&stranger.stdout)
    );
    assert!(
        text(&stranger.stderr).contains("code = Unavailable"),
        "{}",
        text(&stranger.stderr)
    );

    // The framework → go-micro: grpc-go's server over mutual TLS, in the registry as
    // go-micro's gRPC server registers itself, then as one given `secure=true`, called by
    // the framework's client.
    let server = go.bin.join("grpc-server");
    let certs_dir = certs.path().to_str().unwrap();
    let go_micro = ServerProcess::start(
        &server,
        &[
            "-addr",
            "127.0.0.1:0",
            "-tls-certs",
            certs_dir,
            "-tls-as",
            "hello",
        ],
        1,
    )
    .await;
    let go_registry: Arc<dyn Registry> = Arc::new(MemoryRegistry::new());
    let go_node = |secure: bool| {
        let mut metadata: BTreeMap<String, String> = grpc_metadata();
        if secure {
            metadata.insert(SECURE.to_string(), "true".to_string());
        }
        Node {
            id: format!("hello-{}", go_micro.addr().port()),
            address: go_micro.addr().to_string(),
            version: "latest".to_string(),
            metadata,
            endpoints: Vec::new(),
        }
    };
    // As go-micro's gRPC server registers itself: no word of TLS. Refused before sending.
    within(
        "the registration",
        go_registry.register("hello", &go_node(false)),
    )
    .await
    .unwrap();
    let client = || {
        MicroClient::new(go_registry.clone(), Box::new(RoundRobin::default()))
            .tls(Some(credentials(certs.path(), "gateway")))
    };
    let refused = within("a call", client().say_hello("hello", "Ada"))
        .await
        .expect_err("a node that does not say it speaks TLS is not called");
    assert!(
        refused.message().contains("does not say it speaks TLS"),
        "{refused:?}"
    );
    // With `service.Metadata(map[string]string{"secure": "true"})`: called over mutual TLS.
    within(
        "the registration",
        go_registry.register("hello", &go_node(true)),
    )
    .await
    .unwrap();
    let (answered, reply) = within("a call", client().say_hello("hello", "Ada"))
        .await
        .expect("go-micro's server answers the framework's client");
    assert_eq!(reply, "Hello Ada!");
    assert_eq!(answered.address, go_micro.addr().to_string());
    // A client whose certificate is from another CA gets nothing from it.
    let stranger = MicroClient::new(go_registry, Box::new(RoundRobin::default()))
        .tls(Some(credentials(other_ca.path(), "gateway")));
    // In TLS 1.3 the server checks the client's certificate after the client has finished
    // its side of the handshake: the client learns of the refusal as a connection that
    // fails, or is cancelled, as it sends its first call or before.
    let refused = within("a call", stranger.say_hello("hello", "Ada"))
        .await
        .expect_err("go-micro's server requires a certificate from its CA");
    assert!(
        refused.message().contains(&go_micro.addr().to_string()),
        "the refusal names the node: {refused:?}"
    );
}
