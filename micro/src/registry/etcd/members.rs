//! The members of an etcd cluster, one client each.
//!
//! etcd-client's own client over several endpoints does not skip a dead member: its
//! balanced channel still picks it, and the call fails `Unavailable`. So the registry keeps
//! one client per member and moves on to the next while one is down or electing a leader.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use etcd_client::{Client, ConnectOptions};
use shared::unreachable::{Needed, no_answer, nothing_listens};
use tonic::Code;
use tracing::{debug, warn};

/// How long one request to one member may take before the next member is tried.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(2);

// ANCHOR: members
/// The members of an etcd cluster, one client each; a request goes to the member that
/// answered last, and on to the next one while members are down.
#[derive(Clone)]
pub struct Members {
    endpoints: Vec<String>,
    clients: Vec<Client>,
    preferred: Arc<AtomicUsize>,
}

impl Members {
    /// Clients for `endpoints` (`host:port` each). Connecting is lazy: nothing is sent yet.
    pub async fn connect(endpoints: &[String]) -> anyhow::Result<Members> {
        anyhow::ensure!(!endpoints.is_empty(), "no etcd endpoint given");
        let options = ConnectOptions::new()
            .with_connect_timeout(Duration::from_secs(1))
            .with_keep_alive(Duration::from_secs(5), Duration::from_secs(2));
        let mut clients = Vec::new();
        for endpoint in endpoints {
            let client = Client::connect([endpoint], Some(options.clone())).await?;
            clients.push(client);
        }
        Ok(Members {
            endpoints: endpoints.to_vec(),
            clients,
            preferred: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// Runs `request` on one member after another until one answers. When every member
    /// is down or busy electing a leader, goes round again for up to [`REQUEST_TIMEOUT`].
    pub async fn any<T, F, Fut>(&self, mut request: F) -> Result<T, etcd_client::Error>
    where
        F: FnMut(Client) -> Fut,
        Fut: Future<Output = Result<T, etcd_client::Error>>,
    {
        let started = tokio::time::Instant::now();
        let mut first_round = true;
        loop {
            let first = self.preferred.load(Ordering::Relaxed);
            let mut last_error = None;
            for step in 0..self.clients.len() {
                let index = (first + step) % self.clients.len();
                let client = self.clients[index].clone();
                let error = match tokio::time::timeout(REQUEST_TIMEOUT, request(client)).await {
                    Ok(Ok(answer)) => {
                        self.preferred.store(index, Ordering::Relaxed);
                        return Ok(answer);
                    }
                    Ok(Err(error)) if member_down(&error) => error,
                    Ok(Err(error)) => return Err(error),
                    Err(_) => {
                        etcd_client::Error::GRpcStatus(tonic::Status::deadline_exceeded(format!(
                            "{} did not answer within {REQUEST_TIMEOUT:?}",
                            self.endpoints[index]
                        )))
                    }
                };
                // Said once a request, where there is another member to try; the rounds
                // after the first, and a member that was the last hope, only at debug: the
                // caller says what it means when no member answers.
                let member = &self.endpoints[index];
                if first_round && step + 1 < self.clients.len() {
                    warn!(%member, %error, "etcd member unavailable; trying the next");
                } else {
                    debug!(%member, %error, "etcd member unavailable");
                }
                last_error = Some(error);
            }
            if started.elapsed() >= REQUEST_TIMEOUT {
                return Err(last_error.expect("at least one member was asked"));
            }
            first_round = false;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The endpoints, comma-separated.
    pub fn endpoints(&self) -> String {
        self.endpoints.join(",")
    }

    /// Deletes `key` and, when it had one, ends `lease` (taking any other key on it along):
    /// how a registration leaves at once rather than when its lease runs out. Only the
    /// delete must succeed; a lease etcd cannot end runs out by itself.
    pub async fn withdraw(&self, key: &str, lease: Option<i64>) -> Result<(), etcd_client::Error> {
        self.any(|mut client| async move { client.delete(key, None).await })
            .await?;
        if let Some(lease) = lease {
            let _ = self
                .any(|mut client| async move { client.lease_revoke(lease).await })
                .await;
        }
        Ok(())
    }
}
// ANCHOR_END: members

/// What a program that cannot run without etcd asks first, and how it says what went wrong.
impl Members {
    /// Whether any member answers, asked with etcd's status call: what a program that
    /// cannot run without etcd asks first, to say at once, in one line, that etcd is not
    /// there (see [`failed`](Self::failed)).
    pub async fn answering(&self) -> Result<(), etcd_client::Error> {
        self.any(|mut client| async move { client.status().await })
            .await
            .map(drop)
    }

    /// What the failed `what` means, said plainly: `cannot WHAT: no etcd answers at …`
    /// with the command that starts one when no member could be reached (and, for a member
    /// on another host, the flags that open it to other hosts), else what etcd answered.
    pub fn failed(&self, what: &str, error: etcd_client::Error) -> anyhow::Error {
        let endpoints = self.endpoints();
        if refused(&error) {
            // On another host, "nothing listens" is most often an etcd that does run, on
            // its own loopback: say that, not "start one".
            match self
                .endpoints
                .iter()
                .find(|endpoint| !on_loopback(endpoint))
            {
                Some(remote) => anyhow::anyhow!(
                    "cannot {what}: no etcd answers at {endpoints} (the connection was \
                     refused){}",
                    listens_on_its_loopback(remote)
                ),
                None => anyhow::anyhow!("cannot {what}: {}", no_answer(Needed::Etcd, &endpoints)),
            }
        } else {
            anyhow::anyhow!("cannot {what}: etcd at {endpoints} answered: {error}")
        }
    }
}

/// `; if etcd runs on HOST, …`: the classic of a deployment. etcd started without flags
/// listens on its host's loopback only (`127.0.0.1:2379`), so that every other host's
/// connection is refused, exactly as if no etcd ran there at all.
fn listens_on_its_loopback(endpoint: &str) -> String {
    let (host, port) = endpoint.rsplit_once(':').unwrap_or((endpoint, "2379"));
    format!(
        ": if etcd runs on {host}, it listens on {host}'s loopback only, as it does without \
         flags; start it there with `etcd --listen-client-urls http://0.0.0.0:{port} \
         --advertise-client-urls http://{endpoint}`"
    )
}

/// Whether `endpoint` (`host:port`) is on this host's loopback: `127.0.0.1`, `[::1]`,
/// `localhost`.
fn on_loopback(endpoint: &str) -> bool {
    let host = endpoint.rsplit_once(':').map_or(endpoint, |(host, _)| host);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether the connection was refused: nothing listens where the member was looked for.
/// (etcd-client's error names no cause of its own: the one it wraps is asked.)
fn refused(error: &etcd_client::Error) -> bool {
    match error {
        etcd_client::Error::GRpcStatus(status) => nothing_listens(status),
        etcd_client::Error::TransportError(error) => nothing_listens(error),
        etcd_client::Error::IoError(error) => nothing_listens(error),
        _ => false,
    }
}

/// Whether an error says "this member cannot be reached" (try another) rather than "the
/// cluster said no" (another member would say the same).
pub(super) fn member_down(error: &etcd_client::Error) -> bool {
    match error {
        etcd_client::Error::GRpcStatus(status) => matches!(
            status.code(),
            Code::Unavailable | Code::DeadlineExceeded | Code::Unknown | Code::Cancelled
        ),
        etcd_client::Error::TransportError(_) | etcd_client::Error::IoError(_) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused() -> etcd_client::Error {
        etcd_client::Error::IoError(std::io::ErrorKind::ConnectionRefused.into())
    }

    #[tokio::test]
    async fn a_refused_remote_member_may_be_an_etcd_on_its_own_loopback() {
        let members = Members::connect(&["10.0.0.5:2379".to_string()])
            .await
            .unwrap();
        let said = members.failed("register greeter-1", refused()).to_string();
        assert!(
            said == "cannot register greeter-1: no etcd answers at 10.0.0.5:2379 (the \
                     connection was refused): if etcd runs on 10.0.0.5, it listens on \
                     10.0.0.5's loopback only, as it does without flags; start it there with \
                     `etcd --listen-client-urls http://0.0.0.0:2379 --advertise-client-urls \
                     http://10.0.0.5:2379`"
                && said.lines().count() == 1,
            "{said}"
        );
    }

    #[tokio::test]
    async fn a_refused_local_member_is_only_not_started() {
        for local in ["127.0.0.1:2379", "localhost:3379", "[::1]:2379"] {
            let members = Members::connect(&[local.to_string()]).await.unwrap();
            let said = members.failed("register greeter-1", refused()).to_string();
            assert!(
                said.contains("no etcd answers at") && !said.contains("0.0.0.0"),
                "{said}"
            );
        }
    }
}
