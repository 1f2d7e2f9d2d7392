//! `cargo run -p l09-captcha -- server | new | verify | health`: the lesson's one binary.

use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use l09_captcha::server::{self, Options};
use l09_captcha::store::Codes;
use l09_captcha::{DEFAULT_ADDR, DEFAULT_NAME, DEFAULT_REDIS_URL, parse_duration};

/// Lesson 09: the captcha service. Draws captchas, keeps their codes in Redis for five
/// minutes, verifies each once; registered in Consul.
#[derive(Parser)]
#[command(name = "l09-captcha")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve captcha.Captcha with its codes in Redis (REDIS_URL), registered in Consul
    /// (CONSUL_HTTP_ADDR); on Ctrl-C or SIGTERM turn NOT_SERVING, deregister, drain, exit.
    Server {
        #[arg(long, default_value_t = shared::ports::default_addr(DEFAULT_ADDR))]
        addr: String,
        /// The service name to register.
        #[arg(long, default_value = DEFAULT_NAME)]
        name: String,
        /// Where Redis is.
        #[arg(long, env = "REDIS_URL", default_value = DEFAULT_REDIS_URL)]
        redis_url: String,
        /// How often the agent checks the service's health.
        #[arg(long, default_value = "2s", value_parser = parse_duration)]
        check_interval: Duration,
        /// How long the check may stay critical before the agent removes the instance
        /// (a real Consul waits at least 1m, whatever this says).
        #[arg(long, default_value = "1m", value_parser = parse_duration)]
        reap_after: Duration,
        /// How long calls in flight may take to finish once the server stops.
        #[arg(long, default_value = "5s", value_parser = parse_duration)]
        grace: Duration,
        /// How often to PING Redis, to set the health.
        #[arg(long, default_value = "1s", value_parser = parse_duration)]
        ping_every: Duration,
    },
    /// Ask for a new captcha and write the PNG to a file.
    New {
        #[arg(long, default_value_t = shared::ports::default_addr(DEFAULT_ADDR))]
        addr: String,
        /// The session's uuid (a new one when left out).
        uuid: Option<String>,
        /// Where to write the image.
        #[arg(long, default_value = "captcha.png")]
        out: String,
    },
    /// Verify a guess (once: the code is used up either way).
    Verify {
        #[arg(long, default_value_t = shared::ports::default_addr(DEFAULT_ADDR))]
        addr: String,
        uuid: String,
        code: String,
    },
    /// Ask the server's grpc.health.v1.Health whether a service is serving.
    Health {
        #[arg(long, default_value_t = shared::ports::default_addr(DEFAULT_ADDR))]
        addr: String,
        #[arg(default_value = server::CAPTCHA)]
        service: String,
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
        Command::Server {
            addr,
            name,
            redis_url,
            check_interval,
            reap_after,
            grace,
            ping_every,
        } => {
            // Ctrl-C or SIGTERM from now on takes the graceful path (see `shared::signal`).
            let stop = shared::signal::shutdown();
            let consul = consul_ext::client()?;
            let codes = Codes::new(&redis_url)
                .with_context(|| format!("{redis_url:?} is not a Redis URL"))?;
            let listener = shared::listen::listen(&addr).await?;
            let addr = listener.local_addr()?;
            tracing::info!("captcha.Captcha listening on {addr}, codes in Redis at {redis_url}");
            let options = Options {
                name,
                check_interval,
                reap_after,
                grace,
                ping_every,
            };
            let registration = server::registration(consul, addr, &options);
            server::serve(listener, codes, &registration, &options, stop).await?;
            tracing::info!("server stopped");
        }
        // ANCHOR_END: server
        Command::New { addr, uuid, out } => {
            let uuid = uuid.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            let png = l09_captcha::client::new_captcha(&addr, &uuid).await?;
            let (width, height) = l09_captcha::render::png_dimensions(&png)
                .context("the server's answer is not a PNG")?;
            std::fs::write(&out, &png).with_context(|| format!("cannot write {out}"))?;
            println!(
                "{uuid}: {width}×{height} PNG, {} bytes, in {out}",
                png.len()
            );
        }
        Command::Verify { addr, uuid, code } => {
            let ok = l09_captcha::client::verify(&addr, &uuid, &code).await?;
            println!("{}", if ok { "ok" } else { "not ok" });
        }
        Command::Health { addr, service } => {
            let status = l09_captcha::client::check_health(&addr, &service).await?;
            println!("{service:?}: {}", status.as_str_name());
        }
    }
    Ok(())
}
