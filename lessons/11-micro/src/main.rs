//! `cargo run -p l11-micro -- [--registry …] server | captcha-server | user-server | web-server
//! | client | api | new`:
//! the lesson's one binary.

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use l11_micro::scaffold::{self, Plan};
use l11_micro::user::UserService;
use micro::api::reflect;
use micro::client::MicroClient;
use micro::flags::{RegistryFlags, TlsFlags};
use micro::metrics::redis::RedisMetrics;
use micro::selector::RoundRobin;
use micro::service::{NodeGreeter, Service};
use micro::web::{WebService, example};
use proto::captcha::captcha_server::CaptchaServer;
use proto::hello::greeter_server::GreeterServer;
use proto::user::say_server::SayServer;
use shared::captcha::CaptchaService;
use tonic::server::NamedService;

use command::Command;

mod command;

// ANCHOR: cli
/// Lesson 11: a small service framework. Greeters that register in a registry of your
/// choice, and a client that calls them by name.
#[derive(Parser)]
#[command(name = "l11-micro")]
struct Cli {
    #[command(flatten)]
    registry: RegistryFlags,
    #[command(flatten)]
    tls: TlsFlags,
    #[command(subcommand)]
    command: Command,
}
// ANCHOR_END: cli

#[tokio::main]
async fn main() -> Result<(), shared::program::Failure> {
    shared::end_when_output_closes();
    shared::program::say_unfinished_exercises(
        env!("CARGO_PKG_NAME"),
        include_str!("../lesson.toml"),
    );
    // Logs as every lesson does; spans by OTLP where OTEL_EXPORTER_OTLP_ENDPOINT says
    // (lesson 15), sent out before the program ends.
    let _tracing = micro::trace::init(env!("CARGO_PKG_NAME"))?;
    let cli = Cli::parse();
    match cli.command {
        // ANCHOR: new
        Command::New {
            dir,
            kind,
            namespace,
            alias,
        } => {
            let alias = match alias {
                Some(alias) => alias,
                None => scaffold::alias_of(&dir)?,
            };
            let plan = Plan::new(kind, &namespace, &alias)?;
            let written = scaffold::write(&dir, &plan)?;
            println!("creating service {}", plan.service());
            for path in written {
                println!("creating {}", dir.join(path).display());
            }
            println!(
                "\nrun it: cd {} && cargo run -- --registry consul",
                dir.display()
            );
            if let Some(taken) = scaffold::prebuilt::take(&dir, kind) {
                println!("{taken}");
            }
        }
        // ANCHOR_END: new
        Command::Prebuild => scaffold::prebuilt::prebuild()?,
        // ANCHOR: server
        Command::Server {
            addr,
            name,
            version,
        } => {
            let stop = shared::signal::shutdown();
            let registry = cli.registry.open().await?;
            Service::new(&name, registry)
                .registry_wait(cli.registry.registry_wait)
                .version(&version)
                .address(&addr)
                .tls(cli.tls.credentials(&name)?)
                .handle(GreeterServer::new(NodeGreeter))
                .handle(reflect::server(&[GreeterServer::<NodeGreeter>::NAME]))
                .run(stop)
                .await?;
        }
        // ANCHOR_END: server
        // ANCHOR: captcha
        Command::CaptchaServer {
            addr,
            name,
            redis_url,
        } => {
            let stop = shared::signal::shutdown();
            let registry = cli.registry.open().await?;
            // Its Redis commands counted on its /metrics (lesson 15).
            let redis_metrics = RedisMetrics::new()?;
            let captcha =
                CaptchaService::new(&redis_url)?.observed_by(Arc::new(redis_metrics.clone()));
            captcha.warn_if_redis_is_missing().await;
            Service::new(&name, registry)
                .registry_wait(cli.registry.registry_wait)
                .address(&addr)
                .tls(cli.tls.credentials(&name)?)
                .metrics(redis_metrics.collectors())
                .handle(CaptchaServer::new(captcha))
                .handle(reflect::server(&[CaptchaServer::<CaptchaService>::NAME]))
                .run(stop)
                .await?;
        }
        // ANCHOR_END: captcha
        // ANCHOR: user
        Command::UserServer { addr, name } => {
            let stop = shared::signal::shutdown();
            let registry = cli.registry.open().await?;
            Service::new(&name, registry)
                .registry_wait(cli.registry.registry_wait)
                .address(&addr)
                .tls(cli.tls.credentials(&name)?)
                .idempotent("Say.Hello")
                .handle(SayServer::new(UserService))
                .handle(reflect::server(&[SayServer::<UserService>::NAME]))
                .run(stop)
                .await?;
        }
        // ANCHOR_END: user
        // ANCHOR: web
        Command::WebServer {
            addr,
            name,
            service,
        } => {
            let stop = shared::signal::shutdown();
            let registry = cli.registry.open().await?;
            let client = MicroClient::new(registry.clone(), Box::new(RoundRobin::default()))
                .tls(cli.tls.credentials(&name)?);
            WebService::new(&name, registry)
                .registry_wait(cli.registry.registry_wait)
                .address(&addr)
                .handle(example::routes(Arc::new(client), &service))
                .run(stop)
                .await?;
        }
        // ANCHOR_END: web
        // ANCHOR: api
        Command::Api {
            addr,
            namespace,
            deadline,
            per_try,
            hedge,
            idempotent,
        } => {
            let stop = shared::signal::shutdown();
            let registry = cli.registry.open().await?;
            let listener = shared::listen::listen(&addr).await?;
            tracing::info!(
                "micro api listening on {}, services from {}",
                listener.local_addr()?,
                registry.describe()
            );
            let options = micro::api::Options {
                namespace,
                policy: micro::client::tries::Policy {
                    deadline,
                    per_try,
                    hedging: hedge,
                    idempotent,
                },
                tls: cli.tls.credentials("gateway")?,
            };
            micro::api::serve(listener, registry, options, stop).await?;
        }
        // ANCHOR_END: api
        Command::Client {
            service,
            calls,
            every,
            selector,
            quiet,
            name,
        } => {
            let registry = cli.registry.open().await?;
            let client = MicroClient::new(registry, micro::selector::by_name(&selector)?)
                .tls(cli.tls.credentials("gateway")?);
            // A registry that does not answer is said once, before the calls, not once a call.
            client.nodes(&service).await?;
            let started = Instant::now();
            let mut failed = 0;
            for _ in 0..calls {
                match client.say_hello(&service, &name).await {
                    Ok((_node, reply)) if !quiet => println!("{reply}"),
                    Ok(_) => {}
                    Err(status) => {
                        failed += 1;
                        eprintln!("call failed: {}: {}", status.code(), status.message());
                    }
                }
                if every > 0 {
                    tokio::time::sleep(Duration::from_millis(every)).await;
                }
            }
            let elapsed = started.elapsed();
            if quiet {
                let rate = calls as f64 / elapsed.as_secs_f64();
                println!("{calls} calls, {failed} failed, {rate:.0} calls/s");
            }
            if failed > 0 {
                return Err(anyhow::anyhow!("{failed} of {calls} calls failed").into());
            }
        }
    }
    Ok(())
}
