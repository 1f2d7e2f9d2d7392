//! Mutual TLS for the framework's services and clients (lesson 16).
//!
//! Lesson 16 gives each service a key and a certificate from the course's CA, naming the
//! service twice: a DNS name (`user`) for the caller to check, and a URI name
//! (`spiffe://course/user`) for the server to authorize by. The framework takes them as
//! files, in the folder `l16-trust ca` and `l16-trust issue NAME` write: `ca.pem`,
//! `NAME.pem`, `NAME.key`.
//!
//! A service given [`Credentials`] serves over TLS only, requires every caller's certificate
//! from the same CA, and says so in its registration: `secure=true` in its node's metadata,
//! the key go-micro's HTTP broker writes for the same thing (`broker/http.go`, v2.9.1).
//! That key is a hint, never trust: anyone who can write to the registry can write it. What
//! decides is the handshake: the client requires the node's certificate from its CA and
//! naming the service it called.
//!
//! A client given credentials calls every node over TLS, and refuses a node that does not
//! say it speaks TLS: otherwise anyone who can write to the registry could register a
//! plaintext node of `user` and read the passwords sent to it. A client without them calls
//! in plaintext and refuses a node that speaks TLS only, with a reason rather than a broken
//! handshake. Either refusal happens before anything is sent, so the call goes to another
//! node ([`crate::client::wire::not_sent`]). go-micro's gRPC client does not look at the
//! registry for this: with `grpc.AuthTLS` it speaks TLS to every node, without it to none
//! (but port 443).

use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use tonic::transport::{Certificate, ClientTlsConfig, Identity, ServerTlsConfig};

use crate::registry::Node;

/// The key in a node's metadata that says it serves over TLS only (`"true"`).
pub const SECURE: &str = "secure";

/// How long a caller has to finish its handshake with a service.
pub const HANDSHAKE_DEADLINE: Duration = Duration::from_secs(5);

/// What one service shows and trusts: its key and certificate, and the CA it trusts.
#[derive(Clone)]
pub struct Credentials {
    /// The CA whose certificates this side accepts from the other.
    ca: Certificate,
    /// This side's certificate and key.
    identity: Identity,
    /// Whose they are: the `NAME` of `NAME.pem`.
    pub name: String,
}

impl Credentials {
    /// `name`'s key and certificate, and the CA, from `dir` as lesson 16's `ca` and `issue`
    /// write them.
    pub fn load(dir: &Path, name: &str) -> anyhow::Result<Credentials> {
        let read = |file: String| {
            let path = dir.join(&file);
            std::fs::read_to_string(&path).with_context(|| {
                format!(
                    "cannot read {} (make it with `l16-trust ca` and `l16-trust issue {name}`)",
                    path.display()
                )
            })
        };
        Ok(Credentials::from_pem(
            &read("ca.pem".into())?,
            &read(format!("{name}.pem"))?,
            &read(format!("{name}.key"))?,
            name,
        ))
    }

    /// Credentials from PEM text: the CA's certificate, then `name`'s certificate and key.
    pub fn from_pem(ca_pem: &str, cert_pem: &str, key_pem: &str, name: &str) -> Credentials {
        Credentials {
            ca: Certificate::from_pem(ca_pem),
            identity: Identity::from_pem(cert_pem, key_pem),
            name: name.to_string(),
        }
    }

    // ANCHOR: configs
    /// The server's side: show this certificate, and require the caller's, from the CA.
    pub fn server(&self) -> ServerTlsConfig {
        ServerTlsConfig::new()
            .identity(self.identity.clone())
            .client_ca_root(self.ca.clone())
            .timeout(HANDSHAKE_DEADLINE)
    }

    /// The client's side, calling `service`: require a certificate from the CA that names
    /// `service`, and show this one.
    pub fn client(&self, service: &str) -> ClientTlsConfig {
        ClientTlsConfig::new()
            .ca_certificate(self.ca.clone())
            .identity(self.identity.clone())
            .domain_name(service)
    }
    // ANCHOR_END: configs
}

/// Whether `node` says it serves over TLS only.
pub fn is_secure(node: &Node) -> bool {
    node.metadata
        .get(SECURE)
        .is_some_and(|value| value == "true")
}
