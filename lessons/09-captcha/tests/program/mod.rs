//! The lesson's server as a process. Only a test that declares `mod program;` runs it, and
//! so only such a test makes `workbook check` build it.

use testkit::{ConsulAgent, ServerProcess};

/// The lesson's binary.
pub const SERVER: &str = env!("CARGO_BIN_EXE_l09-captcha");

/// Starts the lesson's binary as `server --addr 127.0.0.1:0 --name NAME` against `agent`
/// and the Redis at `redis_url`, with short check and PING times; a reap after 30 s, so that
/// an instance that leaves the catalog in a test has deregistered, not been reaped; and a
/// grace of 1 s: a call still open at SIGTERM (a health Watch never ends by itself) holds
/// the exit that long, well within the tests' patience.
pub async fn start_server(agent: &ConsulAgent, redis_url: &str, name: &str) -> ServerProcess {
    start_server_reaped_after(agent, redis_url, name, "30s").await
}

/// [`start_server`], with the agent reaping the instance once its check has been critical
/// for `reap_after` (`"1s"`).
pub async fn start_server_reaped_after(
    agent: &ConsulAgent,
    redis_url: &str,
    name: &str,
    reap_after: &str,
) -> ServerProcess {
    let args = [
        "server",
        "--addr",
        "127.0.0.1:0",
        "--name",
        name,
        "--check-interval",
        "1s",
        "--reap-after",
        reap_after,
        "--ping-every",
        "100ms",
        "--grace",
        "1s",
    ];
    let env = [("CONSUL_HTTP_ADDR", agent.url()), ("REDIS_URL", redis_url)];
    ServerProcess::start_with_env(SERVER, &args, &env, 1).await
}
