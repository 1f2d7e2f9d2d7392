//! The registry flags every program on the framework takes, as go-micro's services do:
//! `--registry`, `--registry-address`, `--registry-ttl`, `--registry-wait`, or the same from
//! `MICRO_REGISTRY…`; and the TLS flags, `--tls-certs` and `--tls-as` (`MICRO_TLS_…`).
//!
//! The lesson's binary flattens them into its command line, and so does every crate that
//! `l11-micro new` writes: one place says what they mean.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::registry::Registry;
use crate::registry::open::open_registry;
use crate::tls::Credentials;

// ANCHOR: flags
/// Which registry, where, how long a registration lives without renewal, and how long a
/// service waits for the registry to answer.
#[derive(clap::Args, Debug, Clone)]
pub struct RegistryFlags {
    /// Which registry: consul, etcd, mdns or memory.
    #[arg(long, global = true, env = "MICRO_REGISTRY", default_value = "consul")]
    pub registry: String,
    /// Where it is (etcd: several members, comma-separated; mdns: the network interface to
    /// speak on, by name or address). For Consul, CONSUL_HTTP_ADDR is used when this is not
    /// given.
    #[arg(long, global = true, env = "MICRO_REGISTRY_ADDRESS")]
    pub registry_address: Option<String>,
    /// How long a registration lives without renewal (500ms, 2s, 1m).
    #[arg(long, global = true, env = "MICRO_REGISTRY_TTL", default_value = "10s",
          value_parser = shared::consul::parse_duration)]
    pub registry_ttl: Duration,
    /// How long a service keeps trying to register while the registry does not answer yet
    /// (0s: one try). For a registry started at the same time, as Compose starts one.
    #[arg(long, global = true, env = "MICRO_REGISTRY_WAIT", default_value = "0s",
          value_parser = shared::consul::parse_duration)]
    pub registry_wait: Duration,
}
// ANCHOR_END: flags

impl RegistryFlags {
    /// The registry these flags name.
    pub async fn open(&self) -> anyhow::Result<Arc<dyn Registry>> {
        let address = match (&self.registry_address, self.registry.as_str()) {
            (None, "consul") => std::env::var("CONSUL_HTTP_ADDR").ok(),
            (address, _) => address.clone(),
        };
        open_registry(&self.registry, address.as_deref(), self.registry_ttl).await
    }
}

/// Mutual TLS ([`crate::tls`], lesson 16): the folder of certificates that `l16-trust ca`
/// and `l16-trust issue NAME` write, and whose certificate to show. Without `--tls-certs`,
/// plaintext.
#[derive(clap::Args, Debug, Clone)]
pub struct TlsFlags {
    /// Speak mutual TLS with the certificates in this folder (ca.pem, NAME.pem, NAME.key).
    #[arg(long, global = true, env = "MICRO_TLS_CERTS")]
    pub tls_certs: Option<PathBuf>,
    /// Whose certificate to show (a service: its own name unless given).
    #[arg(long, global = true, env = "MICRO_TLS_AS")]
    pub tls_as: Option<String>,
}

impl TlsFlags {
    /// The credentials these flags name, showing `name`'s certificate unless `--tls-as`
    /// says whose; none without `--tls-certs`.
    pub fn credentials(&self, name: &str) -> anyhow::Result<Option<Credentials>> {
        let Some(dir) = &self.tls_certs else {
            return Ok(None);
        };
        Credentials::load(dir, self.tls_as.as_deref().unwrap_or(name)).map(Some)
    }
}
