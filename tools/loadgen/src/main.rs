//! `loadgen`: drive one of the course's servers (or any server speaking its protocol) with a
//! closed loop of requests, and print requests/s, latency percentiles and errors.
//!
//! ```text
//! cargo run --release -p loadgen -- rpc --connections 32 --duration 10s
//! cargo run --release -p loadgen -- grpc --streams 64 --json
//! cargo run --release -p loadgen -- grpc --client tonic    # lesson 05's generated client
//! cargo run --release -p loadgen -- grpc --client h2       # the h2 crate's client
//! cargo run --release -p loadgen -- report runs.jsonl --svg chart.svg   # bench.sh's runs
//! cargo run --release -p loadgen --features events -- events --broker nats --messages 100000
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use loadgen::Protocol;
use loadgen::grpc::Client;
use loadgen::runner::{Options, parse_duration};
use loadgen::tls::TlsFlags;

#[derive(Parser)]
#[command(
    version,
    about = "Closed-loop load for the course's servers, on this machine only"
)]
struct Cli {
    #[command(subcommand)]
    protocol: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lesson 01: newline-delimited lines, echoed back (default 127.0.0.1:7001).
    Echo(Common),
    /// Lesson 02: length-prefixed JSON frames, hello.HelloWorld (default 127.0.0.1:7002).
    Rpc(Common),
    /// Lesson 03: newline-delimited JSON-RPC 2.0 over TCP (default 127.0.0.1:7003).
    Jsonrpc(Common),
    /// JSON-RPC 1.0 as Go's net/rpc/jsonrpc client sends it (default 127.0.0.1:7003).
    Jsonrpc1(Common),
    /// Lesson 05: hello.Greeter/SayHello over gRPC (default 127.0.0.1:7005).
    Grpc {
        #[command(flatten)]
        common: Common,
        /// One HTTP/2 connection with N calls in flight (instead of --connections).
        #[arg(long, conflicts_with_all = ["connections", "pipeline"])]
        streams: Option<usize>,
        /// Which client makes the calls: frames (the leanest, loadgen's own HTTP/2), h2
        /// (the `h2` crate) or tonic (lesson 05's generated client).
        #[arg(long, value_enum, default_value_t = Client::Frames)]
        client: Client,
        #[command(flatten)]
        tls: TlsFlags,
    },
    /// Lesson 12: publish messages through a broker (nats, or http over --registry) and
    /// measure publish → deliver latency and delivered messages/s (needs `--features events`).
    Events(Events),
    /// Sum up bench.sh's runs (its runs.jsonl): medians, spread and ratios as Markdown
    /// tables, and with --svg a bar chart.
    Report {
        /// The JSON lines bench.sh wrote, one measurement a line.
        runs: PathBuf,
        /// Also write the chart, a plain SVG, to this file.
        #[arg(long)]
        svg: Option<PathBuf>,
        /// The chart's title.
        #[arg(long, default_value = "The course's servers and Go's, closed loop")]
        title: String,
        /// The line under the title: the machine and how it was measured.
        #[arg(long, default_value = "")]
        subtitle: String,
    },
}

