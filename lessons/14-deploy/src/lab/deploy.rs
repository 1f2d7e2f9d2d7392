//! What runs on each host, as the command lines a person would type on a server.
//!
//! On one machine every program could say `127.0.0.1` and take its defaults. On three hosts
//! each flag below answers a question the defaults cannot: which name this etcd member has
//! and where the others find it, which address a service listens on (and so registers,
//! which is the address the gateway will call), where the registry is. `l14-deploy up`
//! runs these with `docker exec`, each in the background with its output in a log file
//! under `/var/log` of its host.

/// The etcd members, one per host, and where each listens.
const CLIENT_PORT: u16 = 2379;
const PEER_PORT: u16 = 2380;
/// Where each host's user service listens, on the host's own address.
pub const USER_PORT: u16 = 7021;
/// Where each host's gateway listens inside the lab (published on 127.0.0.1 by Compose, on a
/// port of its own).
pub const GATEWAY_PORT: u16 = 8080;

/// The log file of each program, on its host.
pub const ETCD_LOG: &str = "/var/log/etcd.log";
pub const USER_LOG: &str = "/var/log/user.log";
pub const GATEWAY_LOG: &str = "/var/log/api.log";
pub const CONSUL_LOG: &str = "/var/log/devconsul.log";

/// The registry `up` deploys the services on: etcd (three members), or Consul (a server
/// on host-a and a client agent on each other host).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LabRegistry {
    Etcd,
    Consul,
}

/// The seed's call through the gateway: the user service's `Say.Hello`.
pub const HELLO_PATH: &str = "/user/say/hello?name=lab";

// ANCHOR: etcd_member
/// One member of a three-member etcd cluster, on host `name`: it listens on every
/// interface, tells the others to reach it by its host name, and knows every member from
/// the start (`--initial-cluster`), so the three find each other without a discovery
/// service.
pub fn etcd_member(name: &str, hosts: &[&str]) -> Vec<String> {
    let initial_cluster: Vec<String> = hosts
        .iter()
        .map(|host| format!("{host}=http://{host}:{PEER_PORT}"))
        .collect();
    vec![
        "etcd".into(),
        "--name".into(),
        name.into(),
        "--data-dir".into(),
        "/var/lib/etcd-lab".into(),
        "--listen-client-urls".into(),
        format!("http://0.0.0.0:{CLIENT_PORT}"),
        "--advertise-client-urls".into(),
        format!("http://{name}:{CLIENT_PORT}"),
        "--listen-peer-urls".into(),
        format!("http://0.0.0.0:{PEER_PORT}"),
        "--initial-advertise-peer-urls".into(),
        format!("http://{name}:{PEER_PORT}"),
        "--initial-cluster".into(),
        initial_cluster.join(","),
        "--initial-cluster-state".into(),
        "new".into(),
    ]
}
// ANCHOR_END: etcd_member

// ANCHOR: user_service
/// The seed's user service on the host whose lab address is `address`. It listens on that
/// address and not on `0.0.0.0`: the address it listens on is the one it registers, and
/// `0.0.0.0` is not an address another host can call.
pub fn user_service(address: &str, hosts: &[&str]) -> Vec<String> {
    let mut command = micro(hosts);
    command.extend([
        "user-server".into(),
        "--addr".into(),
        format!("{address}:{USER_PORT}"),
    ]);
    command
}
// ANCHOR_END: user_service

// ANCHOR: gateway
/// `micro api`, a gateway, on each host: it listens on every interface, because what calls
/// it comes through Docker's published port, from outside the lab. It hedges: a try of an
/// idempotent method unanswered after 100 ms (a call here takes a few) has a second one
/// sent to another node, so that a node gone silent costs a call 100 ms, not the per-try
/// timeout; on a host cut off from the others, whose gateway has two nodes it cannot reach,
/// not two of them. (`p95` needs 20 answers a gateway first: a gateway just restarted has
/// none.)
pub fn gateway(hosts: &[&str]) -> Vec<String> {
    let mut command = micro(hosts);
    command.extend(api_flags());
    command
}

/// What every gateway of the lab is told: where it listens, and to hedge.
fn api_flags() -> [String; 5] {
    [
        "api".into(),
        "--addr".into(),
        format!("0.0.0.0:{GATEWAY_PORT}"),
        "--hedge".into(),
        "100ms".into(),
    ]
}

/// Lesson 11's program with the registry every host shares: the etcd cluster, every member
/// named, so that it can still register while one member is down or cut off.
fn micro(hosts: &[&str]) -> Vec<String> {
    vec![
        "l11-micro".into(),
        "--registry".into(),
        "etcd".into(),
        "--registry-address".into(),
        registry_address(hosts),
    ]
}
// ANCHOR_END: gateway

