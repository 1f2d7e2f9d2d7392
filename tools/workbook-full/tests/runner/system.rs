//! `up`, `status` and `down` on the real course: the system of lessons 09–12 on free
//! ports, started, seen healthy in Consul and scraped by Prometheus, and stopped with
//! nothing left behind.
//!
//! `up` builds the lessons with their reference answers, the features of the `cargo test
//! --workspace --all-features` that runs this test, so it finds their executables built. It runs on
//! `--base-port`, in its own `.workbook/system-PORT/`, away from a learner's system.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::real_course::course_root;

/// The first of ten free loopback ports in a row: Consul, Redis, the two captcha
/// instances, the gateway, the book's port, NATS, its monitoring port, Prometheus and the
/// book's trace receiver.
pub fn free_base_port() -> u16 {
    testkit::free_ports_in_a_row(10)
}

/// `workbook ARGS` in the real course, given at most `patience` to finish.
pub fn workbook(root: &Path, args: &[&str], patience: Duration) -> Output {
    workbook_with(root, args, &[], patience)
}

/// [`workbook`] with these environment variables set.
pub fn workbook_with(
    root: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    patience: Duration,
) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_workbook-full"));
    command
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root)
        .env("NO_COLOR", "1");
    testkit::output_within(
        &format!("`workbook {}`", args.join(" ")),
        &mut command,
        patience,
    )
}

pub fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Stops the test's system and removes its folder, even when the test fails half-way.
pub struct System {
    pub root: PathBuf,
    pub base: String,
}

impl System {
    /// `up` of the course in this workspace on a free base port, with `env` set: the
    /// system (stopped when dropped), its base port, and what `up` said. Fails the test,
    /// saying why, when `up` fails. `up` builds the system's programs first: it may take
    /// as long as the test runner gives a test that builds.
    pub fn up(env: &[(&str, &str)]) -> (System, u16, String) {
        let root = course_root();
        let base_port = free_base_port();
        let base = base_port.to_string();
        let system = System { root, base };
        let up = workbook_with(
            &system.root,
            &["up", "--base-port", &system.base],
            env,
            testkit::deadline::TEST_THAT_BUILDS,
        );
        let said = text(&up);
        assert!(up.status.success(), "`up` failed:\n{said}");
        (system, base_port, said)
    }
}

impl Drop for System {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let _ = workbook(
                &self.root,
                &["down", "--base-port", &self.base],
                Duration::from_secs(60),
            );
        }
        let _ = std::fs::remove_dir_all(self.root.join(format!(".workbook/system-{}", self.base)));
    }
}

/// Why `up` runs no Prometheus here, if it does not: it needs `prometheus`, and captcha
/// instances that serve `/metrics` (lesson 12's, which `up` runs where `nats-server` is).
fn no_prometheus() -> Option<&'static str> {
    if programs::find_prometheus().is_none() {
        return Some("prometheus is not installed");
    }
    if programs::find_nats_server().is_none() {
        return Some("nats-server is not installed, so the captcha instances serve no /metrics");
    }
    None
}

