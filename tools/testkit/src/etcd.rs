//! A private etcd cluster for one test.
//!
//! Lesson 11's registry keeps its instances in etcd, and its tests need what a real cluster
//! does: leases that run out, watches that end when their member dies, a quorum that survives
//! one member. So a test gets three real `etcd` members (Debian's `etcd-server`) on free
//! loopback ports, with their data in a temporary folder, all killed and deleted when the
//! test drops the guard.
//!
//! The members are started one after another, each once the previous one logs that it is
//! serving: started all at once, each waits a second on every peer that listens but does
//! not answer yet, and the cluster takes 2–3 s instead of a few hundred milliseconds. The raft
//! timings are fast (`--heartbeat-interval=25 --election-timeout=250`), which also lets etcd
//! grant one-second leases.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use crate::PATIENCE;
use crate::process::{OwnedChild, answers, free_ports, retry};
use programs::find_on_path;

/// One member of an [`EtcdCluster`].
#[derive(Debug)]
pub struct EtcdMember {
    /// The member's name in the cluster (`m0`, `m1`, …).
    pub name: String,
    /// Where clients reach it: `127.0.0.1:PORT`.
    pub client_addr: String,
    child: Option<OwnedChild>,
}

/// A private etcd cluster; every member is killed and the data deleted on drop.
#[derive(Debug)]
pub struct EtcdCluster {
    members: Vec<EtcdMember>,
    data: PathBuf,
}

impl EtcdCluster {
    /// The client addresses of the members, `127.0.0.1:PORT` each, in order.
    pub fn endpoints(&self) -> Vec<String> {
        self.members.iter().map(|m| m.client_addr.clone()).collect()
    }

    /// Stops member `index` with SIGKILL (the others keep the quorum).
    pub fn kill_member(&mut self, index: usize) {
        self.members[index].child.take();
    }
}

impl Drop for EtcdCluster {
    fn drop(&mut self) {
        for member in &mut self.members {
            member.child.take(); // SIGKILL and reap
        }
        let _ = std::fs::remove_dir_all(&self.data);
    }
}

/// Starts a private cluster of `size` etcd members on free loopback ports and waits until
/// every member says it is healthy.
///
/// Panics with the command that installs etcd when `etcd` is not on `PATH`.
pub async fn etcd_cluster(size: usize) -> EtcdCluster {
    let Some(program) = find_on_path("etcd") else {
        panic!(
            "these tests need etcd, and `etcd` is not on PATH. Install it (`{}`).",
            programs::how_to_install("etcd-server", "etcd")
        );
    };
    // A free port may be taken between our choosing it and etcd binding it: try again.
    retry("an etcd cluster", async || start(&program, size).await).await
}

async fn start(program: &PathBuf, size: usize) -> Result<EtcdCluster, String> {
    let unique = crate::unique_suffix();
    let data = std::env::temp_dir().join(format!("testkit-etcd-{unique}"));
    let ports = free_ports(size * 2);
    let names: Vec<String> = (0..size).map(|i| format!("m{i}")).collect();
    let peer = |i: usize| format!("http://127.0.0.1:{}", ports[2 * i + 1]);
    let initial_cluster = (0..size)
        .map(|i| format!("{}={}", names[i], peer(i)))
        .collect::<Vec<_>>()
        .join(",");
    let mut cluster = EtcdCluster {
        members: Vec::new(),
        data,
    };
    for i in 0..size {
        let client_addr = format!("127.0.0.1:{}", ports[2 * i]);
        let mut command = Command::new(program);
        command
            .arg(format!("--name={}", names[i]))
            .arg(format!(
                "--data-dir={}",
                cluster.data.join(&names[i]).display()
            ))
            .arg(format!("--listen-client-urls=http://{client_addr}"))
            .arg(format!("--advertise-client-urls=http://{client_addr}"))
            .arg(format!("--listen-peer-urls={}", peer(i)))
            .arg(format!("--initial-advertise-peer-urls={}", peer(i)))
            .arg(format!("--initial-cluster={initial_cluster}"))
            .arg(format!("--initial-cluster-token=testkit-{unique}"))
            .arg("--initial-cluster-state=new")
            .arg("--heartbeat-interval=25")
            .arg("--election-timeout=250");
        let child = OwnedChild::spawn(command, &format!("etcd-{}", names[i]))
            .map_err(|error| format!("could not run {}: {error}", program.display()))?;
        cluster.members.push(EtcdMember {
            name: names[i].clone(),
            client_addr,
            child: Some(child),
        });
        wait_for_log(cluster.members.last_mut().unwrap(), "starting server").await?;
    }
    for member in &mut cluster.members {
        wait_healthy(member).await?;
    }
    Ok(cluster)
}

async fn wait_for_log(member: &mut EtcdMember, text: &str) -> Result<(), String> {
    let child = member.child.as_mut().expect("a running member");
    let waiting_for = format!("{} never logged {text:?}", member.name);
    let every = Duration::from_millis(10);
    let found = |child: &OwnedChild| std::future::ready(child.log().contains(text));
    child
        .wait_until(&member.name, &waiting_for, PATIENCE, every, found)
        .await
        .map_err(String::from)
}

async fn wait_healthy(member: &mut EtcdMember) -> Result<(), String> {
    let child = member.child.as_mut().expect("a running member");
    let waiting_for = format!("{} not healthy", member.name);
    let every = Duration::from_millis(20);
    let healthy = |_: &OwnedChild| answers(&member.client_addr, "/health", "true");
    child
        .wait_until(&member.name, &waiting_for, PATIENCE, every, healthy)
        .await
        .map_err(String::from)
}
