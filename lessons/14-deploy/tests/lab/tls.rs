//! Both stories' labs run over mutual TLS (`up --tls`, lesson 16): checked from outside,
//! as an operator or an attacker on the lab's network would. Each host holds its own keys
//! and never the CA's; the services say in the registry that they speak TLS (in etcd here,
//! in Consul's catalog in `consul.rs`); from a host,
//! a caller with a certificate of the lab's CA is answered, and one without a certificate,
//! or in plaintext, is not. The faults of `faults.rs` then run on this lab: what chapter 14
//! promises holds over TLS too.

use crate::lab::TestLab;

/// Where each host keeps its keys (the lab's `certs::ON_HOST`).
const CERTS: &str = "/etc/lab/certs";

impl TestLab {
    pub(crate) fn each_host_holds_its_own_keys_and_never_the_cas(&self) {
        for host in ["host-a", "host-b", "host-c"] {
            let listed = self
                .on(
                    host,
                    &["sh", "-c", &format!("cd {CERTS} && stat -c '%a %n' *")],
                )
                .unwrap_or_else(|error| panic!("{host}'s {CERTS}: {error}"));
            let mut files: Vec<(&str, &str)> = listed
                .lines()
                .filter_map(|line| line.split_once(' '))
                .map(|(mode, name)| (name, mode))
                .collect();
            files.sort();
            let names: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
            assert_eq!(
                names,
                [
                    "ca.pem",
                    "gateway.key",
                    "gateway.pem",
                    "user.key",
                    "user.pem"
                ],
                "{host}'s own keys, and no ca.key"
            );
            for (name, mode) in files {
                if name.ends_with(".key") {
                    assert_eq!(mode, "600", "{host}'s {name}, readable by its owner only");
                }
            }
        }
    }

    /// Each host's user node, in etcd, says it speaks TLS only (`secure`, go-micro's key).
    pub(crate) fn every_user_node_in_etcd_says_it_speaks_tls(&self) {
        let nodes = self.etcdctl(
            "host-a",
            &[
                "get",
                "--prefix",
                "/micro/registry/user",
                "--print-value-only",
            ],
        );
        let nodes = String::from_utf8_lossy(&nodes.stdout);
        assert_eq!(
            nodes.matches(r#""secure":"true""#).count(),
            3,
            "every user node says it speaks TLS:\n{nodes}"
        );
    }

    /// From host-a, host-b's user service (its `/metrics`, on its gRPC port): answered with
    /// the gateway's certificate, and refused without one, or in plaintext.
    pub(crate) fn only_a_caller_with_the_labs_certificate_is_answered(&self) {
        let url = format!("{}:7021/metrics", self.address("host-b"));
        let curl = |flags: &str, scheme: &str| {
            let line = format!("curl -sS --max-time 10 {flags} {scheme}://{url}");
            self.on("host-a", &["sh", "-c", &line])
        };
        let ca = format!("--cacert {CERTS}/ca.pem");
        let answered = curl(
            &format!("{ca} --cert {CERTS}/gateway.pem --key {CERTS}/gateway.key"),
            "https",
        )
        .unwrap_or_else(|error| panic!("the gateway's certificate was refused: {error}"));
        assert!(answered.contains("# HELP"), "{answered}");
        let without = curl(&ca, "https");
        assert!(
            without.is_err(),
            "a caller with no certificate was answered: {without:?}"
        );
        let plaintext = curl("", "http");
        assert!(
            plaintext.is_err(),
            "a plaintext caller was answered: {plaintext:?}"
        );
    }
}
