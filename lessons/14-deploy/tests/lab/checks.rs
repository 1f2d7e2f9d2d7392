//! The steps of the test's story, each a check of the lab from outside, and the waiting they
//! need: a lab comes true over seconds, so most checks ask again until it has, or until
//! [`PATIENCE`] runs out.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use crate::lab::{TestLab, docker, said};

/// How long a condition of the lab may take to come true (a loaded machine is slow).
pub(crate) const PATIENCE: Duration = Duration::from_secs(60);

/// How long one `docker` command may take (`exec`, `images`, `rmi`, `version`): seconds on
/// a quiet machine; past it, the command is killed and the test says what it printed.
pub(crate) const DOCKER_PATIENCE: Duration = Duration::from_secs(60);

/// How long one run of the lab's program may take (`up` builds nothing, `image` may build
/// the hosts' image, `down` waits for the containers to stop): as long as the test runner
/// gives the whole story, since the image's build is most of a story on a machine set up
/// today.
pub(crate) const PROGRAM_PATIENCE: Duration = testkit::deadline::LAB_THAT_BUILDS_IMAGES;

/// How long cargo may take to build a program of the course, or the service `new` wrote,
/// and docker its image: as long as the test runner gives the whole story.
pub(crate) const BUILD_PATIENCE: Duration = testkit::deadline::LAB_THAT_BUILDS_IMAGES;

impl TestLab {
    /// Calls the gateway until each of `hosts` has answered.
    pub(crate) fn wait_for_answers_from(&self, hosts: &[&str]) {
        let wanted: BTreeSet<String> = hosts.iter().map(|host| host.to_string()).collect();
        let mut seen = BTreeSet::new();
        wait_until(
            &format!("answers from {hosts:?} through the gateway"),
            || {
                if let Some(host) = self.hello() {
                    seen.insert(host);
                }
                if wanted.is_subset(&seen) {
                    Ok(())
                } else {
                    Err(format!("answered by {seen:?} so far"))
                }
            },
        );
    }

    /// Writes `value` through `host`'s etcd member until a write succeeds (once the
    /// member's side of the cluster has a leader).
    fn until_a_write_through(&self, host: &str, value: &str) {
        wait_until(&format!("a write through {host}'s member"), || {
            let put = self.etcdctl(host, &["put", "lab-test", value]);
            put.status.success().then_some(()).ok_or_else(|| said(&put))
        });
    }

    /// `up --tls`: the first story's lab runs over mutual TLS (`tls.rs`).
    pub(crate) fn up_over_tls_is_answered_by_every_host(&self) {
        let printed = self.ok(&["up", "--tls"]);
        assert!(
            printed.contains(&format!("lab {} is up", self.project)),
            "{printed}"
        );
        assert!(
            printed.contains("call each other over mutual TLS"),
            "{printed}"
        );
        // The cluster: three members, every one healthy.
        let members = self.etcdctl("host-a", &["member", "list"]);
        let members = String::from_utf8_lossy(&members.stdout);
        assert_eq!(members.lines().count(), 3, "members:\n{members}");
        for host in ["host-a", "host-b", "host-c"] {
            assert!(
                members.contains(&format!("http://{host}:2379")),
                "{members}"
            );
        }
        let health = self.etcdctl("host-a", &["endpoint", "health", "--cluster"]);
        assert!(health.status.success(), "{}", said(&health));
        // The seed's call through the published gateway, answered by each host in turn.
        self.wait_for_answers_from(&["host-a", "host-b", "host-c"]);
        let status = self.ok(&["status"]);
        assert!(
            status
                .lines()
                .any(|line| line.starts_with("host-a ") && line.contains(" running ")),
            "{status}"
        );
        assert!(status.contains("etcd, user, api"), "{status}");
    }

    pub(crate) fn up_again_is_refused(&self) {
        let error = self.fails(&["up"]);
        assert!(error.contains("is up already"), "{error}");
    }

