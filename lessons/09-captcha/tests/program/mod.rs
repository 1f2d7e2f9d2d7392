//! The lesson's server as a process. Only a test that declares `mod program;` runs it, and
//! so only such a test makes `workbook check` build it.

use testkit::{ConsulAgent, ServerProcess};

/// The lesson's binary.
pub const SERVER: &str = env!("CARGO_BIN_EXE_l09-captcha");

/// Starts the lesson's binary as `server --addr 127.0.0.1:0 --name NAME` against `agent`
/// and the Redis at `redis_url`, with short check, reap and PING times.
pub async fn start_server(agent: &ConsulAgent, redis_url: &str, name: &str) -> ServerProcess {
    let args = [
        "server",
        "--addr",
        "127.0.0.1:0",
        "--name",
        name,
        "--check-interval",
        "1s",
        "--reap-after",
        "1s",
        "--ping-every",
        "100ms",
    ];
    let env = [("CONSUL_HTTP_ADDR", agent.url()), ("REDIS_URL", redis_url)];
    ServerProcess::start_with_env(SERVER, &args, &env, 1).await
}