// ANCHOR: consul_agent
/// The Consul agent on host `name`, whose lab address is `address`: Consul wants an agent
/// on every host. host-a's is the datacenter's one server (`-bootstrap-expect 1`), and its
/// API listens on every interface (`-client 0.0.0.0`) for a person at the status page; the
/// others are clients that join it by name and keep their API on their own host, where
/// that host's services register. Each gossips on the address the others reach it at
/// (`-bind`), and `-rejoin` brings a restarted host back without a word.
pub fn consul_agent(name: &str, address: &str, server: &str) -> Vec<String> {
    let mut command: Vec<String> = ["devconsul", "agent", "-node", name, "-bind", address]
        .map(String::from)
        .into();
    command.extend(["-data-dir".into(), "/var/lib/devconsul".into()]);
    if name == server {
        command.extend(
            [
                "-server",
                "-bootstrap-expect",
                "1",
                "-client",
                "0.0.0.0",
                "-ui",
            ]
            .map(String::from),
        );
    } else {
        command.extend(["-join".into(), server.into(), "-rejoin".into()]);
    }
    command
}
// ANCHOR_END: consul_agent

/// Lesson 11's program registering with, and discovering through, its own host's Consul
/// agent (`127.0.0.1:8500`, the registry's default address).
fn micro_with_consul() -> Vec<String> {
    ["l11-micro", "--registry", "consul"]
        .map(String::from)
        .into()
}

/// The user service on `address`, registered through its host's agent.
pub fn consul_user_service(address: &str) -> Vec<String> {
    let mut command = micro_with_consul();
    command.extend([
        "user-server".into(),
        "--addr".into(),
        format!("{address}:{USER_PORT}"),
    ]);
    command
}

/// `micro api` on a host, finding the services through the host's own agent.
pub fn consul_gateway() -> Vec<String> {
    let mut command = micro_with_consul();
    command.extend(api_flags());
    command
}

/// Every member's client address: `host-a:2379,host-b:2379,host-c:2379`.
pub fn registry_address(hosts: &[&str]) -> String {
    hosts
        .iter()
        .map(|host| format!("{host}:{CLIENT_PORT}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Every member's client URL, for etcdctl: `http://host-a:2379,…`.
pub fn etcd_endpoints(hosts: &[&str]) -> String {
    hosts
        .iter()
        .map(|host| format!("http://{host}:{CLIENT_PORT}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// `command` run by a shell that sends its output to `log` and then becomes it (`exec`):
/// what `docker exec --detach` starts, so that the program keeps running and writes to a
/// file a person can read (`docker exec HOST tail /var/log/etcd.log`). The command's words
/// are passed as the shell's arguments (`"$@"`), never pasted into its script, so no word
/// needs quoting.
pub fn in_background(command: &[String], log: &str) -> Vec<String> {
    let mut words = vec![
        "sh".to_string(),
        "-c".to_string(),
        format!("exec \"$@\" >>{log} 2>&1"),
        "sh".to_string(),
    ];
    words.extend(command.iter().cloned());
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTS: [&str; 3] = ["host-a", "host-b", "host-c"];

    #[test]
    fn each_member_knows_the_whole_cluster_and_advertises_its_name() {
        let command = etcd_member("host-b", &HOSTS).join(" ");
        assert!(command.contains("--name host-b"), "{command}");
        assert!(
            command.contains("--advertise-client-urls http://host-b:2379"),
            "{command}"
        );
        assert!(
            command.contains(
                "--initial-cluster host-a=http://host-a:2380,host-b=http://host-b:2380,\
                 host-c=http://host-c:2380"
            ),
            "{command}"
        );
    }

    #[test]
    fn a_service_listens_on_its_hosts_address_and_knows_every_member() {
        let command = user_service("10.14.0.12", &HOSTS).join(" ");
        assert_eq!(
            command,
            "l11-micro --registry etcd --registry-address host-a:2379,host-b:2379,host-c:2379 \
             user-server --addr 10.14.0.12:7021"
        );
    }

    #[test]
    fn the_consul_server_is_host_as_and_the_others_join_it() {
        let server = consul_agent("host-a", "10.14.0.11", "host-a").join(" ");
        assert_eq!(
            server,
            "devconsul agent -node host-a -bind 10.14.0.11 -data-dir /var/lib/devconsul \
             -server -bootstrap-expect 1 -client 0.0.0.0 -ui"
        );
        let client = consul_agent("host-b", "10.14.0.12", "host-a").join(" ");
        assert!(client.ends_with("-join host-a -rejoin"), "{client}");
        assert!(!client.contains("-server"), "{client}");
    }

    #[test]
    fn a_program_in_the_background_keeps_its_words_apart() {
        let words = in_background(&["echo".into(), "two words".into()], "/var/log/x.log");
        assert_eq!(
            words,
            [
                "sh",
                "-c",
                "exec \"$@\" >>/var/log/x.log 2>&1",
                "sh",
                "echo",
                "two words"
            ]
        );
    }
}
