//! What a reader of chapters 09–12 has running beside the Consul agent: a Redis, a
//! three-member etcd cluster and a NATS server, each private to one chapter, on free
//! loopback ports.
//!
//! The book shows their usual addresses (Redis on 6379, etcd's members on 2379, 3379 and
//! 4379); the check maps those to the real ports, as it does for the agent's 8500, and
//! sets `REDIS_URL` (and `NATS_URL` for NATS's 4222). Lesson 11's `MICRO_REGISTRY_ADDRESS` is the chapter's own `export`,
//! and etcdctl's `--endpoints` its own option, both with the book's ports. (etcdctl refuses
//! `ETCDCTL_ENDPOINTS` beside `--endpoints`.)

use std::collections::HashMap;

use programs::find_on_path;

/// The book's ports of the etcd members, in order.
pub(super) const ETCD_BOOK_PORTS: [u16; 3] = [2379, 3379, 4379];

/// The book's port of Redis.
pub(super) const REDIS_BOOK_PORT: u16 = 6379;

/// The book's port of NATS.
pub(super) const NATS_BOOK_PORT: u16 = 4222;

/// The servers a chapter needs, started for it; stopped when dropped.
#[derive(Default)]
pub(super) struct ChapterServices {
    redis: Option<testkit::RedisServer>,
    etcd: Option<testkit::EtcdCluster>,
    nats: Option<testkit::NatsServer>,
    /// The variables the chapter's commands read.
    pub(super) env: Vec<(String, String)>,
    /// The book's port → the real one.
    pub(super) ports: HashMap<u16, u16>,
    /// Why a service the chapter names is not there.
    pub(super) missing: Vec<String>,
}

impl ChapterServices {
    /// Starts Redis when the chapter mentions it, and etcd and NATS likewise.
    pub(super) async fn start(markdown: &str) -> ChapterServices {
        let mut services = ChapterServices::default();
        let mentions = |word: &str| markdown.to_ascii_lowercase().contains(word);
        if mentions("redis") {
            if find_on_path("redis-server").is_some() {
                let redis = testkit::redis().await;
                let url = redis.url().to_string();
                if let Some(port) = port_of(&url) {
                    services.ports.insert(REDIS_BOOK_PORT, port);
                }
                services.env.push(("REDIS_URL".into(), url));
                services.redis = Some(redis);
            } else {
                services
                    .missing
                    .push("Redis (`redis-server` is not on PATH)".into());
            }
        }
        if mentions("etcd") {
            if find_on_path("etcd").is_some() {
                let cluster = testkit::etcd_cluster(ETCD_BOOK_PORTS.len()).await;
                let endpoints = cluster.endpoints();
                for (book, real) in ETCD_BOOK_PORTS.iter().zip(&endpoints) {
                    if let Some(port) = port_of(real) {
                        services.ports.insert(*book, port);
                    }
                }
                services.etcd = Some(cluster);
            } else {
                services.missing.push("etcd (`etcd` is not on PATH)".into());
            }
        }
        if mentions("nats") {
            if programs::find_nats_server().is_some() {
                let nats = testkit::nats().await;
                if let Some(port) = port_of(&nats.url()) {
                    services.ports.insert(NATS_BOOK_PORT, port);
                }
                services.env.push(("NATS_URL".into(), nats.url()));
                services.nats = Some(nats);
            } else {
                services
                    .missing
                    .push("NATS (`nats-server` is not installed)".into());
            }
        }
        services
    }
}

/// The port at the end of `redis://127.0.0.1:PORT` or `127.0.0.1:PORT`.
fn port_of(address: &str) -> Option<u16> {
    address
        .rsplit(':')
        .next()?
        .trim_end_matches('/')
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_port_of_an_address() {
        assert_eq!(port_of("redis://127.0.0.1:41234"), Some(41234));
        assert_eq!(port_of("127.0.0.1:2379"), Some(2379));
        assert_eq!(port_of("nowhere"), None);
    }
}
