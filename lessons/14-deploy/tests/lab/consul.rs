//! The Consul story's steps: a server on host-a and a client agent on host-b and host-c
//! (`l14-deploy up --registry consul --tls`), each host's service registered through its own
//! agent and found through another's, and the two ways a host goes: `docker stop` (its
//! agent leaves: the node and its services are gone at once) against `docker kill` (its
//! agent fails: the node stays, its `serfHealth` critical, and no call goes to it).

use micro::registry::consul::tags;

use crate::checks::wait_until;
use crate::lab::{TestLab, docker};

/// The lab's user service as the Consul catalog names it.
const SERVICE: &str = "user";

impl TestLab {
    /// `devconsul members` on `host`: each node's status.
    fn members(&self, host: &str) -> Result<String, String> {
        self.on(host, &["devconsul", "members"])
    }

    fn until_member_is(&self, asked: &str, node: &str, status: &str) {
        wait_until(
            &format!("{node} to be {status} in {asked}'s members"),
            || {
                let members = self.members(asked)?;
                let line = members
                    .lines()
                    .find(|line| line.starts_with(&format!("{node} ")));
                match line {
                    Some(line) if line.split_whitespace().nth(2) == Some(status) => Ok(()),
                    _ => Err(members),
                }
            },
        );
    }

    /// A Consul read on `host`'s own agent, as a service there would make it.
    fn consul_get(&self, host: &str, path: &str) -> Result<String, String> {
        self.on(
            host,
            // A bound on every read: a test waits on the lab, never forever.
            &[
                "curl",
                "-sf",
                "--max-time",
                "20",
                &format!("http://127.0.0.1:8500{path}"),
            ],
        )
    }

    pub(crate) fn consul_up_over_tls_is_answered_by_every_host(&self) {
        let printed = self.ok(&["up", "--registry", "consul", "--tls"]);
        assert!(
            printed.contains("consul server") && printed.contains("consul client"),
            "{printed}"
        );
        assert!(
            printed.contains("call each other over mutual TLS"),
            "{printed}"
        );
        // Every agent knows the three, and knows which is the server.
        for host in ["host-a", "host-b", "host-c"] {
            let members = self.members(host).unwrap();
            assert_eq!(members.matches(" alive ").count(), 3, "{host}:\n{members}");
            let host_a = members.lines().find(|l| l.starts_with("host-a ")).unwrap();
            assert!(host_a.contains(" server "), "{members}");
        }
        self.wait_for_answers_from(&["host-a", "host-b", "host-c"]);
        let status = self.ok(&["status"]);
        assert!(status.contains("consul, user, api"), "{status}");
    }

    /// Each host's user instance, in the catalog, says it speaks TLS only: `secure`, the key
    /// the etcd story finds in each node, here in the node's metadata that go-micro packs
    /// into the instance's tags (`micro::registry::consul::tags`).
    pub(crate) fn every_user_instance_in_consul_says_it_speaks_tls(&self) {
        wait_until("three user instances, each saying it speaks TLS", || {
            let path = format!("/v1/catalog/service/{SERVICE}");
            let instances = self.consul_get("host-a", &path)?;
            let listed: Vec<serde_json::Value> = serde_json::from_str(&instances)
                .map_err(|error| format!("{error}: {instances}"))?;
            let secure = listed
                .iter()
                .filter(|instance| {
                    let tags: Vec<String> =
                        serde_json::from_value(instance["ServiceTags"].clone()).unwrap_or_default();
                    tags::metadata(&tags).get("secure").map(String::as_str) == Some("true")
                })
                .count();
            (listed.len() == 3 && secure == 3)
                .then_some(())
                .ok_or(instances)
        });
    }

    /// What host-b's service registered with host-b's agent, host-c's agent finds: the
    /// catalog is the server's, and every agent answers for it.
    pub(crate) fn a_service_on_host_b_is_found_through_host_cs_agent(&self) {
        let host_b = self.address("host-b");
        wait_until("host-b's service, passing, through host-c's agent", || {
            let passing =
                self.consul_get("host-c", &format!("/v1/health/service/{SERVICE}?passing"))?;
            if passing.contains("\"Node\":\"host-b\"") && passing.contains(&host_b) {
                Ok(())
            } else {
                Err(passing)
            }
        });
        let own = self.consul_get("host-c", "/v1/agent/services").unwrap();
        assert!(
            !own.contains(&host_b),
            "host-c's agent keeps only its own services: {own}"
        );
    }