/// The value of `up` for each target that Prometheus on `port` has scraped: `GET
/// /api/v1/query?query=up`, as an operator asks it.
fn targets_up(port: u16) -> Vec<(String, String)> {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let Ok(mut stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) else {
        return Vec::new();
    };
    let request = format!("GET /api/v1/query?query=up HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return Vec::new();
    }
    let Ok(answer) = testkit::read_to_end_within(&mut stream, Duration::from_secs(5)) else {
        return Vec::new();
    };
    let answer = String::from_utf8_lossy(&answer);
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    let Ok(json) = serde_json::from_str::<serde_json::Value>(body) else {
        return Vec::new();
    };
    let samples = json["data"]["result"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    samples
        .iter()
        .map(|sample| {
            let instance = sample["metric"]["instance"].as_str().unwrap_or_default();
            let value = sample["value"][1].as_str().unwrap_or_default();
            (instance.to_string(), value.to_string())
        })
        .collect()
}

/// The pid `status` reports for `name`.
fn pid_of(status: &str, name: &str) -> String {
    let line = status
        .lines()
        .find(|line| line.contains(name))
        .unwrap_or_else(|| panic!("status says nothing of {name}:\n{status}"));
    let after = line.split("(pid ").nth(1).expect("a pid");
    after.split_whitespace().next().unwrap().to_string()
}

#[test]
fn up_starts_the_system_status_sees_it_healthy_and_down_stops_it() {
    if !std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .any(|dir| dir.join("redis-server").is_file())
    {
        println!("skipped: redis-server is not installed, so `up` cannot start Redis");
        return;
    }
    let (system, base_port, said) = System::up(&[]);
    let (root, base) = (system.root.clone(), system.base.clone());
    let with_gateway = root.join("lessons/10-gateway/Cargo.toml").is_file();
    for part in ["consul", "redis", "captcha-1", "captcha-2"] {
        assert!(
            said.contains(&format!("✓ {part}")),
            "`up` did not start {part}:\n{said}"
        );
    }
    // Off the standard ports, `up` says how to point a learner's shell at its services.
    assert!(
        said.contains(&format!(
            "export CONSUL_HTTP_ADDR=http://127.0.0.1:{base_port} REDIS_URL=redis://127.0.0.1:{}",
            base_port + 1
        )) || std::env::var_os("CONSUL_HTTP_ADDR").is_some(),
        "`up` did not give the lines for a learner's shell:\n{said}"
    );
    let gateway = base_port + 4;
    if with_gateway {
        assert!(
            said.contains(&format!("The page: http://127.0.0.1:{gateway}/")),
            "`up` did not give the page's address:\n{said}"
        );
    } else {
        assert!(
            said.contains("lesson 10 is not in the workspace yet"),
            "`up` did not say that the gateway is missing:\n{said}"
        );
    }

    // Prometheus scrapes both captcha instances: its `up` is 1 for each, once it has.
    let prometheus = base_port + 8;
    let watched = no_prometheus();
    match watched {
        None => {
            assert!(
                said.contains(&format!("Prometheus: http://127.0.0.1:{prometheus}/")),
                "`up` did not give Prometheus' address:\n{said}"
            );
            let captchas = [base_port + 2, base_port + 3].map(|port| format!("127.0.0.1:{port}"));
            let deadline = Instant::now() + Duration::from_secs(60);
            loop {
                let up = targets_up(prometheus);
                let scraped = |target: &String| up.iter().any(|(t, v)| t == target && v == "1");
                if captchas.iter().all(scraped) {
                    break;
                }
                assert!(
                    Instant::now() < deadline,
                    "Prometheus did not scrape both captcha instances within 60 s: {up:?}"
                );
                std::thread::sleep(Duration::from_millis(200));
            }
        }
        Some(why) => println!("Prometheus not checked: {why}"),
    }

    let status = workbook(
        &root,
        &["status", "--base-port", &base],
        Duration::from_secs(30),
    );
    let seen = text(&status);
    assert!(
        status.status.success(),
        "`status` found a part down:\n{seen}"
    );
    if watched.is_none() {
        let line = format!("✓ prometheus http://127.0.0.1:{prometheus}/  ready, 2 of 2 targets up");
        assert!(
            seen.contains(&line),
            "`status` did not say {line:?}:\n{seen}"
        );
    }
    // Lesson 09 registers `captcha-localhost-PORT`, lesson 12 (on lesson 11's framework)
    // `captcha-127.0.0.1-PORT`.
    for (name, port) in [("captcha-1", base_port + 2), ("captcha-2", base_port + 3)] {
        assert!(
            seen.lines()
                .any(|line| line.contains("passing in Consul as captcha-")
                    && line.contains(&format!("-{port}  "))),
            "{name} is not passing:\n{seen}"
        );
    }

    // A server killed outright cannot leave Consul: `down` deregisters it.
    let killed = pid_of(&seen, "captcha-2");
    let mut kill = Command::new("kill");
    kill.args(["-KILL", &killed]);
    let kill = testkit::output_within("`kill -KILL` of captcha-2", &mut kill, testkit::PATIENCE);
    assert!(kill.status.success(), "{kill:?}");

    let down = workbook(
        &root,
        &["down", "--base-port", &base],
        Duration::from_secs(60),
    );
    let said = text(&down);
    assert!(down.status.success(), "`down` failed:\n{said}");
    // A Consul named by CONSUL_HTTP_ADDR is someone else's: `up` used it, `down` leaves it.
    let mut started = vec!["redis", "captcha-1"];
    if watched.is_none() {
        started.push("prometheus");
    }
    if std::env::var_os("CONSUL_HTTP_ADDR").is_none() {
        started.push("consul");
    }
    for part in started {
        assert!(
            said.contains(&format!("✓ {part:<9} stopped")),
            "`down` did not stop {part}:\n{said}"
        );
    }
    assert!(
        said.lines()
            .any(|line| line.contains("deregistered captcha-")
                && line.contains(&format!("-{} ", base_port + 3))),
        "`down` did not deregister the killed instance:\n{said}"
    );
    for port in (base_port..=base_port + 4).chain([base_port + 6, base_port + 8]) {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        assert!(
            TcpStream::connect_timeout(&addr, Duration::from_millis(300)).is_err(),
            "something still listens on {addr} after `down`:\n{said}"
        );
    }
    let after = workbook(
        &root,
        &["status", "--base-port", &base],
        Duration::from_secs(30),
    );
    assert!(
        !after.status.success() && text(&after).contains("nothing started"),
        "`status` after `down`:\n{}",
        text(&after)
    );
}
