//! `cargo run -p l07-discover -- server | client`: the lesson's one binary.

use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use l07_discover::{DEFAULT_ADDR, DEFAULT_SERVICE};

/// Lesson 07: Consul — discover. Greeters that register themselves, and a client that
/// finds the passing ones and calls them in turn.
#[derive(Parser)]
#[command(name = "l07-discover")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve hello.Greeter, registered in Consul (CONSUL_HTTP_ADDR), until Ctrl-C or SIGTERM.
    Server {
        #[arg(long, default_value_t = shared::ports::default_addr(DEFAULT_ADDR))]
        addr: String,
        /// The service name to register under.
        #[arg(long, default_value = DEFAULT_SERVICE)]
        service: String,
    },
    /// Find the passing instances of the service and call them in turn.
    Client {
        /// The service to ask Consul for.
        #[arg(long, default_value = DEFAULT_SERVICE)]
        service: String,
        /// How many calls to make.
        #[arg(long, default_value_t = 6)]
        calls: usize,
        /// Milliseconds between two calls.
        #[arg(long, default_value_t = 0)]
        every: u64,
        /// Keep the list of instances fresh with blocking queries.
        #[arg(long)]
        watch: bool,
        /// Call through tonic's balanced channel fed by the watcher (implies --watch).
        #[arg(long)]
        balanced: bool,
        /// The name to greet.
        #[arg(default_value = "world")]
        name: String,
    },
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
        // ANCHOR: server
        Command::Server { addr, service } => {
            let shutdown = shared::signal::shutdown();
            let consul = consul_ext::client().context("cannot reach Consul")?;
            let listener = shared::listen::listen(&addr).await?;
            tracing::info!("hello.Greeter listening on {}", listener.local_addr()?);
            l07_discover::server::run(listener, &service, &consul, shutdown).await?;
            tracing::info!("server stopped");
        }
        // ANCHOR_END: server
        Command::Client {
            service,
            calls,
            every,
            watch,
            balanced,
            name,
        } => {
            let agent = consul_ext::consul_address()?;
            let options = l07_discover::client::Options {
                service,
                name,
                calls,
                every: Duration::from_millis(every),
                watch,
                balanced,
                patience: Duration::from_secs(5),
            };
            tokio::select! {
                finished = l07_discover::client::run(&agent, &options) => finished?,
                () = shared::signal::shutdown() => {}
            }
        }
    }
    Ok(())
}
