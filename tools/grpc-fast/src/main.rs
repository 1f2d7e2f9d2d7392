//! `cargo run --release -p grpc-fast -- server`: lesson 05's Greeter on 127.0.0.1:7005, served
//! by this crate's hand-written HTTP/2 (see `lib.rs` for what it is and why it is here).
//! Its one subcommand is `server`, as in lesson 05's binary: the two start alike, in
//! `bench.sh` and in the book, where `verify` knows a server by that word.

use clap::{Parser, Subcommand};

/// Lesson 05's Greeter without tonic's server, for measuring (the book's appendix B).
#[derive(Parser)]
#[command(name = "grpc-fast")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve hello.Greeter and grpc.health.v1.Health until Ctrl-C: HTTP/2 frames read and
    /// written by hand, one single-threaded runtime per core (SO_REUSEPORT).
    Server {
        /// Lesson 05's address: a client of the lesson cannot tell the two servers apart.
        #[arg(long, default_value = "127.0.0.1:7005")]
        addr: String,
    },
}

// Every allocation of this binary goes to mimalloc rather than glibc's malloc, as in lesson
// 05's binary: glibc's `malloc`/`free` were 7.5 % of a gRPC server's time, and with mimalloc
// this server spends about a tenth less CPU a call (see the book's appendix B).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> Result<(), shared::program::Failure> {
    shared::init_logging();

    match Cli::parse().command {
        Command::Server { addr } => {
            let stop = shared::signal::shutdown();
            let addr = shared::per_core::resolve(&addr).await?;
            let runtimes = grpc_fast::cores();
            let sockets = grpc_fast::bind(addr, runtimes)?;
            let local = sockets[0].local_addr()?;
            tracing::info!("hello.Greeter listening on {local} ({runtimes} runtimes)");
            grpc_fast::serve(sockets, stop).await?;
            tracing::info!("server stopped");
        }
    }
    Ok(())
}
