//! The `consul` on PATH branch of `testkit::consul()`: the flags it starts `consul agent -dev`
//! with, the wait for a leader, and the kill on drop.
//!
//! A stand-in `consul` (a small Python program serving `/v1/status/leader`) is put first on
//! PATH. PATH is global to the process, so this check runs without the test harness
//! (`harness = false` in Cargo.toml): `main` is the only thread when it changes it.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use testkit::{ConsulKind, PATIENCE, within};

const FAKE_CONSUL: &str = r#"#!/usr/bin/env python3
import http.server, sys
args = sys.argv[1:]
if args[:2] == ["agent", "-h"]:
    print("Usage: consul agent [options]\n  -grpc-tls-port=<value>\n  -http-port=<value>", file=sys.stderr)
    sys.exit(1)
port = int(next(a.split("=", 1)[1] for a in args if a.startswith("-http-port=")))
class Leader(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'"127.0.0.1:8300"' if self.path == "/v1/status/leader" else b"[]"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", port), Leader).serve_forever()
"#;

fn main() {
    if cfg!(windows) {
        println!("consul_binary: a Unix check (a script named `consul` on PATH)");
        return;
    }
    let python = Command::new("python3")
        .arg("--version")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map(|child| testkit::child_output_within("`python3 --version`", child, PATIENCE));
    assert!(
        python.is_ok_and(|out| out.status.success()),
        "this test's stand-in `consul` is a Python 3 program: install python3"
    );
    let folder = std::env::temp_dir().join(format!("testkit-fake-consul-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let program = folder.join("consul");
    std::fs::write(&program, FAKE_CONSUL).unwrap();
    make_executable(&program);
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut folders = vec![folder.clone()];
    folders.extend(std::env::split_paths(&path));
    // SAFETY: single-threaded so far; the runtime below starts after these writes.
    unsafe {
        std::env::set_var("PATH", std::env::join_paths(folders).unwrap());
        std::env::remove_var("CONSUL_HTTP_ADDR");
    }

    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(check_the_consul_branch());
    std::fs::remove_dir_all(&folder).unwrap();
    println!("consul_binary: `consul agent -dev` started, answered, and was stopped");
}

async fn check_the_consul_branch() {
    let agent = testkit::consul().await;
    assert_eq!(agent.kind(), ConsulKind::RealConsul, "{agent:?}");
    let pid = agent.pid().expect("a child process");
    let url = agent.url().to_string();
    let http_port = url.rsplit(':').next().unwrap().to_string();

    let args = command_line(pid);
    for expected in [
        "agent",
        "-dev",
        "-bind=127.0.0.1",
        "-client=127.0.0.1",
        "-dns-port=-1",
        &format!("-http-port={http_port}"),
    ] {
        assert!(
            args.iter().any(|arg| arg == expected),
            "{expected} in {args:?}"
        );
    }
    for flag in [
        "-grpc-port=",
        "-grpc-tls-port=",
        "-serf-lan-port=",
        "-serf-wan-port=",
        "-server-port=",
    ] {
        let port: u16 = args
            .iter()
            .find_map(|arg| arg.strip_prefix(flag))
            .unwrap_or_else(|| panic!("{flag} in {args:?}"))
            .parse()
            .expect("a port number");
        assert_ne!(port, 0, "{flag} is a real port");
    }

    let leader = within(
        "the leader",
        reqwest::get(format!("{url}/v1/status/leader")),
    )
    .await
    .unwrap()
    .json::<String>()
    .await
    .unwrap();
    assert_eq!(leader, "127.0.0.1:8300");

    drop(agent);
    let address = url.trim_start_matches("http://");
    assert!(
        tokio::net::TcpStream::connect(address).await.is_err(),
        "{address} still accepts connections after drop"
    );
    assert!(
        !in_process_table(pid),
        "consul {pid} is still in the process table"
    );
}

#[cfg(unix)]
fn make_executable(program: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(program, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(not(unix))]
fn make_executable(_program: &Path) {}

/// The arguments process `pid` was started with.
fn command_line(pid: u32) -> Vec<String> {
    if cfg!(target_os = "linux") {
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap();
        cmdline
            .split(|byte| *byte == 0)
            .map(|arg| String::from_utf8_lossy(arg).into_owned())
            .collect()
    } else {
        let mut ps = Command::new("ps");
        ps.args(["-o", "args=", "-p", &pid.to_string()]);
        let out = testkit::output_within("`ps -o args=`", &mut ps, PATIENCE);
        let text = String::from_utf8_lossy(&out.stdout);
        text.split_whitespace().map(str::to_string).collect()
    }
}

/// Whether `pid` is still listed, running or as a zombie nobody waited for.
fn in_process_table(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        PathBuf::from(format!("/proc/{pid}")).exists()
    } else {
        let mut ps = Command::new("ps");
        ps.args(["-p", &pid.to_string()]);
        testkit::output_within("`ps -p`", &mut ps, PATIENCE)
            .status
            .success()
    }
}
