//! `l15-observe`: what an operator writes around the framework's services.
//!
//! `cargo run -p l15-observe -- config --gateway 127.0.0.1:8080 > prometheus.yml` writes the
//! configuration with which a Prometheus finds every service through `micro api`.

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Lesson 15: observe the framework's services")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Prints a prometheus.yml that scrapes micro api and, through its HTTP service
    /// discovery, every service in the registry.
    Config {
        /// Where micro api listens (host:port).
        #[arg(long, default_value = "127.0.0.1:8080")]
        gateway: String,
        /// Seconds between scrapes, and between the gateway's answers.
        #[arg(long, default_value_t = 5)]
        every: u32,
    },
}

fn main() -> Result<(), shared::program::Failure> {
    shared::end_when_output_closes();
    shared::program::say_unfinished_exercises(
        env!("CARGO_PKG_NAME"),
        include_str!("../lesson.toml"),
    );
    shared::init_logging();
    match Cli::parse().command {
        Command::Config { gateway, every } => {
            print!("{}", l15_observe::config::prometheus_yml(&gateway, every));
        }
    }
    Ok(())
}