    pub(crate) fn a_partition_leaves_host_c_alone_and_the_rest_serving(&self) {
        let printed = self.ok(&["partition", "host-c"]);
        assert!(
            printed.contains("partitioned host-c from host-a, host-b"),
            "{printed}"
        );
        // host-c's member has no majority: its writes cannot commit.
        wait_until("a write through host-c's member to fail", || {
            let put = self.etcdctl("host-c", &["put", "lab-test", "from-c"]);
            if put.status.success() {
                Err("the write succeeded".to_string())
            } else {
                Ok(())
            }
        });
        // host-a's side has two members of three: it writes (once it has a leader).
        self.until_a_write_through("host-a", "from-a");
        // The gateway, on host-a, still reaches the services on its side.
        self.wait_for_answers_from(&["host-a", "host-b"]);
        let status = self.ok(&["status"]);
        assert!(status.contains("cut off from host-a, host-b"), "{status}");
        let journal = std::fs::read_to_string(self.journal()).expect("the nemesis's journal");
        assert!(
            journal.contains(r#""what":"partition host-c""#)
                && journal.contains(r#""to_unix_ms":null"#),
            "{journal}"
        );
    }

    pub(crate) fn heal_lets_host_c_write_again(&self) {
        let printed = self.ok(&["heal"]);
        assert!(printed.starts_with("healed:"), "{printed}");
        self.until_a_write_through("host-c", "from-c");
        let journal = std::fs::read_to_string(self.journal()).expect("the nemesis's journal");
        assert!(
            !journal.contains(r#""to_unix_ms":null"#),
            "every fault ended:\n{journal}"
        );
        assert_eq!(self.ok(&["heal"]).trim(), "nothing to heal");
    }

    /// `docker stop` is a host's shutdown: its programs get SIGTERM, and host-c's service
    /// leaves the registry before its host is gone, instead of lingering until its TTL.
    pub(crate) fn a_stopped_host_leaves_the_registry_at_once(&self) {
        let service = format!("{}:7021", self.address("host-c"));
        let registered = || {
            let keys = self.etcdctl("host-a", &["get", "--prefix", "/micro/registry/"]);
            String::from_utf8_lossy(&keys.stdout).contains(&service)
        };
        wait_until("host-c's service to be registered", || {
            registered()
                .then_some(())
                .ok_or_else(|| "not yet".to_string())
        });
        let container = self.container("host-c");
        // `docker stop` returns once the host has exited: after its grace (10 s) only if
        // something on it ignored SIGTERM and had to be killed.
        docker(&["stop", &container]);
        let exit = docker(&["inspect", "--format", "{{.State.ExitCode}}", &container]);
        assert_eq!(
            exit.trim(),
            "0",
            "host-c's main process exits 0, not killed"
        );
        assert!(
            !registered(),
            "host-c's service deregistered as its host stopped, before its TTL"
        );
        // Two members of three are a majority: the cluster still writes.
        let put = self.etcdctl("host-a", &["put", "lab-test", "host-c-stopped"]);
        assert!(put.status.success(), "{}", said(&put));
    }

    pub(crate) fn bad_partitions_are_refused(&self) {
        let error = self.fails(&["partition", "host-d"]);
        assert!(
            error.contains("no host named") && error.contains("host-a, host-b, host-c"),
            "{error}"
        );
        let error = self.fails(&["partition", "host-a", "host-b", "host-c"]);
        assert!(error.contains("nothing to cut them off from"), "{error}");
    }

    pub(crate) fn slow_works_or_says_why_not(&self) {
        let out = self.program(&["slow", "host-b", "200ms"]);
        let error = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() && error.contains("no netem") {
            eprintln!(
                "slow: skipped, {}",
                error.trim().trim_start_matches("Error: ")
            );
            return;
        }
        assert!(
            out.status.success(),
            "`slow host-b 200ms` failed:\n{}",
            said(&out)
        );
        let status = self.ok(&["status"]);
        assert!(status.contains("slow 200ms"), "{status}");
        let printed = self.ok(&["heal"]);
        assert!(printed.contains("host-b no longer delays"), "{printed}");
    }

    pub(crate) fn down_leaves_nothing(&self) {
        self.ok(&["down"]);
        let label = format!("label=com.docker.compose.project={}", self.project);
        let containers = docker(&["ps", "--all", "--quiet", "--filter", &label]);
        assert_eq!(containers.trim(), "", "containers left");
        let networks = docker(&["network", "ls", "--quiet", "--filter", &label]);
        assert_eq!(networks.trim(), "", "networks left");
        // Nor a service `run` started on a host.
        let services = format!("label=l14.project={}", self.project);
        let containers = docker(&["ps", "--all", "--quiet", "--filter", &services]);
        assert_eq!(containers.trim(), "", "services left");
        // Nor its CA, on this machine.
        let certs = self.journal().with_file_name("certs");
        assert!(!certs.exists(), "{} left", certs.display());
        let again = self.ok(&["down"]);
        assert!(
            again.contains(&format!("no lab is up (project {})", self.project)),
            "{again}"
        );
    }
}

/// Asks `check` every half second until it says yes; panics after [`PATIENCE`] with what
/// it said last.
pub(crate) fn wait_until(what: &str, mut check: impl FnMut() -> Result<(), String>) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let last = match check() {
            Ok(()) => return,
            Err(last) => last,
        };
        assert!(
            Instant::now() < deadline,
            "waited {PATIENCE:?} for {what}; last: {last}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}
