//! `cargo run -p l03-jsonrpc -- server | client NAME | http-client NAME`

use std::net::SocketAddr;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use jsonrpc_core::Value;
use l03_jsonrpc::client::{self, Client, Dialect};
use l03_jsonrpc::{http, methods, tcp};
use tokio_util::sync::CancellationToken;
use tracing::info;

#[derive(Parser)]
#[command(about = "Lesson 03: JSON-RPC over TCP and HTTP")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve hello.HelloWorld and arith.Add over newline-delimited TCP and over HTTP POST.
    Server {
        #[arg(long, default_value_t = shared::ports::default_socket("127.0.0.1:7003"))]
        addr: SocketAddr,
        #[arg(long, default_value_t = shared::ports::default_socket("127.0.0.1:7103"))]
        http_addr: SocketAddr,
    },
    /// Call hello.HelloWorld over TCP and show the lines on the wire.
    Client {
        #[arg(long, default_value_t = shared::ports::default_socket("127.0.0.1:7003"))]
        addr: SocketAddr,
        /// Speak JSON-RPC 1.0 as Go's net/rpc/jsonrpc does (works with a Go server too).
        #[arg(long)]
        go: bool,
        name: String,
    },
    /// Call hello.HelloWorld over HTTP POST and show the request and response bodies.
    HttpClient {
        #[arg(long, default_value_t = shared::ports::default_socket("127.0.0.1:7103"))]
        addr: SocketAddr,
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
        Command::Server { addr, http_addr } => Ok(server(addr, http_addr).await?),
        Command::Client { addr, go, name } => {
            let dialect = if go { Dialect::GoV1 } else { Dialect::V2 };
            let mut client = Client::connect(addr, dialect).await?;
            let request = client::request_line(dialect, "hello.HelloWorld", Value::from(name), 0);
            println!("--> {request}");
            let reply = client.exchange(&request).await?;
            println!("<-- {reply}");
            show(client::read_reply(dialect, &reply)?);
            Ok(())
        }
        Command::HttpClient { addr, name } => {
            let request = client::request_line(Dialect::V2, "hello.HelloWorld", name.into(), 0);
            println!("--> POST http://{addr}/ {request}");
            let (status, reply) = client::http_post(addr, request).await?;
            println!("<-- {status} {reply}");
            show(client::read_reply(Dialect::V2, &reply)?);
            Ok(())
        }
    }
}

/// Prints a result: a string as its text, anything else as JSON.
fn show(result: Value) {
    match result {
        Value::String(text) => println!("{text}"),
        other => println!("{other}"),
    }
}

// ANCHOR: server
/// One `IoHandler`, two transports, one stop (Ctrl-C or SIGTERM) for both.
async fn server(addr: SocketAddr, http_addr: SocketAddr) -> anyhow::Result<()> {
    // Ctrl-C or SIGTERM from now on takes the graceful path (see `shared::signal`).
    let signal = shared::signal::shutdown();
    let io = Arc::new(methods::handler());
    let tcp_listener = shared::listen::listen(&addr.to_string()).await?;
    let http_listener = shared::listen::listen(&http_addr.to_string()).await?;
    let (addr, http_addr) = (tcp_listener.local_addr()?, http_listener.local_addr()?);
    info!("JSON-RPC over TCP listening on {addr}: one request per line");
    info!("JSON-RPC over HTTP listening on http://{http_addr}/: POST a request");

    let stop = CancellationToken::new();
    tokio::spawn({
        let stop = stop.clone();
        async move {
            signal.await;
            stop.cancel();
        }
    });
    let tcp = tcp::serve(tcp_listener, io.clone(), stop.clone().cancelled_owned());
    let http = http::serve(http_listener, io, stop.cancelled_owned());
    let ((), http) = tokio::join!(tcp, http);
    http?;
    info!("stopped");
    Ok(())
}
// ANCHOR_END: server