    /// Cut off, host-c is failed as the server sees it (its services out of the passing
    /// ones), and host-c's agent has no server to ask; healed, it is back, without joining
    /// again, and its services pass.
    pub(crate) fn a_partitioned_host_fails_and_is_back_when_healed(&self) {
        self.ok(&["partition", "host-c"]);
        self.until_member_is("host-a", "host-c", "failed");
        self.until_serf_health_is("host-c", "critical");
        wait_until("host-c's agent to find no server", || {
            let url = "http://127.0.0.1:8500/v1/catalog/services";
            let answer = self.on(
                "host-c",
                &["curl", "-s", "--max-time", "20", "-w", " %{http_code}", url],
            )?;
            (answer == "No known Consul servers 500")
                .then_some(())
                .ok_or(answer)
        });
        self.ok(&["heal"]);
        self.until_member_is("host-a", "host-c", "alive");
        self.until_serf_health_is("host-c", "passing");
        wait_until("host-c's service to pass again", || {
            let passing =
                self.consul_get("host-a", &format!("/v1/health/service/{SERVICE}?passing"))?;
            passing
                .contains(&self.address("host-c"))
                .then_some(())
                .ok_or(passing)
        });
    }

    fn until_serf_health_is(&self, node: &str, status: &str) {
        wait_until(&format!("{node}'s serfHealth to be {status}"), || {
            let checks = self.consul_get("host-a", &format!("/v1/health/node/{node}"))?;
            let serf = checks
                .split("},{")
                .find(|c| c.contains("\"serfHealth\""))
                .unwrap_or("");
            serf.contains(&format!("\"Status\":\"{status}\""))
                .then_some(())
                .ok_or(checks)
        });
    }

    /// `docker stop`: host-c's agent gets SIGTERM from the host's init and leaves.
    pub(crate) fn a_stopped_host_leaves_the_consul_cluster(&self) {
        let container = self.container("host-c");
        docker(&["stop", &container]);
        let exit = docker(&["inspect", "--format", "{{.State.ExitCode}}", &container]);
        assert_eq!(exit.trim(), "0", "host-c's programs all exited at SIGTERM");
        self.until_member_is("host-a", "host-c", "left");
        let catalog = self.consul_get("host-a", "/v1/catalog/nodes").unwrap();
        assert!(
            !catalog.contains("\"host-c\""),
            "a node that left is gone: {catalog}"
        );
        let instances = self
            .consul_get("host-a", &format!("/v1/catalog/service/{SERVICE}"))
            .unwrap();
        assert!(!instances.contains(&self.address("host-c")), "{instances}");
    }

    /// `docker kill`: host-b dies without a word. Gossip finds it failed; its node and
    /// service stay in the catalog, with its `serfHealth` critical, and calls avoid it.
    pub(crate) fn a_killed_host_fails_and_keeps_its_services(&self) {
        docker(&["kill", &self.container("host-b")]);
        self.until_member_is("host-a", "host-b", "failed");
        wait_until("host-b's serfHealth to turn critical", || {
            let checks = self.consul_get("host-a", "/v1/health/node/host-b")?;
            if checks.contains("\"Status\":\"critical\"")
                && checks.contains("Agent not live or unreachable")
            {
                Ok(())
            } else {
                Err(checks)
            }
        });
        let instances = self
            .consul_get("host-a", &format!("/v1/catalog/service/{SERVICE}"))
            .unwrap();
        assert!(
            instances.contains(&self.address("host-b")),
            "a failed node keeps its service: {instances}"
        );
        let passing = self
            .consul_get("host-a", &format!("/v1/health/service/{SERVICE}?passing"))
            .unwrap();
        assert!(!passing.contains(&self.address("host-b")), "{passing}");
        // Only host-a is left to answer; a few calls in a row all come from it.
        wait_until("every call to be answered by host-a", || {
            let answers: Vec<Option<String>> = (0..4).map(|_| self.hello()).collect();
            if answers.iter().all(|a| a.as_deref() == Some("host-a")) {
                Ok(())
            } else {
                Err(format!("{answers:?}"))
            }
        });
    }
}
