//! The lab as an operator sees it: `l14-deploy image`, `up`, the nemesis and `down`, run as
//! the program they are, and checked from outside, with `docker` and HTTP requests to the
//! published gateway, as a person at a terminal would check them.
//!
//! One test does the whole story, because bringing a lab up is the slow part (seconds, and
//! the image the first time): up, an etcd cluster of three and a gateway answering from every
//! host; `up` again refused; host-c cut off, where etcd refuses writes on its side only and the
//! gateway keeps answering; healed, and host-c's member writes again; bad partitions refused;
//! down, and nothing left behind. Its lab is its own (a project, a port and a network no one
//! else uses), so it runs beside a learner's lab and beside other tests.
//!
//! Where Docker is missing or its daemon does not answer, the test says why and passes: the
//! lab needs Docker, the rest of the course does not.

use std::collections::BTreeSet;
use std::hash::{DefaultHasher, Hash, Hasher};

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The lesson's program, as cargo built it for this test.
const PROGRAM: &str = env!("CARGO_BIN_EXE_l14-deploy");

/// How long a condition of the lab may take to come true (a loaded machine is slow).
const PATIENCE: Duration = Duration::from_secs(60);

/// The repository name of the images this test builds; the tag says which program is in
/// the image, so a run finds the image an earlier run built for the same program.
const TEST_IMAGE: &str = "l14-host-test";

#[test]
fn the_lab_comes_up_survives_a_partition_heals_and_goes_away() {
    let started = Instant::now();
    if let Some(why) = why_no_docker() {
        eprintln!("skipped: {why}");
        return;
    }
    let image = match test_image() {
        Ok(image) => image,
        Err(Skip(why)) => {
            eprintln!("skipped: {why}");
            return;
        }
    };
    let image_done = started.elapsed();

    let lab = TestLab::new(&image);
    lab.up_is_answered_by_every_host();
    let up_done = started.elapsed();
    lab.up_again_is_refused();
    lab.a_partition_leaves_host_c_alone_and_the_rest_serving();
    lab.heal_lets_host_c_write_again();
    lab.bad_partitions_are_refused();
    lab.slow_works_or_says_why_not();
    lab.down_leaves_nothing();

    eprintln!(
        "the lab test took {:.1} s: the image {:.1} s, up {:.1} s, the rest {:.1} s",
        started.elapsed().as_secs_f64(),
        image_done.as_secs_f64(),
        (up_done - image_done).as_secs_f64(),
        (started.elapsed() - up_done).as_secs_f64(),
    );
}

/// Why the test cannot run here: Docker missing, or its daemon not answering.
fn why_no_docker() -> Option<String> {
    let mut version = Command::new("docker");
    version.args(["version", "--format", "{{.Server.Version}}"]);
    match version.stdin(Stdio::null()).output() {
        Err(error) => Some(format!("no docker here ({error}); the lab needs Docker")),
        Ok(out) if !out.status.success() => Some(format!(
            "the Docker daemon does not answer ({}); the lab needs it",
            String::from_utf8_lossy(&out.stderr).trim()
        )),
        Ok(_) => None,
    }
}

/// A reason to skip the test, printed.
struct Skip(String);

/// The image for this test: `l14-host-test:KEY`, built by `l14-deploy image --local-base`
/// unless a run before built it for the same program and Dockerfile.
fn test_image() -> Result<String, Skip> {
    let binary = framework_binary();
    let dockerfile = Path::new(env!("CARGO_MANIFEST_DIR")).join("lab/Dockerfile");
    let key = fingerprint(&binary, &dockerfile);
    let image = format!("{TEST_IMAGE}:{key}");
    if docker_succeeds(&["image", "inspect", &image]) {
        eprintln!("the image {image} is there already");
        return Ok(image);
    }
    if !docker_succeeds(&["image", "inspect", "l14-base:bookworm"]) {
        // Making the base needs root and debootstrap; without them this is no failure of the
        // lab's, and the image cannot be made.
        if !is_root() {
            return Err(Skip(
                "no l14-base:bookworm image, and making it needs root (debootstrap)".into(),
            ));
        }
        if !has_debootstrap() {
            return Err(Skip(
                "no l14-base:bookworm image, and making it needs debootstrap \
                 (apt-get install debootstrap)"
                    .into(),
            ));
        }
    }
    let started = Instant::now();
    let mut build = Command::new(PROGRAM);
    build
        .args(["--image", &image, "image", "--local-base"])
        .env("L14_MICRO_BINARY", &binary);
    let out = run_program(&mut build);
    assert!(
        out.status.success(),
        "`l14-deploy image --local-base` failed:\n{}",
        said(&out)
    );
    eprintln!(
        "built {image} in {:.1} s:\n{}",
        started.elapsed().as_secs_f64(),
        String::from_utf8_lossy(&out.stdout).trim_end()
    );
    remove_older_test_images(&image);
    Ok(image)
}

