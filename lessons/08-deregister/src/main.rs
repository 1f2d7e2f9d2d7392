//! `cargo run -p l08-deregister -- server | hello | health`: the lesson's one binary.

use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use l08_deregister::server::{self, Options};
use l08_deregister::{DEFAULT_ADDR, DEFAULT_NAME, parse_duration};

/// Lesson 08: leaving Consul cleanly. A registered Greeter that deregisters on Ctrl-C or
/// SIGTERM, and a client to watch it go.
#[derive(Parser)]
#[command(name = "l08-deregister")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve hello.Greeter registered in Consul (CONSUL_HTTP_ADDR); on Ctrl-C or SIGTERM turn
    /// NOT_SERVING, deregister, drain, exit.
    Server {
        #[arg(long, default_value_t = shared::ports::default_addr(DEFAULT_ADDR))]
        addr: String,
        /// The service name to register.
        #[arg(long, default_value = DEFAULT_NAME)]
        name: String,
        /// How often the agent checks the Greeter's health.
        #[arg(long, default_value = "2s", value_parser = parse_duration)]
        check_interval: Duration,
        /// How long the check may stay critical before the agent removes the instance
        /// (a real Consul waits at least 1m, whatever this says).
        #[arg(long, default_value = "1m", value_parser = parse_duration)]
        reap_after: Duration,
        /// How long calls in flight may take to finish once the server stops.
        #[arg(long, default_value = "5s", value_parser = parse_duration)]
        grace: Duration,
        /// Make every SayHello take this long, to have a call in flight during a stop.
        #[arg(long, default_value = "0ms", value_parser = parse_duration)]
        hello_delay: Duration,
        /// Stop with your exercise's code instead of the worked example's.
        #[arg(long)]
        exercise: Option<Exercise>,
    },
    /// Call SayHello once and say how long it took.
    Hello {
        #[arg(long, default_value_t = shared::ports::default_addr(DEFAULT_ADDR))]
        addr: String,
        #[arg(default_value = "world")]
        name: String,
        /// How long to wait for the reply.
        #[arg(long, default_value = "30s", value_parser = parse_duration)]
        deadline: Duration,
    },
    /// Ask the server's grpc.health.v1.Health whether a service is serving.
    Health {
        #[arg(long, default_value_t = shared::ports::default_addr(DEFAULT_ADDR))]
        addr: String,
        #[arg(default_value = server::GREETER)]
        service: String,
    },
}

/// The exercises the server can run in place of the worked example's code.
#[derive(Clone, Copy, ValueEnum)]
enum Exercise {
    /// exercises::leave: your stop sequence.
    Leave,
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
        Command::Server {
            addr,
            name,
            check_interval,
            reap_after,
            grace,
            hello_delay,
            exercise,
        } => {
            // Ctrl-C or SIGTERM from now on takes the graceful path (see `shared::signal`).
            let stop = shared::signal::shutdown();
            let consul = consul_ext::client()?;
            let listener = shared::listen::listen(&addr).await?;
            let addr = listener.local_addr()?;
            tracing::info!("hello.Greeter listening on {addr}");
            let options = Options {
                name,
                check_interval,
                reap_after,
                grace,
                hello_delay,
            };
            let registration = server::registration(consul, addr, &options);
            match exercise {
                None => server::serve(listener, &registration, &options, stop).await?,
                Some(Exercise::Leave) => {
                    server::serve_with_your_leave(listener, &registration, &options, stop).await?
                }
            }
            tracing::info!("server stopped");
        }
        // ANCHOR_END: server
        Command::Hello {
            addr,
            name,
            deadline,
        } => {
            let (greeting, took) =
                l08_deregister::client::say_hello(&addr, &name, deadline).await?;
            println!("{greeting} ({took:.1?})");
        }
        Command::Health { addr, service } => {
            let status = l08_deregister::client::check_health(&addr, &service).await?;
            println!("{service:?}: {}", status.as_str_name());
        }
    }
    Ok(())
}
