//! `cargo run -p l11-micro -- [--registry …] server | captcha-server | user-server | web-server
//! | client | api | new`:
//! the lesson's one binary.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use l11_micro::scaffold::{self, Kind, Plan};
use l11_micro::user::UserService;
use micro::api::reflect;
use micro::client::MicroClient;
use micro::flags::RegistryFlags;
use micro::metrics::redis::RedisMetrics;
use micro::selector::RoundRobin;
use micro::service::{NodeGreeter, Service};
use micro::web::{WebService, example};
use micro::{DEFAULT_ADDR, DEFAULT_SERVICE};
use proto::captcha::captcha_server::CaptchaServer;
use proto::hello::greeter_server::GreeterServer;
use proto::user::say_server::SayServer;
use shared::captcha::CaptchaService;
use tonic::server::NamedService;

// ANCHOR: cli
/// Lesson 11: a small service framework. Greeters that register in a registry of your
/// choice, and a client that calls them by name.
#[derive(Parser)]
#[command(name = "l11-micro")]
struct Cli {
    #[command(flatten)]
    registry: RegistryFlags,
    #[command(subcommand)]
    command: Command,
}
// ANCHOR_END: cli

#[derive(Subcommand)]
enum Command {
    /// Serve hello.Greeter, registered, until Ctrl-C or SIGTERM.
    Server {
        #[arg(long, default_value_t = shared::ports::default_addr(DEFAULT_ADDR))]
        addr: String,
        /// The service's name.
        #[arg(long, default_value = DEFAULT_SERVICE)]
        name: String,
        /// The version this build runs.
        #[arg(long, default_value = "1.0.0")]
        version: String,
    },
    /// Serve lesson 09's captcha.Captcha on the framework, its codes in Redis.
    CaptchaServer {
        #[arg(long, default_value_t = shared::ports::default_addr("127.0.0.1:7012"))]
        addr: String,
        #[arg(long, default_value = "captcha")]
        name: String,
        /// Where Redis is.
        #[arg(long, env = "REDIS_URL", default_value = "redis://127.0.0.1:6379")]
        redis_url: String,
    },
    /// Serve the seed's user service (Say.Hello), registered, until Ctrl-C or SIGTERM.
    UserServer {
        #[arg(long, default_value_t = shared::ports::default_addr("127.0.0.1:7021"))]
        addr: String,
        #[arg(long, default_value = "user")]
        name: String,
    },
    /// The seed's web service: a page, and /example/call, which calls SERVICE's Say.Hello
    /// by name; registered like any other service.
    WebServer {
        #[arg(long, default_value_t = shared::ports::default_addr("127.0.0.1:7031"))]
        addr: String,
        #[arg(long, default_value = "web")]
        name: String,
        /// The service /example/call calls.
        #[arg(long, default_value = "user")]
        service: String,
    },
    /// `micro api`: an HTTP gateway to every service of the registry, by name.
    Api {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Put before every service's name, with a dot (go-micro's --namespace).
        #[arg(long, default_value = "")]
        namespace: String,
        /// How long one request may take, the service's answer included.
        #[arg(long, default_value = "5s", value_parser = shared::consul::parse_duration)]
        deadline: Duration,
        /// How long one try of an idempotent method may go unanswered before the next
        /// node is tried.
        #[arg(long, default_value = "500ms", value_parser = shared::consul::parse_duration)]
        per_try: Duration,
        /// When to send a second try of an idempotent method: off, p95 (the method's
        /// 95th percentile, at least 10ms), or a duration.
        #[arg(long, default_value = "off", value_parser = micro::client::hedge::parse_hedging)]
        hedge: micro::client::hedge::Hedging,
        /// A method (Handler.Method) to treat as idempotent whatever its service says;
        /// may be given more than once.
        #[arg(long)]
        idempotent: Vec<String>,
    },
    /// `micro new`: write a new service's crate into DIR.
    New {
        /// The folder to write it in: a new one, or an empty one.
        dir: PathBuf,
        /// What kind of service.
        #[arg(long = "type", value_enum, default_value = "srv")]
        kind: Kind,
        /// The first words of its name in the registry: NAMESPACE.TYPE.ALIAS.
        #[arg(long, default_value = "go.micro")]
        namespace: String,
        /// The last word of its name (DIR's own name unless given).
        #[arg(long)]
        alias: Option<String>,
    },
    /// Write the crate that the runner builds ahead in the course's target folder, in
    /// release mode, for `new` to give its build to the crate it writes: chapter 14's
    /// `ahead`.
    Prebuild,
    /// Call the service by name, `--calls` times.
    Client {
        #[arg(long, default_value = DEFAULT_SERVICE)]
        service: String,
        #[arg(long, default_value_t = 6)]
        calls: usize,
        /// Milliseconds between two calls.
        #[arg(long, default_value_t = 0)]
        every: u64,
        /// round-robin or random.
        #[arg(long, default_value = "round-robin")]
        selector: String,
        /// Print only a summary (calls, failures, calls/s) at the end.
        #[arg(long)]
        quiet: bool,
        /// The name to greet.
        #[arg(default_value = "world")]
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
            let client = MicroClient::new(registry.clone(), Box::new(RoundRobin::default()));
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
            let client = MicroClient::new(registry, micro::selector::by_name(&selector)?);
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
