//! The lesson's program as a process: the user service and the gateway, started as an
//! operator starts them, and `call`, run as a script runs it. Only a test that declares
//! `mod program;` runs it.

use std::path::Path;
use std::process::Output;

use testkit::ServerProcess;

/// The lesson's binary.
pub const BINARY: &str = env!("CARGO_BIN_EXE_l16-trust");

/// Starts `user-server` on a free port with the certificates in `certs` and the Redis at
/// `redis_url`, with `more` options after.
pub async fn start_user(certs: &Path, redis_url: &str, more: &[&str]) -> ServerProcess {
    let certs = certs.display().to_string();
    let mut args = vec![
        "user-server",
        "--addr",
        "127.0.0.1:0",
        "--certs",
        &certs,
        "--grace",
        "1s",
    ];
    args.extend(more);
    ServerProcess::start_with_env(BINARY, &args, &[("REDIS_URL", redis_url)], 1).await
}

/// Starts `gateway-server` on a free port, calling the user service at `user`.
pub async fn start_gateway(certs: &Path, user: &ServerProcess) -> ServerProcess {
    start_gateway_with(certs, user, &[]).await
}

/// [`start_gateway`], with `more` options after (`--tls`).
pub async fn start_gateway_with(
    certs: &Path,
    user: &ServerProcess,
    more: &[&str],
) -> ServerProcess {
    let certs = certs.display().to_string();
    let user = user.addr().to_string();
    let mut args = vec![
        "gateway-server",
        "--addr",
        "127.0.0.1:0",
        "--user",
        &user,
        "--certs",
        &certs,
    ];
    args.extend(more);
    ServerProcess::start(BINARY, &args, 1).await
}

/// The arguments of `call` to the user service at `user`, with the certificates in `certs`,
/// as `who`, then `rest`.
pub fn call_args(user: &ServerProcess, certs: &Path, who: &str, rest: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["call", "--addr", &user.addr().to_string()]
        .into_iter()
        .map(String::from)
        .collect();
    args.extend(["--certs".into(), certs.display().to_string()]);
    args.extend(["--as".into(), who.into()]);
    args.extend(rest.iter().map(|arg| arg.to_string()));
    args
}

/// Runs `l16-trust ARGS` to its end.
pub async fn run(args: &[String]) -> Output {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    testkit::tool::run(BINARY, &args, &[]).await
}

/// Runs `l16-trust ARGS`, which must fail with its error in one line; returns its stderr.
pub async fn fails(args: &[String]) -> String {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    testkit::tool::fails(BINARY, &args, &[]).await
}

/// Runs `l16-trust ARGS`, which must succeed; returns its stdout.
pub async fn succeeds(args: &[String]) -> String {
    let output = run(args).await;
    assert!(
        output.status.success(),
        "`l16-trust {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}
