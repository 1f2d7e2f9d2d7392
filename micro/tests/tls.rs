//! Services and clients of the framework over mutual TLS (`micro::tls`), in real handshakes
//! on loopback, with certificates made here as lesson 16's `ca` and `issue` make them:
//! a node that serves TLS says so in the registry and is called over it; a client without a
//! certificate, or one from another CA, gets no call through; a TLS client calls no
//! plaintext node, and no node whose certificate is not from its CA, even when the registry
//! says it speaks TLS: the call goes to the real node instead. `micro api` learns a TLS
//! node's schema and calls it with the gateway's certificate, and says why it cannot
//! without one. Callers that never begin a handshake hold up no one, and credentials that
//! are no certificate are one clear line on both sides.

use std::sync::Arc;

use micro::client::MicroClient;
use micro::registry::memory::MemoryRegistry;
use micro::registry::{Node, Registry};
use micro::selector::RoundRobin;
use micro::service::{NodeGreeter, Service};
use micro::tls::Credentials;
use proto::hello::greeter_server::GreeterServer;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tonic::Code;
use tonic::server::NamedService;

use crate::support::unique_service;
use testkit::{PATIENCE, http_get, within};

/// `micro api` in front of `registry`, calling the services with `tls`; its address.
async fn gateway(registry: &Arc<dyn Registry>, tls: Option<Credentials>) -> String {
    let options = micro::api::Options {
        tls,
        ..Default::default()
    };
    crate::support::api(registry.clone(), options).await
}

/// GET `path` of the gateway at `api`: the status and the body.
async fn ask(api: &str, path: &str) -> (u16, String) {
    within("the gateway's answer", http_get(api, path))
        .await
        .unwrap()
}

/// A CA of the test's own (testkit's), issuing the framework's credentials.
struct Ca(testkit::tls::Ca);

impl Ca {
    fn new() -> Ca {
        Ca(testkit::tls::Ca::new())
    }

    /// `name`'s credentials, as `l16-trust issue NAME` writes them.
    fn issue(&self, name: &str) -> Credentials {
        let issued = self.0.issue(name);
        Credentials::from_pem(&self.0.pem, &issued.cert_pem, &issued.key_pem, name)
    }
}

/// A Greeter node of `name` in `registry`, over TLS with `tls` or plaintext without; it
/// stops when the sender is dropped. Returns once it is registered.
pub(crate) async fn start(
    registry: &Arc<dyn Registry>,
    name: &str,
    tls: Option<Credentials>,
) -> (Node, oneshot::Sender<()>) {
    let service = Service::new(name, registry.clone())
        .address("127.0.0.1:0")
        .tls(tls)
        .handle(GreeterServer::new(NodeGreeter))
        .handle(micro::api::reflect::server(&[
            GreeterServer::<NodeGreeter>::NAME,
        ]));
    let mut nodes = registry.watch(name).await.unwrap();
    let before: Vec<Node> = nodes.borrow().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(service.run(async {
        let _ = stopped.await;
    }));
    let new = |nodes: &Vec<Node>| nodes.iter().find(|node| !before.contains(node)).cloned();
    let listed = within(
        "the node to register",
        nodes.wait_for(|nodes| new(nodes).is_some()),
    )
    .await
    .unwrap();
    (new(&listed).unwrap(), stop)
}

/// A registry holding one node of a new service over TLS, and the CA that issued the
/// node's certificate; the node stops when this is dropped.
struct TlsService {
    registry: Arc<dyn Registry>,
    name: String,
    ca: Ca,
    node: Node,
    _stop: oneshot::Sender<()>,
}

impl TlsService {
    async fn start(what: &str) -> TlsService {
        let registry: Arc<dyn Registry> = Arc::new(MemoryRegistry::new());
        let name = unique_service(what);
        let ca = Ca::new();
        let (node, _stop) = start(&registry, &name, Some(ca.issue(&name))).await;
        TlsService {
            registry,
            name,
            ca,
            node,
            _stop,
        }
    }
}

fn client(registry: &Arc<dyn Registry>) -> MicroClient {
    MicroClient::new(registry.clone(), Box::new(RoundRobin::default()))
}

#[tokio::test]
async fn a_node_that_serves_tls_says_so_and_is_called_over_it() {
    let service = TlsService::start("tls").await;
    assert_eq!(
        service
            .node
            .metadata
            .get(micro::tls::SECURE)
            .map(String::as_str),
        Some("true"),
        "the registration says the node speaks TLS: {:?}",
        service.node.metadata
    );

    let tls_client = client(&service.registry).tls(service.ca.issue("gateway"));
    let (answered, reply) = within(
        "a call over TLS",
        tls_client.say_hello(&service.name, "Ada"),
    )
    .await
    .expect("a client from the same CA is answered");
    assert_eq!(answered.id, service.node.id);
    assert!(reply.starts_with("Hello Ada"), "{reply}");

    let plain = client(&service.registry);
    let refused = within(
        "a call without a certificate",
        plain.say_hello(&service.name, "Eve"),
    )
    .await
    .expect_err("a client with no certificate gets no call through");
    assert_eq!(refused.code(), Code::Unavailable, "{refused:?}");
    assert!(
        refused.message().contains("speaks TLS only"),
        "the reason is said: {refused:?}"
    );
}

