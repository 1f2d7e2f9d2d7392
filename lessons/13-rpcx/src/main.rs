//! `cargo run -p l13-rpcx -- server`, then `… -- client`; with etcd, `… -- server --etcd
//! 127.0.0.1:2379` (as many as you like, each on its own `--addr`) and `… -- client --etcd
//! 127.0.0.1:2379`.

use std::net::SocketAddr;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use l13_rpcx::DEFAULT_ADDR;
use l13_rpcx::arith::{Args, Quotient, SERVICE};
use l13_rpcx::connection::CallError;
use l13_rpcx::exercises::weighted::WeightedRoundRobin;
use l13_rpcx::header::Serialize;
use l13_rpcx::registry::{self, BASE_PATH};
use l13_rpcx::select::{Random, RoundRobin, Select};
use l13_rpcx::server::{self, Options};
use l13_rpcx::xclient::{FailMode, XClient};
use micro::registry::Node;
use micro::registry::etcd::Members;
use shared::consul::parse_duration;
use tokio::sync::watch;

/// Lesson 13: rpcx — the Arith service over rpcx's own protocol, found through etcd.
#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where etcd is, as etcdctl takes it: members separated by commas.
#[derive(clap::Args)]
struct Etcd {
    /// etcd's members (host:port,host:port). Without it, no registry: the client calls
    /// `--addr` directly.
    #[arg(long, env = "ETCDCTL_ENDPOINTS", value_delimiter = ',')]
    etcd: Vec<String>,
    /// The registry's base path.
    #[arg(long, default_value = BASE_PATH)]
    base_path: String,
}

