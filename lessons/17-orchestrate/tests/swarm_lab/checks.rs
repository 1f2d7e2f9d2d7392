//! What the lab story checks from outside, beside the faults: the swarm's nodes and roles,
//! the stack over mutual TLS, the gateways' answers, and nothing left after `down`.

use std::time::{Duration, Instant};

use crate::STEP;
use crate::lab::{TestLab, docker};

impl TestLab {
    /// `docker node ls` on manager-1: five nodes Ready, the three managers Leader or
    /// Reachable, the workers neither, and exactly one leader.
    pub(crate) fn every_node_is_ready_with_its_role_and_one_leads(&self) {
        let listed = self.on_manager(&[
            "node",
            "ls",
            "--format",
            "{{.Hostname}} {{.Status}} {{.ManagerStatus}}",
        ]);
        let mut lines: Vec<&str> = listed.lines().collect();
        lines.sort();
        let roles: Vec<(&str, &str, &str)> = lines
            .iter()
            .map(|line| {
                let mut words = line.split_whitespace();
                let name = words.next().unwrap_or_default();
                let status = words.next().unwrap_or_default();
                (name, status, words.next().unwrap_or(""))
            })
            .collect();
        let names: Vec<&str> = roles.iter().map(|(name, ..)| *name).collect();
        assert_eq!(
            names,
            [
                "manager-1",
                "manager-2",
                "manager-3",
                "worker-1",
                "worker-2"
            ],
            "the swarm's nodes:\n{listed}"
        );
        for (name, status, manager) in &roles {
            assert_eq!(*status, "Ready", "{name} is not Ready:\n{listed}");
            let expected: &[&str] = if name.starts_with("manager") {
                &["Leader", "Reachable"]
            } else {
                &[""]
            };
            assert!(
                expected.contains(manager),
                "{name}'s manager status:\n{listed}"
            );
        }
        let leaders = roles.iter().filter(|(.., m)| *m == "Leader").count();
        assert_eq!(leaders, 1, "one leader among the managers:\n{listed}");
    }

    /// The user service's three replicas in etcd, each marked `secure` (it serves mutual TLS
    /// only), as etcd-1's member on manager-1 holds them.
    pub(crate) fn every_user_replica_is_registered_as_speaking_tls(&self) {
        let member = self.on_manager(&["ps", "--quiet", "--filter", "name=course_etcd-1"]);
        let registered = self.on_manager(&[
            "exec",
            member.trim(),
            "etcdctl",
            "get",
            "--prefix",
            "/micro/registry/user/",
            "--print-value-only",
        ]);
        let nodes: Vec<&str> = registered.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(
            nodes.len(),
            3,
            "the user service's replicas in etcd:\n{registered}"
        );
        for node in nodes {
            assert!(
                node.contains(r#""secure":"true""#),
                "a user replica registered without TLS: {node}"
            );
        }
    }

    /// The seed's call through each published gateway (worker-1's and worker-2's port 8080),
    /// answered. A gateway just healthy may not have heard of every replica yet, and one the
    /// swarm is still placing again (after a drain) is not there yet: each is asked again
    /// until it answers, within the story's [`STEP`].
    pub(crate) fn each_gateway_answers_the_seeds_call(&self) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        for last in [21, 22] {
            let gateway = format!("{}.{last}:8080", self.subnet_prefix);
            let deadline = Instant::now() + STEP;
            let _waiting = testkit::hang::waiting_for(format!("an answer from {gateway}"));
            loop {
                let answer =
                    runtime.block_on(testkit::http_get(&gateway, "/user/say/hello?name=swarm"));
                match answer {
                    Ok((200, body)) if body.contains("swarm") => break,
                    seen => assert!(
                        Instant::now() < deadline,
                        "the gateway at {gateway} did not answer the seed's call within \
                         {STEP:?}; last: {seen:?}"
                    ),
                }
                std::thread::sleep(Duration::from_millis(250));
            }
        }
    }

    /// `down`, then nothing with the lab's label: no container, volume or network.
    pub(crate) fn down_leaves_nothing(&self) {
        self.ok(&["down"]);
        let label = format!("label=l17.project={}", self.project);
        for what in [&["ps", "--all"][..], &["volume", "ls"], &["network", "ls"]] {
            let mut args = what.to_vec();
            args.extend(["--quiet", "--filter", &label]);
            let left = docker(&args);
            assert!(
                left.trim().is_empty(),
                "left after down ({}): {left}",
                what.join(" ")
            );
        }
    }
}
