//! `cargo run -p l10-gateway -- server`: the lesson's one binary.

use clap::{Parser, Subcommand};
use l10_gateway::{DEFAULT_ADDR, DEFAULT_CAPTCHA};

/// Lesson 10: the gateway. An HTTP API and a page in front of the captcha service, which
/// it finds through Consul.
#[derive(Parser)]
#[command(name = "l10-gateway")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the page, calling the captcha service found through Consul
    /// (CONSUL_HTTP_ADDR); on Ctrl-C or SIGTERM finish the requests in flight and exit.
    Server {
        #[arg(long, default_value_t = shared::ports::default_addr(DEFAULT_ADDR))]
        addr: String,
        /// The captcha service's name in Consul.
        #[arg(long, default_value = DEFAULT_CAPTCHA)]
        captcha: String,
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
        Command::Server { addr, captcha } => {
            // Ctrl-C or SIGTERM from now on takes the graceful path (see `shared::signal`).
            let stop = shared::signal::shutdown();
            let agent = consul_ext::consul_address()?;
            let listener = shared::listen::listen(&addr).await?;
            let addr = listener.local_addr()?;
            tracing::info!(
                "gateway listening on {addr}: http://{addr}/ (captcha service {captcha:?} \
                 found through the Consul agent at {agent})"
            );
            l10_gateway::server::serve(listener, agent, captcha, stop).await?;
            tracing::info!("server stopped");
        } // ANCHOR_END: server
    }
    Ok(())
}