#[derive(Args)]
struct Common {
    /// The server, HOST:PORT; only loopback (127.0.0.0/8, ::1) is accepted.
    #[arg(long)]
    addr: Option<String>,
    /// Connections, each a closed loop.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Requests outstanding per connection (calls in flight per connection for gRPC).
    #[arg(long, default_value_t = 1)]
    pipeline: usize,
    /// Run this long before measuring (replies are still checked).
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    warmup: Duration,
    /// Measure this long; with the warm-up, at most 5 minutes.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    duration: Duration,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// `loadgen events`'s flags: lesson 12's broker flags and lesson 11's registry flags, as the
/// lesson's own binary takes them, and how many messages to publish.
#[cfg(feature = "events")]
#[derive(Args)]
struct Events {
    #[command(flatten)]
    broker: micro::broker::flags::BrokerFlags,
    /// The registry the http broker finds its subscriber in (memory: inside loadgen).
    #[command(flatten)]
    registry: micro::flags::RegistryFlags,
    /// Messages measured.
    #[arg(long, default_value_t = 100_000)]
    messages: u64,
    /// Messages published and delivered before the measured ones.
    #[arg(long, default_value_t = 1_000)]
    warmup: u64,
    /// Publishes in flight at once.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// At most this many messages a second (default: as fast as they go).
    #[arg(long)]
    rate: Option<f64>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

/// Without the `events` feature, `loadgen events` only says how to get it.
#[cfg(not(feature = "events"))]
#[derive(Args)]
struct Events {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
    args: Vec<String>,
}

fn main() -> ExitCode {
    let (protocol, common, streams, client, tls) = match Cli::parse().protocol {
        Command::Events(events) => return run_events(events),
        Command::Report {
            runs,
            svg,
            title,
            subtitle,
        } => return report(&runs, svg.as_deref(), &title, &subtitle),
        Command::Echo(c) => (Protocol::Echo, c, None, None, None),
        Command::Rpc(c) => (Protocol::Rpc, c, None, None, None),
        Command::Jsonrpc(c) => (Protocol::JsonRpc, c, None, None, None),
        Command::Jsonrpc1(c) => (Protocol::JsonRpc1, c, None, None, None),
        Command::Grpc {
            common,
            streams,
            client,
            tls,
        } => (Protocol::Grpc, common, streams, Some(client), Some(tls)),
    };
    let options = Options {
        addr: common
            .addr
            .unwrap_or_else(|| protocol.default_addr().to_owned()),
        connections: if streams.is_some() {
            1
        } else {
            common.connections
        },
        pipeline: streams.unwrap_or(common.pipeline),
        warmup: common.warmup,
        duration: common.duration,
    };
    let runtime = runtime().expect("a tokio runtime");
    let result = runtime.block_on(async {
        let settings = options.check().await?;
        let over_tls = match &tls {
            // Only the `h2` crate's client speaks TLS.
            Some(tls) if tls.tls_certs.is_some() && client != Some(Client::H2) => {
                anyhow::bail!(
                    "--tls-certs takes --client h2: the other clients speak plaintext only"
                )
            }
            Some(tls) => tls.load()?,
            None => None,
        };
        match (client, over_tls) {
            (_, Some(tls)) => loadgen::grpc::run_over_tls(&settings, &tls).await,
            (Some(client), None) => loadgen::grpc::run(&settings, client).await,
            (None, None) => loadgen::run(protocol, &settings).await,
        }
    });
    match result {
        Ok(report) => {
            if common.json {
                println!("{}", report.to_json());
            } else {
                print!("{report}");
            }
            if report.errors() > 0 {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("loadgen: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `loadgen events`: one run, its report on stdout; exit code 2 if a message was lost,
/// doubled or not published.
#[cfg(feature = "events")]
fn run_events(events: Events) -> ExitCode {
    let json = events.json;
    let result = runtime().expect("a tokio runtime").block_on(async {
        let registry = match events.broker.name.as_str() {
            "http" => Some(events.registry.open().await?),
            _ => None,
        };
        let options = loadgen::events::EventsOptions {
            broker: events.broker,
            registry,
            messages: events.messages,
            warmup: events.warmup,
            concurrency: events.concurrency,
            rate: events.rate,
        };
        loadgen::events::run(&options).await
    });
    match result {
        Ok(report) => {
            if json {
                println!("{}", report.to_json());
            } else {
                print!("{report}");
            }
            if report.report.errors() > 0 {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("loadgen events: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(not(feature = "events"))]
fn run_events(_: Events) -> ExitCode {
    eprintln!(
        "loadgen events: this loadgen was built without lesson 12's brokers; \
         build it with `cargo build --release -p loadgen --features events`"
    );
    ExitCode::FAILURE
}

/// `loadgen report`: prints the tables of the runs in `runs`, and writes the chart to `svg`.
fn report(
    runs: &std::path::Path,
    svg: Option<&std::path::Path>,
    title: &str,
    subtitle: &str,
) -> ExitCode {
    let result = (|| -> anyhow::Result<()> {
        use anyhow::Context as _;
        let text = std::fs::read_to_string(runs)
            .with_context(|| format!("cannot read {}", runs.display()))?;
        let runs =
            loadgen::report::parse_runs(&text).with_context(|| format!("in {}", runs.display()))?;
        if runs.is_empty() {
            anyhow::bail!("no measurements in it");
        }
        print!("{}", loadgen::report::markdown(&runs));
        if let Some(path) = svg {
            std::fs::write(path, loadgen::report::svg(&runs, title, subtitle))
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("loadgen report: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Worker threads for the CPUs this process may run on (`taskset` narrows them). On one
/// CPU, a single-threaded runtime: the load is the same, without the cost of handing tasks
/// and wake-ups between threads that would only take turns on that CPU anyway.
fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cpus == 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Runtime::new()
    }
}
