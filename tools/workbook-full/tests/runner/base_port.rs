//! Two learners on one machine, each in a clone of their own with a base port: `services
//! up` gives each their own Consul agent and Redis, `services down` in one clone leaves the
//! other's answering, and `book` serves each clone's book on its own port. None of it
//! touches the course's default ports (8500, 6379, 3000).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::time::Duration;

use crate::book_server::{BookServer, get};
use crate::fixture::Course;
use testkit::free_ports_in_a_row;

/// The ports each test's learner uses from their base: Consul, Redis, `up`'s three, the
/// book, NATS (B+6) and its monitoring port (B+7).
const USED: u16 = 8;

/// Two bases whose used ports are free and do not overlap.
pub fn two_bases() -> (u16, u16) {
    let first = free_ports_in_a_row(USED);
    loop {
        let second = free_ports_in_a_row(USED);
        if second.abs_diff(first) >= USED {
            return (first, second);
        }
    }
}

pub fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// Whether a Consul agent answers `GET /v1/status/leader` on `port`.
fn consul_answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&loopback(port), Duration::from_secs(1)) else {
        return false;
    };
    let asked = write!(
        stream,
        "GET /v1/status/leader HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
    );
    asked.is_ok()
        && testkit::read_to_end_within(&mut stream, Duration::from_secs(5))
            .is_ok_and(|answer| String::from_utf8_lossy(&answer).contains(" 200 "))
}

/// Whether a Redis server answers `PING` on `port`.
fn redis_answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(&loopback(port), Duration::from_secs(1)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reply = [0u8; 7];
    stream.write_all(b"PING\r\n").is_ok()
        // deadline: five bytes, each within the read timeout above: 25 s at the most
        && stream.read_exact(&mut reply[..5]).is_ok()
        && reply.starts_with(b"+PONG")
}

/// A learner's clone, whose base port comes from `WORKBOOK_BASE_PORT` in their shell; its
/// services are stopped when the test ends, however it ends.
pub struct Learner {
    course: Course,
    pub base: u16,
}

impl Learner {
    pub fn new(base: u16) -> Learner {
        Learner {
            course: Course::new(),
            base,
        }
    }

    /// The runner in this clone, in a shell that set `WORKBOOK_BASE_PORT` and pasted the
    /// `export` line `services up` prints.
    pub fn run(&self, args: &[&str]) -> (bool, String) {
        let output = crate::fixture::output_of(&mut self.command(args), args);
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        (output.status.success(), text)
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = self.course.command(args);
        command
            .env("WORKBOOK_BASE_PORT", self.base.to_string())
            .env("CONSUL_HTTP_ADDR", format!("127.0.0.1:{}", self.base))
            .env("REDIS_URL", format!("redis://127.0.0.1:{}", self.base + 1));
        command
    }
}

impl Drop for Learner {
    fn drop(&mut self) {
        let _ = self.run(&["services", "down"]);
    }
}

#[test]
fn two_clones_with_base_ports_each_have_their_own_consul_and_redis() {
    if !std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .any(|dir| dir.join("redis-server").is_file())
    {
        println!("skipped: redis-server is not installed, so `services up` cannot start Redis");
        return;
    }
    let (a, b) = two_bases();
    let (ada, bob) = (Learner::new(a), Learner::new(b));

    for learner in [&ada, &bob] {
        let base = learner.base;
        let (ok, out) = learner.run(&["services", "up"]);
        assert!(ok, "`services up` failed with base port {base}:\n{out}");
        assert!(
            out.contains(&format!("started the embedded agent on 127.0.0.1:{base}"))
                && out.contains(&format!("started redis-server on 127.0.0.1:{}", base + 1)),
            "`services up` did not start its own Consul and Redis on {base}, {}:\n{out}",
            base + 1
        );
        assert!(
            out.contains(&format!(
                "export CONSUL_HTTP_ADDR=127.0.0.1:{base} REDIS_URL=redis://127.0.0.1:{}",
                base + 1
            )),
            "`services up` did not say how to point a shell at them:\n{out}"
        );
        assert!(
            !out.contains(":8500") && !out.contains(":6379"),
            "`services up` with base port {base} went near the default ports:\n{out}"
        );
    }
    for port in [a, b] {
        assert!(consul_answers(port), "no Consul answers on {port}");
        assert!(redis_answers(port + 1), "no Redis answers on {}", port + 1);
    }

    let (ok, out) = ada.run(&["services", "down"]);
    assert!(ok, "{out}");
    assert!(
        !consul_answers(a) && !redis_answers(a + 1),
        "`services down` left its own services running:\n{out}"
    );
    assert!(
        consul_answers(b) && redis_answers(b + 1),
        "one clone's `services down` stopped the other clone's services:\n{out}"
    );
    let (ok, status) = bob.run(&["services", "status"]);
    assert!(ok, "{status}");
    for port in [b, b + 1] {
        assert!(
            status.contains(&format!("127.0.0.1:{port}  pid")),
            "`services status` does not see its own service on {port}:\n{status}"
        );
    }
}

#[test]
fn a_clone_whose_base_port_changed_still_stops_what_it_started() {
    if !std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .any(|dir| dir.join("redis-server").is_file())
    {
        println!("skipped: redis-server is not installed, so `services up` cannot start Redis");
        return;
    }
    let (first, second) = two_bases();
    let mut ada = Learner::new(first);
    let (ok, out) = ada.run(&["services", "up"]);
    assert!(ok, "{out}");

    // Started again on the new ports, the old services would be lost to `services down`.
    ada.base = second;
    let (ok, out) = ada.run(&["services", "up"]);
    assert!(
        !ok && out.contains("stop it first"),
        "`services up` on a new base port lost the services of the old one:\n{out}"
    );
    let (ok, out) = ada.run(&["services", "down"]);
    assert!(ok, "{out}");
    assert!(
        !consul_answers(first) && !redis_answers(first + 1),
        "`services down` did not stop what it started before the base port changed:\n{out}"
    );
}

#[test]
fn each_clone_serves_its_book_on_its_own_port() {
    let (a, b) = two_bases();
    let (ada, bob) = (Course::new(), Course::new());
    let mut servers = Vec::new();
    for (course, base) in [(&ada, a), (&bob, b)] {
        // The base is kept in the clone, for every command after.
        let (ok, out) = course.run(&["ports", "--base", &base.to_string()]);
        assert!(ok, "{out}");
        assert!(
            out.contains(&format!("http://127.0.0.1:{}/", base + 5)),
            "`ports` does not say where the book goes:\n{out}"
        );
        servers.push((BookServer::start_with(course.command(&["book"])), base));
    }
    for (server, base) in &servers {
        assert_eq!(
            server.port,
            base + 5,
            "the book of the clone with base port {base} is not on its port"
        );
        let (status, page) = get(server.port, "/01-demo.html");
        assert_eq!(status, 200, "{page}");
    }
    assert_ne!(servers[0].0.port, 3000);
}
