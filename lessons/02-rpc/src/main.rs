//! `cargo run -p l02-rpc -- server`, `… -- client gopher`, and the same over HTTP:
//! `… -- http-server`, `… -- http-client gopher`.

use std::net::SocketAddr;

use anyhow::Context;
use clap::{Parser, Subcommand};
use l02_rpc::hello::{Hello, HelloClient, HelloService, register_hello_service};
use l02_rpc::registry::Registry;
use l02_rpc::{DEFAULT_ADDR, client::Client, http, server};

/// Lesson 02: RPC from scratch — length-prefixed JSON frames over TCP.
#[derive(Parser)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve hello.HelloWorld over TCP; Ctrl-C stops it.
    Server {
        #[arg(long, default_value_t = shared::ports::default_socket(DEFAULT_ADDR))]
        addr: SocketAddr,
    },
    /// Call hello.HelloWorld for each NAME, all at once on one connection.
    Client {
        #[arg(long, default_value_t = shared::ports::default_socket(DEFAULT_ADDR))]
        addr: SocketAddr,
        #[arg(default_value = "gopher")]
        names: Vec<String>,
    },
    /// Serve hello.HelloWorld to clients that CONNECT /_rpc_ over HTTP.
    HttpServer {
        #[arg(long, default_value_t = shared::ports::default_socket(http::DEFAULT_ADDR))]
        addr: SocketAddr,
    },
    /// Like `client`, through the HTTP CONNECT handshake.
    HttpClient {
        #[arg(long, default_value_t = shared::ports::default_socket(http::DEFAULT_ADDR))]
        addr: SocketAddr,
        #[arg(default_value = "gopher")]
        names: Vec<String>,
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
            let mut registry = Registry::new();
            register_hello_service(&mut registry, Hello);
            let listener = shared::listen::listen(&addr.to_string()).await?;
            tracing::info!("RPC server listening on {}", listener.local_addr()?);
            server::serve(listener, registry, stop).await;
        }
        // ANCHOR_END: main_server
        Command::HttpServer { addr } => {
            let stop = shared::signal::shutdown();
            let mut registry = Registry::new();
            register_hello_service(&mut registry, Hello);
            let listener = shared::listen::listen(&addr.to_string()).await?;
            let addr = listener.local_addr()?;
            tracing::info!(
                path = http::RPC_PATH,
                "RPC-over-HTTP server listening on {addr}"
            );
            http::serve(listener, registry, stop).await;
        }
        Command::Client { addr, names } => {
            let client = Client::connect(addr)
                .await
                .with_context(|| format!("cannot connect to {addr}"))?;
            greet(HelloClient::new(client), names).await?;
        }
        Command::HttpClient { addr, names } => {
            let client = http::dial(addr)
                .await
                .with_context(|| format!("cannot connect to {addr}"))?;
            greet(HelloClient::new(client), names).await?;
        }
    }
    Ok(())
}

// ANCHOR: greet
/// Greets every name at once — the calls share one connection — and prints the replies
/// in the order of the names.
async fn greet(hello: HelloClient, names: Vec<String>) -> anyhow::Result<()> {
    let calls = names.iter().map(|name| hello.hello_world(name.clone()));
    let replies = futures::future::join_all(calls).await;
    for (name, reply) in names.iter().zip(replies) {
        println!("hello.HelloWorld({name:?}) = {:?}", reply?);
    }
    Ok(())
}
// ANCHOR_END: greet
