//! An `up` that fails half-way stops what it started: here the lessons it runs are not in
//! the workspace, so the build fails after Consul and Redis are already up.

use std::net::TcpStream;
use std::time::Duration;

use crate::fixture::Course;
use crate::system::free_base_port;

#[test]
fn a_failed_up_leaves_no_consul_or_redis_running() {
    let course = Course::new();
    let base = free_base_port();
    let (ok, out) = course.run(&["up", "--base-port", &base.to_string()]);
    assert!(!ok, "up passed without the lessons it runs:\n{out}");
    if !out.contains("consul") {
        return println!("skipped: `up` failed before it started Consul:\n{out}");
    }
    assert!(
        out.contains("`up` failed: stopping what it started"),
        "{out}"
    );
    for (what, port) in [("Consul", base), ("Redis", base + 1)] {
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        assert!(
            TcpStream::connect_timeout(&addr, Duration::from_millis(300)).is_err(),
            "{what} still answers on {port} after a failed `up`:\n{out}"
        );
    }
    let (_, status) = course.run(&["status", "--base-port", &base.to_string()]);
    assert!(!status.contains("pid"), "{status}");
}
