//! What this lesson's tests share: Greeter instances on free ports, registered or not, and
//! entries as the agent reports them.
#![allow(dead_code)] // each test file uses only some of these

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use consul_ext::ServiceEntry;
use l07_discover::server::InstanceGreeter;
use shared::consul::Instance;
use testkit::{PATIENCE, within};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A service name no other test uses, even on an agent shared between test runs.
pub fn unique_service(what: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{what}-{}-{n}", std::process::id())
}

/// A Greeter instance (it names itself `id` in its replies) on a free loopback port.
pub struct Greeter {
    pub addr: SocketAddr,
    pub id: String,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
}

impl Greeter {
    pub async fn start(id: &str) -> Greeter {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let greeter = InstanceGreeter::new(id).unwrap();
        let task = tokio::spawn(shared::grpc::serve_greeter(listener, greeter, async {
            let _ = stopped.await;
        }));
        Greeter {
            addr,
            id: id.to_string(),
            stop: Some(stop),
            task,
        }
    }

    /// `localhost:PORT`, as the agent reports an instance registered by `shared::consul`.
    pub fn address(&self) -> String {
        format!("localhost:{}", self.addr.port())
    }

    /// An entry for this instance as the agent would report it.
    pub fn entry(&self) -> ServiceEntry {
        entry(&self.id, "localhost", self.addr.port())
    }

    /// Stops the server and waits until its port is closed.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        within("the Greeter to stop", &mut self.task)
            .await
            .expect("the server task")
            .expect("the server");
    }
}

/// An entry as `/v1/health/service/NAME` reports it: node 127.0.0.1, the service's own
/// `address` (empty: none) and `port`.
pub fn entry(id: &str, address: &str, port: u16) -> ServiceEntry {
    let json = serde_json::json!({
        "Node": {"ID": "n1", "Node": "node-1", "Address": "127.0.0.1", "Datacenter": "dc1"},
        "Service": {"ID": id, "Service": "greeter", "Address": address, "Port": port},
        "Checks": [],
    });
    serde_json::from_value(json).expect("an entry")
}

/// Registers a Greeter at `addr` as an instance of `service`, with a gRPC check every second.
pub async fn register(agent: &str, service: &str, addr: SocketAddr) -> Instance {
    let client = consul_ext::client_for(agent).expect("a Consul client");
    let instance = Instance::new(service, addr);
    let check = instance.grpc_check("hello.Greeter", Duration::from_secs(1), PATIENCE * 12);
    within("the registration", instance.register(&client, check))
        .await
        .expect("register");
    instance
}

/// Waits until exactly `count` instances of `service` pass, with blocking queries.
pub async fn passing(agent: &str, service: &str, count: usize) -> Vec<ServiceEntry> {
    within(
        &format!("{count} passing instance(s) of {service}"),
        async {
            let mut index = 0;
            loop {
                let answer =
                    consul_ext::watch_healthy_instances(agent, service, None, index, PATIENCE)
                        .await
                        .expect("the health query");
                if answer.entries.len() == count {
                    return answer.entries;
                }
                index = answer.index;
            }
        },
    )
    .await
}

/// An address where nothing listens (a port just freed).
pub async fn dead_address() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("127.0.0.1:{port}")
}
