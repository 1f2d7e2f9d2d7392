//! `devconsul`: the development agent on the command line, spoken like Consul's CLI.
//!
//! ```text
//! devconsul agent -dev [-http-port 8500] [-client 127.0.0.1] [-config-dir DIR] [-ui]
//!                      [-node NAME] [-datacenter dc1] [-consul-timings]
//! devconsul agent -server -bootstrap-expect 1 -bind ADDR -data-dir DIR [-client 0.0.0.0] …
//! devconsul agent -bind ADDR -data-dir DIR (-join ADDR | -retry-join ADDR) [-rejoin] …
//! devconsul members | info | reload | leave [-http-addr http://127.0.0.1:8500]
//! devconsul join ADDR… | force-leave NODE
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
    /// Runs the agent: alone with -dev (the default), or as a cluster's server (-server) or
    /// client (-join, -retry-join).
    Agent(AgentArgs),
    /// Lists the members of the cluster.
    Members(ClientArgs),
    /// Makes a running agent join a cluster through the agent at each address.
    Join(JoinArgs),
    /// Moves a failed member to left, which takes it and its services out of the catalog.
    ForceLeave(ForceLeaveArgs),
    /// Prints the agent's runtime information.
    Info(ClientArgs),
    /// Makes a running agent re-read its config folder.
    Reload(ClientArgs),
    /// Makes a running agent leave and shut down.
    Leave(ClientArgs),
}

#[derive(Args)]
struct JoinArgs {
    #[command(flatten)]
    agent: ClientArgs,
    /// Where another agent's gossip answers: HOST or HOST:PORT (port 8301).
    #[arg(required = true)]
    addresses: Vec<String>,
}

#[derive(Args)]
struct ForceLeaveArgs {
    #[command(flatten)]
    agent: ClientArgs,
    /// The failed member's node name.
    node: String,
}

