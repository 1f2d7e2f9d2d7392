//! What the lab story checks from outside, beside the faults: the swarm's nodes and roles,
//! the stack over mutual TLS, the gateways' answers, what Prometheus scrapes, and nothing
//! left after `down`.

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

    /// Lesson 15's Prometheus, at manager-1's port 9090, as an operator reads it: every
    /// replica of the gateways and the services scraped and up (the services over mutual
    /// TLS, with Prometheus' own certificate), and the seed's calls counted by the gateways
    /// that answered them.
    pub(crate) fn prometheus_scrapes_every_replica_and_counts_the_seeds_calls(&self) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let prometheus = format!("{}.11:9090", self.subnet_prefix);
        let ask = |path: &str| -> serde_json::Value {
            match runtime.block_on(testkit::http_get(&prometheus, path)) {
                Ok((200, body)) => serde_json::from_str(&body).unwrap_or_default(),
                _ => serde_json::Value::Null,
            }
        };
        let deadline = Instant::now() + STEP;
        let _waiting = testkit::hang::waiting_for(format!("Prometheus at {prometheus}"));
        loop {
            let targets = ask("/api/v1/targets?state=active");
            let active = targets["data"]["activeTargets"].as_array().cloned();
            let up: Vec<(String, String)> = active
                .iter()
                .flatten()
                .filter(|target| target["health"] == "up")
                .map(|target| {
                    let labels = &target["labels"];
                    let of = if labels["job"] == "micro-api" {
                        "api"
                    } else {
                        labels["service"].as_str().unwrap_or("?")
                    };
                    let url = target["scrapeUrl"].as_str().unwrap_or_default();
                    (of.to_string(), url.to_string())
                })
                .collect();
            let count = |of: &str| up.iter().filter(|(name, _)| name == of).count();
            let services_over_tls = up
                .iter()
                .filter(|(name, _)| name != "api")
                .all(|(_, url)| url.starts_with("https://"));
            // sum(micro_api_requests_total{code="200",method=~"(?i).*hello"}): the seed's
            // calls answered, not the health checks' requests.
            let requests = ask(
                "/api/v1/query?query=sum(micro_api_requests_total%7Bcode%3D%22200%22%2Cmethod%3D~%22(%3Fi).%2Ahello%22%7D)",
            );
            let counted: f64 = requests["data"]["result"][0]["value"][1]
                .as_str()
                .and_then(|value| value.parse().ok())
                .unwrap_or(0.0);
            if (count("api"), count("captcha"), count("user")) == (2, 3, 3)
                && services_over_tls
                && counted >= 2.0
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "Prometheus at {prometheus} did not scrape the 2 gateways, 3 captcha and 3 user                  replicas (the services over https) and count the seed's 2 calls within                  {STEP:?}; up: {up:?}; calls counted: {counted}; its targets: {targets}"
            );
            std::thread::sleep(Duration::from_millis(500));
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
