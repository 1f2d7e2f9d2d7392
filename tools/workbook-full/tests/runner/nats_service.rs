//! NATS, lesson 12's broker, as the third service of `services up|down|status`: each clone
//! with a base port gets its own `nats-server` on B+6, with JetStream on (lesson 12's
//! durable subscribers need it), and `services down` in one clone leaves the other's
//! running. A NATS server greets every client with an `INFO {…}` line before it says
//! anything, so a raw TCP connection tells who answers and whether JetStream is on.

use std::io::Read;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::base_port::{Learner, loopback, two_bases};
use crate::book_server::get;

/// Where NATS goes in a clone's block of ports.
const NATS_OFFSET: u16 = 6;

/// The `INFO {…}` line a NATS server on `port` greets a client with, if one answers.
fn nats_info(port: u16) -> Option<String> {
    let mut stream = TcpStream::connect_timeout(&loopback(port), Duration::from_secs(1)).ok()?;
    // Byte by byte to the line's end, within a deadline: NATS keeps the connection open.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while !line.ends_with(b"\n") {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return None;
        }
        stream.set_read_timeout(Some(left)).ok()?;
        match stream.read(&mut byte) {
            Ok(1) => line.push(byte[0]),
            _ => return None,
        }
    }
    let line = String::from_utf8_lossy(&line).into_owned();
    line.starts_with("INFO {").then_some(line)
}

/// Whether these tests cannot run here, and if so says why: `services up` needs
/// `nats-server` to start NATS, and `redis-server` to succeed at all.
fn skipped() -> bool {
    let why = if programs::find_nats_server().is_none() {
        "nats-server is not installed, so `services up` cannot start NATS"
    } else if programs::find_on_path("redis-server").is_none() {
        "redis-server is not installed, so `services up` fails before NATS"
    } else {
        return false;
    };
    println!("skipped: {why}");
    true
}

/// A learner's clone with a base port of its own, and the port its NATS goes on.
fn a_clone() -> (Learner, u16) {
    let (base, _) = two_bases();
    (Learner::new(base), base + NATS_OFFSET)
}

/// Runs `services up` in `learner`'s clone, failing the test if it fails; what it printed.
fn services_up(learner: &Learner) -> String {
    let (ok, out) = learner.run(&["services", "up"]);
    assert!(
        ok,
        "`services up` failed with base port {}:\n{out}",
        learner.base
    );
    out
}

#[test]
fn services_up_starts_nats_with_jetstream_on_the_clones_port() {
    if skipped() {
        return;
    }
    let (ada, port) = a_clone();
    let out = services_up(&ada);
    assert!(
        out.contains(&format!("started nats-server on 127.0.0.1:{port}")),
        "`services up` did not start NATS on {port}:\n{out}"
    );
    assert!(
        out.contains(&format!("NATS_URL=nats://127.0.0.1:{port}")),
        "`services up` did not say how to point a shell at its NATS:\n{out}"
    );
    let info = nats_info(port).unwrap_or_else(|| panic!("no NATS answers on {port}:\n{out}"));
    assert!(
        info.contains("\"jetstream\":true"),
        "the NATS of `services up` has no JetStream: {info}"
    );
    // Chapter 12 reads the server's `/jsz` on its monitoring port, the next one.
    let monitor = port + 1;
    let (status, varz) = get(monitor, "/varz");
    assert!(
        status == 200 && varz.contains(&format!("\"port\": {port}")),
        "the NATS of `services up` does not answer /varz on its monitoring port {monitor}:\n{varz}"
    );

    let (ok, status) = ada.run(&["services", "status"]);
    assert!(ok, "{status}");
    assert!(
        status
            .lines()
            .any(|line| line.contains("nats") && line.contains(&format!("127.0.0.1:{port}  pid"))),
        "`services status` does not show its NATS on {port}:\n{status}"
    );

    // Run again, it keeps the one it started.
    let again = services_up(&ada);
    assert!(
        !again.contains("started nats-server"),
        "a second `services up` started another NATS:\n{again}"
    );
}

#[test]
fn services_down_stops_this_clones_nats_and_leaves_another_clones() {
    if skipped() {
        return;
    }
    let (a, b) = two_bases();
    let (ada, bob) = (Learner::new(a), Learner::new(b));
    services_up(&ada);
    services_up(&bob);
    let (ada_port, bob_port) = (a + NATS_OFFSET, b + NATS_OFFSET);
    assert!(
        nats_info(ada_port).is_some(),
        "no NATS answers on {ada_port}"
    );
    assert!(
        nats_info(bob_port).is_some(),
        "no NATS answers on {bob_port}"
    );

    let (ok, out) = ada.run(&["services", "down"]);
    assert!(ok, "{out}");
    assert!(
        out.lines()
            .any(|line| line.contains("nats") && line.contains("stopped (pid")),
        "`services down` did not say it stopped its NATS:\n{out}"
    );
    assert!(
        nats_info(ada_port).is_none(),
        "`services down` left its own NATS running on {ada_port}:\n{out}"
    );
    assert!(
        nats_info(bob_port).is_some(),
        "one clone's `services down` stopped the other clone's NATS:\n{out}"
    );
}

/// A `nats-server` the test starts itself, killed when dropped.
struct Stranger(std::process::Child);

impl Drop for Stranger {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn services_up_uses_a_nats_that_already_answers_and_down_leaves_it() {
    if skipped() {
        return;
    }
    let (ada, port) = a_clone();
    // Someone else's NATS on the clone's port, without JetStream.
    let program = programs::find_nats_server().expect("found above");
    let _stranger = Stranger(
        std::process::Command::new(program)
            .args(["-a", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("nats-server starts"),
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while nats_info(port).is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the test's own nats-server does not answer on {port}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }

    let out = services_up(&ada);
    assert!(
        out.contains(&format!(
            "a NATS server already answers on 127.0.0.1:{port}; using it"
        )) && out.contains("no JetStream"),
        "`services up` did not use the NATS on its port, or did not say it lacks JetStream:\n{out}"
    );
    let (ok, out) = ada.run(&["services", "down"]);
    assert!(ok, "{out}");
    assert!(
        nats_info(port).is_some(),
        "`services down` stopped a NATS it did not start:\n{out}"
    );
}

#[test]
fn without_nats_server_services_up_says_what_to_install_and_starts_the_others() {
    if programs::find_on_path("redis-server").is_none() {
        println!("skipped: redis-server is not installed, so `services up` fails anyway");
        return;
    }
    let (ada, port) = a_clone();
    let base = ada.base;
    // A NATS_SERVER that names no file: no nats-server on this machine, as far as the
    // runner can tell.
    let mut up = ada.command(&["services", "up"]);
    up.env("NATS_SERVER", "/nonexistent/nats-server");
    let output = crate::fixture::output_of(&mut up, &["services", "up"]);
    let out = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(
        out.contains("nats-server is not installed") && out.contains("install"),
        "`services up` did not say what to install for NATS:\n{out}"
    );
    assert!(
        output.status.success()
            && out.contains(&format!("started the embedded agent on 127.0.0.1:{base}"))
            && out.contains(&format!("started redis-server on 127.0.0.1:{}", base + 1)),
        "without nats-server, `services up` did not start the agent and Redis:\n{out}"
    );
    assert!(nats_info(port).is_none());
}