#[derive(Args)]
struct AgentArgs {
    /// Development mode: one node, its own server, in memory (what the agent is without
    /// the cluster flags below).
    #[arg(long)]
    dev: bool,
    /// Hold the cluster's catalog (one server per datacenter).
    #[arg(long)]
    server: bool,
    /// How many servers to wait for before electing a leader: 1 (there is no raft here).
    #[arg(long = "bootstrap-expect")]
    bootstrap_expect: Option<u32>,
    /// The address the other agents reach this one at (gossip, and a server's port).
    #[arg(long)]
    bind: Option<IpAddr>,
    /// The gossip port (UDP).
    #[arg(long = "serf-lan-port", default_value_t = devconsul::cluster::SERF_LAN_PORT)]
    serf_lan_port: u16,
    /// A server's port for the other agents (TCP, on the -bind address).
    #[arg(long = "server-port", default_value_t = devconsul::cluster::SERVER_PORT)]
    server_port: u16,
    /// Join the cluster through this agent at start; fail if none answers.
    #[arg(long)]
    join: Vec<String>,
    /// Join the cluster through this agent, retrying until it answers.
    #[arg(long = "retry-join")]
    retry_join: Vec<String>,
    /// How long to wait between -retry-join attempts.
    #[arg(long = "retry-interval", default_value = "30s", value_parser = parse_duration)]
    retry_interval: std::time::Duration,
    /// Rejoin the members known before the last stop.
    #[arg(long)]
    rejoin: bool,
    /// Where the agent keeps what it must remember (a cluster's members, for -rejoin).
    #[arg(long = "data-dir")]
    data_dir: Option<PathBuf>,
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
    if !matches!(cli.command, Command::Agent(_)) {
        // Rust ignores SIGPIPE, so `println!` to a reader that has gone (`devconsul members
        // | head`) panics. A command ends quietly instead, by the signal, as Consul's CLI
        // and every Unix tool do. (The agent keeps ignoring it: a client that hangs up is
        // no reason for a server to end.)
        // SAFETY: sets one signal's disposition, process-wide; nothing else here uses it.
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
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
        Command::Join(args) => {
            let mut joined = 0;
            for address in &args.addresses {
                match put(&args.agent, &format!("/v1/agent/join/{address}")).await {
                    Ok(()) => joined += 1,
                    Err(error) => eprintln!("{error:#}"),
                }
            }
            if joined == 0 {
                anyhow::bail!("Failed to join any nodes.");
            }
            println!("Successfully joined cluster by contacting {joined} nodes.");
            Ok(())
        }
        Command::ForceLeave(args) => {
            put(&args.agent, &format!("/v1/agent/force-leave/{}", args.node)).await
        }
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
    let cluster = cluster_config(&args)?;
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
        cluster,
    };
    if !args.client.is_loopback() {
        tracing::warn!(target: "agent", client = %args.client,
            "the HTTP API is reachable from other machines and has no access control");
    }
    let timings = config.timings;
    let (node, datacenter) = (config.node_name.clone(), config.datacenter.clone());
    let role = match &config.cluster {
        None => "true (Bootstrap: true)".to_string(),
        Some(c) if c.server => "true (Bootstrap: true)".to_string(),
        Some(_) => "false".to_string(),
    };
    let agent = Agent::start(config).await?;
    println!("==> Starting Consul-compatible development agent...");
    println!("              Version: '{}'", devconsul::VERSION);
    println!("            Node name: '{node}'");
    println!("           Datacenter: '{datacenter}'");
    println!("               Server: {role}");
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
    if let Some(cluster) = agent.cluster() {
        let bind = cluster.gossip_addr();
        println!(
            "         Cluster Addr: {} (LAN: {}{})",
            bind.ip(),
            bind.port(),
            if cluster.me.server {
                format!(", server: {}", cluster.me.server_port)
            } else {
                String::new()
            }
        );
    }
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
    // Consul's defaults: a client leaves the cluster on SIGINT and SIGTERM (its node and
    // services go at once); a server does not (its peers would count one server fewer).
    if let Some(cluster) = agent.cluster()
        && !cluster.me.server
    {
        tracing::info!(target: "agent", "Gracefully leaving the cluster");
        cluster.leave().await;
    }
    tracing::info!(target: "agent", "Gracefully shutting down agent...");
    agent.shutdown().await;
    Ok(())
}

/// The cluster part of the agent's flags: `None` for `-dev` (no cluster flag given).
fn cluster_config(args: &AgentArgs) -> anyhow::Result<Option<devconsul::ClusterConfig>> {
    let clustered = args.server
        || args.bind.is_some()
        || !args.join.is_empty()
        || !args.retry_join.is_empty()
        || args.bootstrap_expect.is_some();
    if !clustered {
        return Ok(None);
    }
    if args.dev {
        anyhow::bail!(
            "-dev runs one agent alone: leave it out to run a cluster's server (-server) or client (-join)"
        );
    }
    let Some(bind) = args.bind else {
        anyhow::bail!(
            "a cluster's agent needs -bind ADDR: the address the other agents reach it at"
        );
    };
    let Some(data_dir) = args.data_dir.clone() else {
        anyhow::bail!("data_dir cannot be empty: a cluster's agent needs -data-dir DIR");
    };
    std::fs::create_dir_all(&data_dir).map_err(|e| {
        anyhow::anyhow!("cannot make the data directory {}: {e}", data_dir.display())
    })?;
    let config = devconsul::ClusterConfig {
        bind: SocketAddr::new(bind, args.serf_lan_port),
        server: args.server,
        server_port: args.server_port,
        join: args.join.clone(),
        retry_join: args.retry_join.clone(),
        retry_interval: args.retry_interval,
        data_dir,
        rejoin: args.rejoin,
        probe_interval: devconsul::cluster::PROBE_INTERVAL,
    };
    devconsul::cluster::validate(&config, args.bootstrap_expect)?;
    Ok(Some(config))
}

fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let nanos = devconsul::duration::parse(text)?;
    u64::try_from(nanos)
        .map(std::time::Duration::from_nanos)
        .map_err(|_| format!("{text}: a duration cannot be negative"))
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