/// lesson 11's program beside this test's program (cargo built both in the same folder),
/// built first if it is missing.
fn framework_binary() -> PathBuf {
    let binary = Path::new(PROGRAM).with_file_name("l11-micro");
    if binary.is_file() {
        return binary;
    }
    let folder = binary.parent().expect("a folder").to_path_buf();
    let profile = match folder.file_name().and_then(|name| name.to_str()) {
        Some("debug") | None => "dev".to_string(),
        Some(other) => other.to_string(),
    };
    eprintln!("{} is missing: cargo build -p l11-micro", binary.display());
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "-p", "l11-micro", "--profile", &profile])
        .status()
        .expect("run cargo");
    assert!(status.success(), "cargo build -p l11-micro failed");
    assert!(binary.is_file(), "cargo built no {}", binary.display());
    binary
}

/// A key that changes when the program or the Dockerfile does (what they hold, not when
/// they were written: cargo links the same program anew now and then).
fn fingerprint(binary: &Path, dockerfile: &Path) -> String {
    let mut hasher = DefaultHasher::new();
    std::fs::read(binary)
        .expect("read lesson 11's program")
        .hash(&mut hasher);
    std::fs::read(dockerfile)
        .expect("read lab/Dockerfile")
        .hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// Removes the test images of other keys (older programs); one still in use stays.
fn remove_older_test_images(keep: &str) {
    let Ok(out) = Command::new("docker")
        .args(["images", TEST_IMAGE, "--format", "{{.Repository}}:{{.Tag}}"])
        .output()
    else {
        return;
    };
    for image in String::from_utf8_lossy(&out.stdout).lines() {
        if image != keep {
            let _ = Command::new("docker").args(["rmi", image]).output();
        }
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn has_debootstrap() -> bool {
    Command::new("sh")
        .args([
            "-c",
            "command -v debootstrap || test -x /usr/sbin/debootstrap",
        ])
        .output()
        .is_ok_and(|out| out.status.success())
}

/// A lab of this test's own; taken down when dropped, whatever happened.
struct TestLab {
    project: String,
    image: String,
    api_port: u16,
    subnet_prefix: String,
}

impl TestLab {
    fn new(image: &str) -> TestLab {
        let pid = std::process::id();
        let api_port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        TestLab {
            project: format!("l14test{pid}"),
            image: image.to_string(),
            api_port,
            // Far from the lab's own 10.14.0 and from Docker's 172.17-31 and 192.168.
            subnet_prefix: format!("10.{}.{}", 200 + pid % 50, (pid / 50) % 256),
        }
    }

    /// `l14-deploy --project … COMMAND…` on this lab.
    fn program(&self, command: &[&str]) -> Output {
        let port = self.api_port.to_string();
        let mut program = Command::new(PROGRAM);
        program
            .args(["--project", &self.project, "--image", &self.image])
            .args(["--api-port", &port])
            .args(command)
            .env("L14_SUBNET_PREFIX", &self.subnet_prefix);
        run_program(&mut program)
    }

    /// `COMMAND` succeeds; what it printed.
    fn ok(&self, command: &[&str]) -> String {
        let out = self.program(command);
        assert!(
            out.status.success(),
            "`l14-deploy {}` failed:\n{}",
            command.join(" "),
            said(&out)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `COMMAND` fails; its error.
    fn fails(&self, command: &[&str]) -> String {
        let out = self.program(command);
        assert!(
            !out.status.success(),
            "`l14-deploy {}` should have failed:\n{}",
            command.join(" "),
            said(&out)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    fn address(&self, host: &str) -> String {
        let last = match host {
            "host-a" => 11,
            "host-b" => 12,
            _ => 13,
        };
        format!("{}.{last}", self.subnet_prefix)
    }

    /// The container of `host`.
    fn container(&self, host: &str) -> String {
        let out = docker(&[
            "ps",
            "--quiet",
            "--filter",
            &format!("label=com.docker.compose.project={}", self.project),
            "--filter",
            &format!("label=com.docker.compose.service={host}"),
        ]);
        let container = out.trim().to_string();
        assert!(!container.is_empty(), "no running container for {host}");
        container
    }

    /// `etcdctl ARGS` on `host`, against its own member; whether it succeeded.
    fn etcdctl(&self, host: &str, args: &[&str]) -> Output {
        let container = self.container(host);
        let mut command = Command::new("docker");
        command
            .args(["exec", &container, "etcdctl"])
            .args([
                "--endpoints",
                "http://127.0.0.1:2379",
                "--command-timeout=3s",
            ])
            .args(args);
        command.stdin(Stdio::null()).output().expect("run docker")
    }

    /// Which host answered one call through the gateway, if one did.
    fn hello(&self) -> Option<String> {
        let gateway = SocketAddr::from(([127, 0, 0, 1], self.api_port));
        let (status, body) = http_get(gateway, "/user/say/hello?name=x").ok()?;
        if status != 200 {
            return None;
        }
        ["host-a", "host-b", "host-c"]
            .into_iter()
            .find(|host| body.contains(&format!("-{}-", self.address(host))))
            .map(str::to_string)
    }

    /// Calls the gateway until each of `hosts` has answered.
    fn wait_for_answers_from(&self, hosts: &[&str]) {
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

    fn up_is_answered_by_every_host(&self) {
        let printed = self.ok(&["up"]);
        assert!(
            printed.contains(&format!("lab {} is up", self.project)),
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
        assert!(status.contains("host-a  running"), "{status}");
        assert!(status.contains("etcd, user, api"), "{status}");
    }

    fn up_again_is_refused(&self) {
        let error = self.fails(&["up"]);
        assert!(error.contains("is up already"), "{error}");
    }

    fn a_partition_leaves_host_c_alone_and_the_rest_serving(&self) {
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
        wait_until("a write through host-a's member", || {
            let put = self.etcdctl("host-a", &["put", "lab-test", "from-a"]);
            if put.status.success() {
                Ok(())
            } else {
                Err(said(&put))
            }
        });
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

    fn heal_lets_host_c_write_again(&self) {
        let printed = self.ok(&["heal"]);
        assert!(printed.starts_with("healed:"), "{printed}");
        wait_until("a write through host-c's member after heal", || {
            let put = self.etcdctl("host-c", &["put", "lab-test", "from-c"]);
            if put.status.success() {
                Ok(())
            } else {
                Err(said(&put))
            }
        });
        let journal = std::fs::read_to_string(self.journal()).expect("the nemesis's journal");
        assert!(
            !journal.contains(r#""to_unix_ms":null"#),
            "every fault ended:\n{journal}"
        );
        assert_eq!(self.ok(&["heal"]).trim(), "nothing to heal");
    }

    fn bad_partitions_are_refused(&self) {
        let error = self.fails(&["partition", "host-d"]);
        assert!(
            error.contains("no host named") && error.contains("host-a, host-b, host-c"),
            "{error}"
        );
        let error = self.fails(&["partition", "host-a", "host-b", "host-c"]);
        assert!(error.contains("nothing to cut them off from"), "{error}");
    }

    fn slow_works_or_says_why_not(&self) {
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

    fn down_leaves_nothing(&self) {
        self.ok(&["down"]);
        let label = format!("label=com.docker.compose.project={}", self.project);
        let containers = docker(&["ps", "--all", "--quiet", "--filter", &label]);
        assert_eq!(containers.trim(), "", "containers left");
        let networks = docker(&["network", "ls", "--quiet", "--filter", &label]);
        assert_eq!(networks.trim(), "", "networks left");
        let again = self.ok(&["down"]);
        assert!(
            again.contains(&format!("no lab is up (project {})", self.project)),
            "{again}"
        );
    }

    /// Where the program keeps this lab's journal: in the target folder it runs from.
    fn journal(&self) -> PathBuf {
        target_dir()
            .join("l14-lab")
            .join(&self.project)
            .join("faults.jsonl")
    }
}

impl Drop for TestLab {
    fn drop(&mut self) {
        // Whatever failed, the lab goes; and with it this test's journal.
        let _ = self.program(&["down"]);
        if let Some(folder) = self.journal().parent() {
            let _ = std::fs::remove_dir_all(folder);
        }
    }
}

/// The target folder this test's program was built in (`…/target/debug/l14-deploy`).
fn target_dir() -> PathBuf {
    let program = Path::new(PROGRAM);
    program
        .parent()
        .and_then(Path::parent)
        .expect("the program sits in target/PROFILE/")
        .to_path_buf()
}

/// Runs the program with its target folder said outright (the test's own folder is the
/// lesson's, where a relative CARGO_TARGET_DIR would mean another folder) and plain errors.
fn run_program(command: &mut Command) -> Output {
    command
        .env("CARGO_TARGET_DIR", target_dir())
        .env("RUST_BACKTRACE", "0")
        .env("RUST_LIB_BACKTRACE", "0")
        .stdin(Stdio::null())
        .output()
        .expect("run l14-deploy")
}

/// `docker ARGS`, which must succeed; what it printed.
fn docker(args: &[&str]) -> String {
    let out = Command::new("docker")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run docker");
    assert!(out.status.success(), "docker {args:?}:\n{}", said(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn docker_succeeds(args: &[&str]) -> bool {
    Command::new("docker")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|out| out.status.success())
}

/// What a program printed, both streams, for an assertion's message.
fn said(out: &Output) -> String {
    format!(
        "{}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Asks `check` every half second until it says yes; panics after [`PATIENCE`] with what
/// it said last.
fn wait_until(what: &str, mut check: impl FnMut() -> Result<(), String>) {
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

/// `GET path`: the status and the body (testkit's request, from this synchronous test).
fn http_get(addr: SocketAddr, path: &str) -> std::io::Result<(u16, String)> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let addr = addr.to_string();
    runtime.block_on(async {
        let answer = testkit::http_get(&addr, path);
        tokio::time::timeout(Duration::from_secs(10), answer)
            .await
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "no answer in 10 s"))?
    })
}
