//! rpcx's registry in etcd, laid out as rpcx-etcd's `EtcdV3RegisterPlugin` writes it
//! (github.com/rpcxio/rpcx-etcd, `serverplugin/etcdv3.go` and `store/etcdv3/etcdv3.go` at
//! 67fd647, the commit that moved it to rpcx v1.6.2):
//!
//! | key | value |
//! |---|---|
//! | `/rpcx/test` (the base path) | `rpcx_path` |
//! | `/rpcx/test/Arith` | `Arith` |
//! | `/rpcx/test/Arith/tcp@127.0.0.1:7013` | the server's metadata as a URL query: `weight=3&state=inactive`, or empty |
//!
//! All three hang on one lease that the server keeps alive, so a server that dies without
//! a word leaves when its lease ends, and one that stops cleanly deletes its key at once.
//! The lease keeping is lesson 11's (`micro`'s `keep_lease`), and so is following a prefix
//! (`follow_prefix`): only the layout is rpcx's.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;

use etcd_client::PutOptions;
use micro::registry::etcd::Members;
use micro::registry::etcd::follow::follow_prefix;
use micro::registry::etcd::lease::keep_lease;
use micro::registry::{Node, Nodes};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::warn;

/// The base path of the Go course's servers and clients.
pub const BASE_PATH: &str = "/rpcx/test";

/// How long registering waits for etcd before it reports it unreachable.
const REGISTER_TIMEOUT: Duration = Duration::from_secs(4);

// ANCHOR: keys
/// The key of one server of `service`: `/rpcx/test/Arith/tcp@127.0.0.1:7013`.
pub fn node_key(base: &str, service: &str, address: SocketAddr) -> String {
    format!("{base}/{service}/tcp@{address}")
}

/// The prefix of every server of `service`, ending in `/`.
pub fn service_prefix(base: &str, service: &str) -> String {
    format!("{base}/{service}/")
}

/// One key under a service's prefix, read as a server: `tcp@host:port`, its value the
/// metadata. Anything else (another network, a deeper key) is not one of ours to call.
pub fn decode(prefix: &str, key: &[u8], value: &[u8]) -> Vec<Node> {
    let key = String::from_utf8_lossy(key);
    let Some(address) = key
        .strip_prefix(prefix)
        .and_then(|server| server.strip_prefix("tcp@"))
        .filter(|address| address.parse::<SocketAddr>().is_ok())
    else {
        return Vec::new();
    };
    vec![Node {
        id: format!("tcp@{address}"),
        address: address.to_string(),
        version: String::new(),
        metadata: metadata(&String::from_utf8_lossy(value)),
        endpoints: Vec::new(),
    }]
}

/// rpcx's metadata: a URL query, `weight=3&state=inactive`. A key given twice keeps its
/// first value, as Go's `url.Values.Get` reads it.
pub fn metadata(query: &str) -> BTreeMap<String, String> {
    let mut metadata = BTreeMap::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        metadata
            .entry(key.into_owned())
            .or_insert_with(|| value.into_owned());
    }
    metadata
}

/// Whether a client may call this server: rpcx's clients leave out `state=inactive`.
pub fn is_active(node: &Node) -> bool {
    node.metadata.get("state").map(String::as_str) != Some("inactive")
}
// ANCHOR_END: keys

// ANCHOR: register
/// A server written down in etcd, and kept there until [`Registration::deregister`] or
/// until the process dies and its lease runs out.
pub struct Registration {
    members: Members,
    key: String,
    keeping: JoinHandle<()>,
    naming: JoinHandle<()>,
    lease: watch::Receiver<Option<i64>>,
}

/// Registers the server at `address` of `service` under `base`, with `metadata` (a URL
/// query, or empty), on a lease of `ttl`.
pub async fn register(
    members: &Members,
    base: &str,
    service: &str,
    address: SocketAddr,
    metadata: &str,
    ttl: Duration,
) -> anyhow::Result<Registration> {
    let key = node_key(base, service, address);
    // No etcd at all is said at once, in one line, rather than retried below.
    members
        .answering()
        .await
        .map_err(|error| members.failed(&format!("register {key}"), error))?;
    let (leases, mut lease) = watch::channel(None);
    let keeping = tokio::spawn(keep_lease(
        members.clone(),
        key.clone(),
        metadata.to_string(),
        ttl,
        leases,
    ));
    // The base path and the service's key hang on the same lease: whenever there is a new
    // one (the first, or one granted after a lost lease), they are written again on it.
    let names = [
        (base.to_string(), "rpcx_path".to_string()),
        (format!("{base}/{service}"), service.to_string()),
    ];
    let (written, first_written) = tokio::sync::oneshot::channel();
    let naming = tokio::spawn(put_on_each_lease(
        members.clone(),
        names,
        lease.clone(),
        written,
    ));
    let registered =
        async { lease.wait_for(Option::is_some).await.is_ok() && first_written.await.is_ok() };
    if !tokio::time::timeout(REGISTER_TIMEOUT, registered)
        .await
        .unwrap_or(false)
    {
        keeping.abort();
        naming.abort();
        anyhow::bail!(
            "cannot register {key}: etcd at {} granted no lease",
            members.endpoints()
        );
    }
    Ok(Registration {
        members: members.clone(),
        key,
        keeping,
        naming,
        lease,
    })
}
// ANCHOR_END: register

/// Writes `names` on every lease the registration gets; says so on `written` the first time.
async fn put_on_each_lease(
    members: Members,
    names: [(String, String); 2],
    mut lease: watch::Receiver<Option<i64>>,
    written: tokio::sync::oneshot::Sender<()>,
) {
    let mut written = Some(written);
    loop {
        let current = *lease.borrow_and_update();
        if let Some(lease) = current {
            let options = PutOptions::new().with_lease(lease);
            for (key, value) in &names {
                let put = members
                    .any(|mut client| {
                        let options = options.clone();
                        async move {
                            client
                                .put(key.as_str(), value.as_str(), Some(options))
                                .await
                        }
                    })
                    .await;
                if let Err(error) = put {
                    warn!(%key, %error, "cannot write the key on the lease");
                }
            }
            if let Some(written) = written.take() {
                let _ = written.send(());
            }
        }
        if lease.changed().await.is_err() {
            return;
        }
    }
}

// ANCHOR: deregister
impl Registration {
    /// The server's key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// Stops renewing, deletes the server's key and ends its lease: clients watching the
    /// prefix drop the server at once.
    pub async fn deregister(self) -> anyhow::Result<()> {
        self.keeping.abort();
        self.naming.abort();
        let lease = *self.lease.borrow();
        // The lease ends too, and with it the two name keys that hang on it.
        Ok(self.members.withdraw(&self.key, lease).await?)
    }
}
// ANCHOR_END: deregister

// ANCHOR: discover
/// The servers of `service` under `base`, kept current by a watch of their prefix.
pub async fn discover(members: &Members, base: &str, service: &str) -> anyhow::Result<Nodes> {
    follow_prefix(members, &service_prefix(base, service), decode)
        .await
        .map_err(|error| members.failed(&format!("watch {service}"), error))
}
// ANCHOR_END: discover
