//! The `devconsul` binary: Consul-style flags, `members` / `reload` / `leave` against a
//! running agent, SIGHUP reloads the config folder, SIGTERM shuts down cleanly.

use std::process::Stdio;

use crate::common::{Api, DEADLINE, eventually};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};
use tokio::time::timeout;

/// A running `devconsul agent`, with its output and its API.
struct Running {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    api: Api,
    address: String,
}

impl Running {
    async fn start(extra: &[&str]) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_devconsul"))
            .args(["agent", "-dev", "-http-port", "0", "-node", "binnode"])
            .args(extra)
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the binary starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let address = timeout(DEADLINE, async {
            while let Some(line) = lines.next_line().await.unwrap() {
                // "          Client Addr: [127.0.0.1] (HTTP: 41234)"
                if let Some(rest) = line.trim().strip_prefix("Client Addr: [") {
                    let (ip, rest) = rest.split_once("] (HTTP: ").unwrap();
                    return format!("{ip}:{}", rest.trim_end_matches(')'));
                }
            }
            panic!("the agent exited before printing its address");
        })
        .await
        .expect("the banner names the address");
        let api = Api::new(&format!("http://{address}"));
        Running {
            child,
            lines,
            api,
            address,
        }
    }

    async fn signal(&self, name: &str) {
        let pid = self.child.id().expect("still running").to_string();
        let mut kill = std::process::Command::new("kill");
        kill.args([&format!("-{name}"), &pid]);
        let kill = testkit::output_within_async(&format!("`kill -{name}`"), kill, DEADLINE).await;
        assert!(kill.status.success(), "{kill:?}");
    }

    /// Waits for the process to exit, returning its remaining output.
    async fn finish(mut self) -> String {
        let status = timeout(DEADLINE, self.child.wait())
            .await
            .expect("the agent exits")
            .unwrap();
        assert!(status.success(), "exit status {status}");
        // The rest of its output, to the end of the pipe (closed as it exited).
        let mut rest = String::new();
        let read = timeout(DEADLINE, async {
            while let Some(line) = self.lines.next_line().await.unwrap() {
                rest.push_str(&line);
                rest.push('\n');
            }
        })
        .await;
        assert!(
            read.is_ok(),
            "its output stayed open after it exited:\n{rest}"
        );
        rest
    }
}

async fn cli(args: &[&str]) -> String {
    let mut cli = std::process::Command::new(env!("CARGO_BIN_EXE_devconsul"));
    cli.args(args);
    let output =
        testkit::output_within_async(&format!("`devconsul {}`", args.join(" ")), cli, DEADLINE)
            .await;
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test]
async fn sigterm_shuts_the_agent_down_cleanly() {
    let agent = Running::start(&[]).await;
    agent
        .api
        .register(serde_json::json!({"Name": "web", "Check": {"TTL": "1m"}}))
        .await;
    agent.signal("TERM").await;
    let output = agent.finish().await;
    assert!(
        output.contains("Caught signal: signal=terminated"),
        "{output}"
    );
    assert!(output.contains("shutdown complete"), "{output}");
}

#[tokio::test]
async fn members_info_and_leave_talk_to_a_running_agent() {
    let agent = Running::start(&["-consul-timings"]).await;
    let members = cli(&["members", "-http-addr", &agent.address]).await;
    assert!(members.starts_with("Node"), "{members}");
    assert!(
        members.contains("binnode") && members.contains("alive"),
        "{members}"
    );
    let info = cli(&["info", "-http-addr", &format!("http://{}", agent.address)]).await;
    assert!(info.contains("leader = true"), "{info}");
    let me = agent.api.get("/v1/agent/self").await.expect(200).json();
    assert_eq!(me["DebugConfig"]["CheckReapInterval"], "30s");

    assert_eq!(
        cli(&["leave", "-http-addr", &agent.address]).await.trim(),
        "Graceful leave complete"
    );
    agent.finish().await;
}

#[tokio::test]
async fn members_into_a_closed_pipe_ends_quietly_as_a_unix_tool_does() {
    use std::os::unix::process::ExitStatusExt;
    let agent = Running::start(&[]).await;
    // `devconsul members | head -0`: the reader is gone before anything is written.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    // Spawned, not `output()`, which would capture standard output in a pipe of its own.
    let members = std::process::Command::new(env!("CARGO_BIN_EXE_devconsul"))
        .args(["members", "-http-addr", &agent.address])
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out =
        testkit::child_output_within_async("`devconsul members | head -0`", members, DEADLINE)
            .await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.signal(),
        Some(libc_sigpipe()),
        "{:?}: {stderr}",
        out.status
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    drop(agent);
}

/// SIGPIPE's number on Linux and the BSDs.
fn libc_sigpipe() -> i32 {
    13
}

#[tokio::test]
async fn sighup_and_reload_re_read_the_config_folder() {
    let folder = std::env::temp_dir().join(format!("devconsul-bin-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("a.json"), r#"{"service": {"name": "a"}}"#).unwrap();
    let agent = Running::start(&["-config-dir", folder.to_str().unwrap()]).await;
    agent.api.get("/v1/agent/service/a").await.expect(200);

    std::fs::write(folder.join("b.json"), r#"{"service": {"name": "b"}}"#).unwrap();
    agent.signal("HUP").await;
    eventually("service b after SIGHUP", || async {
        agent
            .api
            .get("/v1/agent/service/b")
            .await
            .status
            .is_success()
            .then_some(())
    })
    .await;

    std::fs::remove_file(folder.join("a.json")).unwrap();
    let reloaded = cli(&["reload", "-http-addr", &agent.address]).await;
    assert_eq!(reloaded.trim(), "Configuration reload triggered");
    agent.api.get("/v1/agent/service/a").await.expect(404);

    agent.signal("INT").await;
    let output = agent.finish().await;
    assert!(output.contains("shutdown complete"));
    let _ = std::fs::remove_dir_all(&folder);
}
