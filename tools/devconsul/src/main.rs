//! `devconsul`: the development agent on the command line, spoken like Consul's CLI.
//!
//! ```text
//! devconsul agent -dev [-http-port 8500] [-client 127.0.0.1] [-config-dir DIR] [-ui]
//!                      [-node NAME] [-datacenter dc1] [-consul-timings]
//! devconsul members | info | reload | leave [-http-addr http://127.0.0.1:8500]
//! ```
//!
//! Consul's flags take one dash (`-http-port`); clap wants two, so `main` adds the second
//! before parsing. `--http-port` works as well.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use devconsul::{Agent, Config, Timings};

mod client;
mod log_format;

use client::{ClientArgs, info, members, put};
use log_format::init_logging;

#[derive(Parser)]
#[command(name = "devconsul", version = devconsul::VERSION)]
#[command(
    about = "A Consul-compatible development agent: the HTTP API, health checks, KV and a status page"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Runs the agent (always in development mode: one node, its own leader, in memory).
    Agent(AgentArgs),
    /// Lists the members of the cluster (this one node).
    Members(ClientArgs),
    /// Prints the agent's runtime information.
    Info(ClientArgs),
    /// Makes a running agent re-read its config folder.
    Reload(ClientArgs),
    /// Makes a running agent leave and shut down.
    Leave(ClientArgs),
}

#[derive(Args)]
struct AgentArgs {
    /// Development mode (accepted for compatibility: this agent has no other mode).
    #[arg(long)]
    dev: bool,
    /// The HTTP API port.
    #[arg(long = "http-port", default_value_t = 8500)]
    http_port: u16,
    /// The address the HTTP API binds to. Anything but loopback is reachable from
    /// other machines.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    client: IpAddr,
    /// A folder of `*.json` service definitions, loaded at start and on reload/SIGHUP.
    #[arg(long = "config-dir")]
    config_dir: Option<PathBuf>,
    /// Serve the status page under /ui/ (always on in development mode).
    #[arg(long)]
    ui: bool,
    /// The node name (default: the host name).
    #[arg(long)]
    node: Option<String>,
    /// The datacenter name.
    #[arg(long, default_value = "dc1")]
    datacenter: String,
    /// Reap critical services with Consul's timings (at least 1m, every 30s) instead
    /// of the development ones (1s).
    #[arg(long = "consul-timings")]
    consul_timings: bool,
}

/// Turns Consul's `-flag` into clap's `--flag` (short `-h`/`-V` stay as they are).
fn with_double_dashes(args: impl Iterator<Item = String>) -> Vec<String> {
    args.enumerate()
        .map(|(i, arg)| {
            if i > 0 && arg.starts_with('-') && !arg.starts_with("--") && arg.len() > 2 {
                format!("-{arg}")
            } else {
                arg
            }
        })
        .collect()
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse_from(with_double_dashes(std::env::args()));
    match run(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("Error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Agent(args) => run_agent(args).await,
        Command::Members(args) => members(&args).await,
        Command::Info(args) => info(&args).await,
        Command::Reload(args) => {
            put(&args, "/v1/agent/reload").await?;
            println!("Configuration reload triggered");
            Ok(())
        }
        Command::Leave(args) => {
            put(&args, "/v1/agent/leave").await?;
            println!("Graceful leave complete");
            Ok(())
        }
    }
}

async fn run_agent(args: AgentArgs) -> anyhow::Result<()> {
    init_logging();
    let defaults = Config::default();
    let config = Config {
        http_addr: SocketAddr::new(args.client, args.http_port),
        node_name: args.node.unwrap_or(defaults.node_name),
        datacenter: args.datacenter,
        config_dir: args.config_dir,
        timings: if args.consul_timings {
            Timings::consul()
        } else {
            Timings::default()
        },
        ui: true,
    };
    if !args.client.is_loopback() {
        tracing::warn!(target: "agent", client = %args.client,
            "the HTTP API is reachable from other machines and has no access control");
    }
    let timings = config.timings;
    let (node, datacenter) = (config.node_name.clone(), config.datacenter.clone());
    let agent = Agent::start(config).await?;
    println!("==> Starting Consul-compatible development agent...");
    println!("              Version: '{}'", devconsul::VERSION);
    println!("            Node name: '{node}'");
    println!("           Datacenter: '{datacenter}'");
    println!("               Server: true (Bootstrap: true)");
    println!(
        "          Client Addr: [{}] (HTTP: {})",
        agent.http_addr().ip(),
        agent.http_addr().port()
    );
    println!(
        "              Reaping: DeregisterCriticalServiceAfter >= {}, every {}",
        devconsul::duration::format(timings.dcsa_minimum),
        devconsul::duration::format(timings.reap_interval)
    );
    println!("                   UI: {}/ui/", agent.url());
    println!();
    println!("==> Consul agent running!");
    println!("==> Log data will now stream in as it occurs:");
    println!();

    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let mut hangup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {
                tracing::info!(target: "agent", "Caught signal: signal=interrupt");
                break;
            }
            _ = terminate.recv() => {
                tracing::info!(target: "agent", "Caught signal: signal=terminated");
                break;
            }
            _ = hangup.recv() => {
                tracing::info!(target: "agent", "Caught signal: signal=hangup");
                if let Err(error) = agent.reload().await {
                    tracing::error!(target: "agent", "Failed to reload configs: {error:#}");
                }
            }
            _ = agent.stopped() => break,
        }
    }
    tracing::info!(target: "agent", "Gracefully shutting down agent...");
    agent.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_dash_flags_become_double_dash() {
        let args = [
            "devconsul",
            "agent",
            "-dev",
            "-http-port",
            "18500",
            "-h",
            "--ui",
            "-config-dir=x",
        ];
        let normalised = with_double_dashes(args.iter().map(|s| s.to_string()));
        assert_eq!(
            normalised,
            [
                "devconsul",
                "agent",
                "--dev",
                "--http-port",
                "18500",
                "-h",
                "--ui",
                "--config-dir=x"
            ]
        );
        let cli = Cli::try_parse_from(normalised.iter().filter(|a| *a != "-h")).unwrap();
        let Command::Agent(agent) = cli.command else {
            panic!("expected the agent command")
        };
        assert_eq!(agent.http_port, 18500);
        assert!(agent.dev && agent.ui);
    }
}
