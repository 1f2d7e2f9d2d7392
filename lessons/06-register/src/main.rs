//! `cargo run -p l06-register -- server | catalog | find NAME`: the lesson's one binary.
//!
//! Every subcommand finds the Consul agent through `CONSUL_HTTP_ADDR` (with or without
//! `http://`; default `127.0.0.1:8500`), as Consul's own tools do.

use clap::{Parser, Subcommand};
use l06_register::{DEFAULT_ADDR, DEFAULT_NAME};

/// Lesson 06: register a gRPC service in Consul, and see what the agent holds.
#[derive(Parser)]
#[command(name = "l06-register")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve hello.Greeter, registered in Consul with a gRPC health check, until Ctrl-C.
    Server {
        #[arg(long, default_value_t = shared::ports::default_addr(DEFAULT_ADDR))]
        addr: String,
        /// The service name to register under.
        #[arg(long, default_value = DEFAULT_NAME)]
        name: String,
        /// A tag to register with (repeat for more).
        #[arg(long = "tag")]
        tags: Vec<String>,
    },
    /// Print every service the agent holds: instances, checks, their status and output.
    Catalog,
    /// Print the instances of a service that pass their checks.
    Find {
        /// The service's name.
        #[arg(default_value = DEFAULT_NAME)]
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
    let agent = consul_ext::consul_address()?;
    match Cli::parse().command {
        Command::Server { addr, name, tags } => {
            l06_register::server::run(&addr, &name, tags).await?
        }
        Command::Catalog => l06_register::catalog::print_catalog(&agent)
            .await
            .map_err(|error| no_agent(&agent, error))?,
        Command::Find { name } => l06_register::catalog::print_passing(&agent, &name)
            .await
            .map_err(|error| no_agent(&agent, error))?,
    }
    Ok(())
}

/// A question the agent did not answer because nothing listens at its address: one line
/// that says so and how to start one, rather than the HTTP client's chain of causes.
fn no_agent(agent: &str, error: anyhow::Error) -> anyhow::Error {
    shared::unreachable::plainly(shared::unreachable::Needed::Consul, agent, error)
}
