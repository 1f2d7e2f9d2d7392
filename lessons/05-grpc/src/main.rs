//! `cargo run -p l05-grpc -- server | client | health | wire`: the lesson's one binary.

use clap::{Parser, Subcommand};
use l05_grpc::DEFAULT_ADDR;

/// Lesson 05: gRPC with tonic. The Greeter service, its client, a health probe.
#[derive(Parser)]
#[command(name = "l05-grpc")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve hello.Greeter, grpc.health.v1.Health and reflection until Ctrl-C.
    Server {
        #[arg(long, default_value_t = shared::ports::default_addr(DEFAULT_ADDR))]
        addr: String,
    },
    /// Call SayHello, SayName and SayHelloStream and print the replies.
    Client {
        #[arg(long, default_value_t = shared::ports::default_addr(DEFAULT_ADDR))]
        addr: String,
        /// The name to greet.
        #[arg(default_value = "world")]
        name: String,
    },
    /// Ask grpc.health.v1.Health/Check whether a service is serving.
    Health {
        #[arg(long, default_value_t = shared::ports::default_addr(DEFAULT_ADDR))]
        addr: String,
        /// The service to ask about; "" means the whole server.
        #[arg(default_value = "hello.Greeter")]
        service: String,
    },
    /// Make one SayHello call by hand and print every byte of it.
    Wire {
        #[arg(long, default_value_t = shared::ports::default_addr(DEFAULT_ADDR))]
        addr: String,
        /// The name to greet.
        #[arg(default_value = "Ferris")]
        name: String,
    },
}

// Every allocation of this binary goes to mimalloc rather than glibc's malloc. A gRPC call
// allocates about 38 times (header maps, boxed bodies, buffers), and glibc's `malloc`/`free`
// were 7.5 % of the server's time; with mimalloc a server spends about a tenth less CPU a
// call (see the book's appendix B). The program is otherwise unchanged.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        Command::Server { addr } => {
            // Ctrl-C or SIGTERM from now on takes the graceful path (see `shared::signal`).
            let stop = shared::signal::shutdown();
            let addr = shared::per_core::resolve(&addr).await?;
            // One tonic server per core, each on a single-threaded runtime with its own
            // socket on the port: a call never changes threads (see `shared::per_core`).
            let sockets = shared::per_core::bind(addr, shared::per_core::cores())?;
            tracing::info!("hello.Greeter listening on {}", sockets[0].local_addr()?);
            shared::per_core::serve(sockets, stop, |listener, stopping| {
                l05_grpc::server::serve(listener, stopping.requested())
            })
            .await?;
            tracing::info!("server stopped");
        }
        // ANCHOR_END: server
        Command::Client { addr, name } => l05_grpc::client::run(&addr, &name).await?,
        Command::Health { addr, service } => {
            let status = l05_grpc::client::check_health(&addr, &service).await?;
            println!("{service:?}: {}", status.as_str_name());
        }
        Command::Wire { addr, name } => l05_grpc::wire::show(&addr, &name).await?,
    }
    Ok(())
}