#[derive(Subcommand)]
enum Command {
    /// Serve Arith (Mul, Div) over rpcx; with --etcd, registered there. Ctrl-C stops it.
    Server {
        #[arg(long, default_value_t = shared::ports::default_socket(DEFAULT_ADDR))]
        addr: SocketAddr,
        #[command(flatten)]
        etcd: Etcd,
        /// The server's metadata in the registry, a URL query: weight=3, state=inactive.
        #[arg(long, default_value = "")]
        metadata: String,
        /// How long the registration outlives the server's last renewal.
        #[arg(long, default_value = "10s", value_parser = parse_duration)]
        ttl: Duration,
        /// Answer every call this late: a slow server.
        #[arg(long, default_value = "0ms", value_parser = parse_duration)]
        answer_after: Duration,
    },
    /// Call Arith.Mul(A, B) and Arith.Div(A, B) every few seconds, as the Go course's client.
    Client {
        #[arg(default_value_t = 7)]
        a: i64,
        #[arg(default_value_t = 8)]
        b: i64,
        /// The server to call when there is no --etcd.
        #[arg(long, default_value_t = shared::ports::default_addr(DEFAULT_ADDR))]
        addr: String,
        #[command(flatten)]
        etcd: Etcd,
        #[arg(long, value_enum, default_value_t = FailMode::Failtry)]
        fail: FailMode,
        #[arg(long, value_enum, default_value_t = SelectMode::Random)]
        select: SelectMode,
        /// Payloads in JSON rather than MsgPack.
        #[arg(long)]
        json: bool,
        /// How many rounds of Mul and Div (none: until stopped).
        #[arg(long)]
        rounds: Option<u64>,
        #[arg(long, default_value = "3s", value_parser = parse_duration)]
        every: Duration,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum SelectMode {
    Random,
    RoundRobin,
    /// rpcx's WeightedRoundRobin: your `rpcx.weighted` (a server's `weight` from its
    /// metadata, `server --metadata weight=3`).
    Weighted,
}

#[tokio::main]
async fn main() -> Result<(), shared::program::Failure> {
    shared::end_when_output_closes();
    shared::program::say_unfinished_exercises(
        env!("CARGO_PKG_NAME"),
        include_str!("../lesson.toml"),
    );
    shared::init_logging();
    match Cli::parse().command {
        Command::Server {
            addr,
            etcd,
            metadata,
            ttl,
            answer_after,
        } => Ok(serve(addr, etcd, &metadata, ttl, Options { answer_after }).await?),
        Command::Client {
            a,
            b,
            addr,
            etcd,
            fail,
            select,
            json,
            rounds,
            every,
        } => {
            let select: Box<dyn Select> = match select {
                SelectMode::Random => Box::new(Random),
                SelectMode::RoundRobin => Box::new(RoundRobin::default()),
                SelectMode::Weighted => Box::new(WeightedRoundRobin::default()),
            };
            let format = if json {
                Serialize::Json
            } else {
                Serialize::MsgPack
            };
            let client = client(&addr, &etcd, fail, select, format).await?;
            Ok(call_every(&client, Args { a, b }, rounds, every).await?)
        }
    }
}

// ANCHOR: serve
async fn serve(
    addr: SocketAddr,
    etcd: Etcd,
    metadata: &str,
    ttl: Duration,
    options: Options,
) -> anyhow::Result<()> {
    let stop = shared::signal::shutdown();
    let listener = shared::listen::listen(&addr.to_string()).await?;
    let addr = listener.local_addr()?;
    let registration = match etcd.etcd.is_empty() {
        true => None,
        false => {
            let members = Members::connect(&etcd.etcd).await?;
            let registration =
                registry::register(&members, &etcd.base_path, SERVICE, addr, metadata, ttl).await?;
            tracing::info!("registered {} in etcd", registration.key());
            Some(registration)
        }
    };
    tracing::info!("rpcx server listening on {addr}");

    // On a stop signal, leave the registry first — no client picks this server any more —
    // then let the calls in flight finish.
    let (stopping, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = server::serve(listener, options, async { stopped.await.unwrap_or(()) });
    let mut serving = std::pin::pin!(serving);
    tokio::select! {
        served = &mut serving => return served,
        () = stop => {}
    }
    if let Some(registration) = registration {
        let key = registration.key().to_string();
        match tokio::time::timeout(server::GRACE, registration.deregister()).await {
            Ok(Ok(())) => tracing::info!("deregistered {key}"),
            Ok(Err(error)) => tracing::warn!(%error, "cannot deregister {key}; its lease will end"),
            Err(_) => tracing::warn!("etcd did not answer; {key} stays until its lease ends"),
        }
    }
    let _ = stopping.send(());
    serving.await
}
// ANCHOR_END: serve

// ANCHOR: client
async fn client(
    addr: &str,
    etcd: &Etcd,
    fail: FailMode,
    select: Box<dyn Select>,
    format: Serialize,
) -> anyhow::Result<XClient> {
    let servers = if etcd.etcd.is_empty() {
        // One server, straight from the command line: rpcx's peer-to-peer discovery.
        let server = Node {
            id: format!("tcp@{addr}"),
            address: addr.to_string(),
            ..Node::default()
        };
        watch::channel(vec![server]).1
    } else {
        let members = Members::connect(&etcd.etcd).await?;
        registry::discover(&members, &etcd.base_path, SERVICE).await?
    };
    Ok(XClient::new(SERVICE, servers, fail, select, format))
}

/// Calls Mul and Div once a round; with a number of rounds, ends with how many calls the
/// service answered (a reply or its own error) and how many got no answer at all, and
/// fails if any got none, so that a script can tell from the exit status.
async fn call_every(
    client: &XClient,
    args: Args,
    rounds: Option<u64>,
    every: Duration,
) -> anyhow::Result<()> {
    let (a, b) = (args.a, args.b);
    let (mut round, mut calls, mut unanswered) = (0, 0, 0);
    while rounds.is_none_or(|rounds| round < rounds) {
        if round > 0 {
            tokio::time::sleep(every).await;
        }
        round += 1;
        let product = client.call::<_, i64>("Mul", &args).await;
        match &product {
            Ok(product) => println!(
                "Mul: {a} * {b} = {}, served by {}",
                product.reply, product.by
            ),
            Err(error) => println!("Mul: error: {error}"),
        }
        let quotient = client.call::<_, Quotient>("Div", &args).await;
        match &quotient {
            Ok(done) => {
                let Quotient { quo, rem } = done.reply;
                println!(
                    "Div: {a} / {b} = {quo} remainder {rem}, served by {}",
                    done.by
                )
            }
            Err(error) => println!("Div: error: {error}"),
        }
        calls += 2;
        unanswered += [product.err(), quotient.err()]
            .iter()
            .flatten()
            .filter(|error| !matches!(error, CallError::Service(_)))
            .count();
    }
    if rounds.is_some() {
        println!(
            "{} of {calls} calls answered, {unanswered} not",
            calls - unanswered
        );
    }
    anyhow::ensure!(
        unanswered == 0,
        "{unanswered} of {calls} calls not answered"
    );
    Ok(())
}
// ANCHOR_END: client
