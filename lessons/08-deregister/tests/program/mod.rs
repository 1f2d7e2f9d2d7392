//! The lesson's server as a process. Only a test that declares `mod program;` runs it, and
//! so only such a test makes `workbook check` build it.

use testkit::{ConsulAgent, ServerProcess};

/// The lesson's binary.
pub const SERVER: &str = env!("CARGO_BIN_EXE_l08-deregister");

/// Starts the lesson's binary as `server --addr 127.0.0.1:0 --name NAME ARGS…` against
/// `agent`, with short check and reap times unless `args` say otherwise.
pub async fn start_server(agent: &ConsulAgent, name: &str, args: &[&str]) -> ServerProcess {
    start_server_at(agent.url(), name, args).await
}

/// [`start_server`] with the agent at `url` (a base URL): an agent behind a proxy, say.
#[allow(dead_code)] // not every test that runs the program needs it
pub async fn start_server_at(url: &str, name: &str, args: &[&str]) -> ServerProcess {
    let mut all = vec!["server", "--addr", "127.0.0.1:0", "--name", name];
    // A flag may be given once: the short time only where `args` do not give their own.
    for (flag, short) in [("--check-interval", "1s"), ("--reap-after", "1s")] {
        if !args.contains(&flag) {
            all.extend([flag, short]);
        }
    }
    all.extend(args);
    ServerProcess::start_with_env(SERVER, &all, &[("CONSUL_HTTP_ADDR", url)], 1).await
}
