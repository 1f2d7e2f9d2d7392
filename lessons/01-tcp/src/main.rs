//! `cargo run -p l01-tcp -- server` and `cargo run -p l01-tcp -- client hello world`.

use std::net::SocketAddr;

use anyhow::Context;
use clap::{Parser, Subcommand};
use l01_tcp::{DEFAULT_ADDR, client, server::EchoServer};
use tokio::net::TcpStream;

/// Lesson 01: a newline-delimited TCP echo server and its client.
#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Echo every line back, one task per connection; Ctrl-C stops it.
    Server {
        #[arg(long, default_value_t = shared::ports::default_socket(DEFAULT_ADDR))]
        addr: SocketAddr,
    },
    /// Send LINES (or stdin when none are given) and print the replies.
    Client {
        #[arg(long, default_value_t = shared::ports::default_socket(DEFAULT_ADDR))]
        addr: SocketAddr,
        lines: Vec<String>,
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
        // ANCHOR: main_server
        Command::Server { addr } => {
            // Ctrl-C or SIGTERM from now on takes the graceful path (see `shared::signal`).
            let stop = shared::signal::shutdown();
            let listener = shared::listen::listen(&addr.to_string()).await?;
            // With `--addr 127.0.0.1:0` the system picks a free port: log the one we got.
            tracing::info!("echo server listening on {}", listener.local_addr()?);
            EchoServer::default().serve(listener, stop).await;
        }
        // ANCHOR_END: main_server
        Command::Client { addr, lines } => {
            let stream = TcpStream::connect(addr)
                .await
                .with_context(|| format!("cannot connect to {addr}"))?;
            let stdout = shared::output::async_stdout();
            if lines.is_empty() {
                client::run(stream, tokio::io::stdin(), stdout).await?;
            } else {
                let input: String = lines.iter().map(|line| format!("{line}\n")).collect();
                client::run(stream, input.as_bytes(), stdout).await?;
            }
        }
    }
    Ok(())
}