#[tokio::test]
async fn a_client_from_another_ca_is_refused_in_the_handshake() {
    let registry: Arc<dyn Registry> = Arc::new(MemoryRegistry::new());
    let name = unique_service("tls-other-ca");
    let (_node, _stop) = start(&registry, &name, Some(Ca::new().issue(&name))).await;
    let stranger = client(&registry).tls(Ca::new().issue("gateway"));
    let refused = within("a call from another CA", stranger.say_hello(&name, "Eve"))
        .await
        .expect_err("the server's certificate is not from the client's CA");
    assert_eq!(refused.code(), Code::Unavailable, "{refused:?}");
}

#[tokio::test]
async fn a_tls_client_calls_neither_a_plaintext_node_nor_an_impostor_but_the_real_node() {
    let registry: Arc<dyn Registry> = Arc::new(MemoryRegistry::new());
    let name = unique_service("tls-impostors");
    let ca = Ca::new();
    // Two impostors registered under the service's name: one in plaintext, one that says
    // it speaks TLS and shows a certificate of its own CA (for the right name).
    let (_plaintext, _stop_plain) = start(&registry, &name, None).await;
    let (_impostor, _stop_impostor) = start(&registry, &name, Some(Ca::new().issue(&name))).await;
    let (real, _stop_real) = start(&registry, &name, Some(ca.issue(&name))).await;

    let tls_client = client(&registry).tls(ca.issue("gateway"));
    for call in 0..6 {
        let (answered, _) = within("a call", tls_client.say_hello(&name, "Ada"))
            .await
            .unwrap_or_else(|status| panic!("call {call} failed: {status:?}"));
        assert_eq!(
            answered.id, real.id,
            "call {call} went to a node that is not the service's"
        );
    }
}

#[tokio::test]
async fn micro_api_calls_a_tls_node_with_the_gateways_certificate_and_says_why_not_without() {
    let service = TlsService::start("tls-api").await;
    let path = format!("/{}/greeter/say-hello?name=Ada", service.name);

    let tls = Some(service.ca.issue("gateway"));
    let api = gateway(&service.registry, tls).await;
    let (status, body) = ask(&api, &path).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains(&format!("Hello Ada from {}", service.node.id)),
        "{body}"
    );

    let plain = gateway(&service.registry, None).await;
    let (status, body) = ask(&plain, &path).await;
    assert_eq!(status, 503, "{body}");
    assert!(
        body.contains("speaks TLS only, and this client has no certificate"),
        "the gateway says why: {body}"
    );
}

#[tokio::test]
async fn callers_that_never_handshake_hold_up_no_one_and_are_closed_after_the_deadline() {
    let service = TlsService::start("tls-silent").await;

    // Connections that never send a byte: each one's handshake waits for its deadline.
    let mut silent = Vec::new();
    for _ in 0..10 {
        let connected = within("a connection", TcpStream::connect(&service.node.address)).await;
        silent.push(connected.expect("connect"));
    }
    let tls_client = client(&service.registry).tls(service.ca.issue("gateway"));
    within(
        "a call beside them",
        tls_client.say_hello(&service.name, "Ada"),
    )
    .await
    .expect("a caller that does handshake is answered");
    // Answered while every silent connection is still open: the call did not wait behind
    // their handshakes (a server that made them one at a time would answer only once
    // their deadlines had closed them).
    for connection in &silent {
        let mut byte = [0u8; 1];
        match connection.try_read(&mut byte) {
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {}
            other => {
                panic!("a silent connection was closed before the call was answered: {other:?}")
            }
        }
    }
    // Then the server closes each of them at its handshake deadline.
    for mut connection in silent {
        let mut rest = Vec::new();
        let limit = micro::tls::HANDSHAKE_DEADLINE + PATIENCE;
        // An end of stream or a reset: either way, closed.
        let closed = tokio::time::timeout(limit, connection.read_to_end(&mut rest)).await;
        assert!(
            closed.is_ok(),
            "a connection that never began its handshake was still open after {limit:?}"
        );
        assert!(
            rest.is_empty(),
            "the server sent {} bytes to a caller that sent nothing",
            rest.len()
        );
    }
}

#[tokio::test]
async fn credentials_that_are_no_certificate_are_a_clear_error_on_both_sides() {
    let registry: Arc<dyn Registry> = Arc::new(MemoryRegistry::new());
    let name = unique_service("tls-bad-pem");
    let ca = Ca::new();
    let broken = Credentials::from_pem(&ca.0.pem, "not a certificate", "not a key", &name);

    let service = Service::new(&name, registry.clone())
        .address("127.0.0.1:0")
        .tls(broken.clone())
        .handle(GreeterServer::new(NodeGreeter));
    let ended = within(
        "the service to give up",
        service.run(std::future::pending()),
    )
    .await;
    let error = format!(
        "{:#}",
        ended.expect_err("a service cannot serve with no certificate")
    );
    assert!(
        error.contains(&format!("{name}'s certificate cannot be used")),
        "{error}"
    );

    let (_node, _stop) = start(&registry, &name, Some(ca.issue(&name))).await;
    let refused = within(
        "a call with a broken certificate",
        client(&registry).tls(broken).say_hello(&name, "Ada"),
    )
    .await
    .expect_err("a client with no usable certificate calls nobody");
    assert_eq!(refused.code(), Code::Unavailable, "{refused:?}");
    assert!(
        refused
            .message()
            .contains("this client's certificate cannot be used"),
        "{refused:?}"
    );
}
