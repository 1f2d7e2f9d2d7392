//! `cargo run -p l12-events -- [--broker http|nats] subscribe | publish`: the lesson's one
//! binary.

use std::time::Duration;

use clap::{Parser, Subcommand};
use micro::flags::RegistryFlags;
use std::sync::Arc;

use l12_events::audit::{Audit, AuditedCaptcha, VERIFIED_TOPIC};
use micro::broker::flags::BrokerFlags;
use micro::broker::nats::jetstream::DurableOptions;
use micro::broker::nats::{NatsBroker, server_url};
use micro::broker::open::{BrokerOptions, open_broker};
use micro::broker::{Broker, Message, SubscribeOptions, handler};
use micro::event::{self, Publisher};
use micro::metrics::redis::RedisMetrics;
use micro::service::Service;
use proto::captcha::captcha_server::CaptchaServer;
use proto::events::CaptchaVerified;
use shared::captcha::CaptchaService;
use tokio::io::{AsyncBufReadExt, BufReader};
use tracing::warn;

/// Where a subscriber of the http broker listens unless told otherwise.
const DEFAULT_ADDR: &str = "127.0.0.1:7012";

// ANCHOR: cli
/// Lesson 12: events. Publish messages on a topic, and subscribe to them, through the
/// broker of your choice.
#[derive(Parser)]
#[command(name = "l12-events")]
struct Cli {
    #[command(flatten)]
    broker: BrokerFlags,
    /// The registry the http broker finds its subscribers in (lesson 11's flags).
    #[command(flatten)]
    registry: RegistryFlags,
    #[command(subcommand)]
    command: Command,
}
// ANCHOR_END: cli

#[derive(Subcommand)]
enum Command {
    /// Print every message published on TOPIC, until Ctrl-C or SIGTERM.
    Subscribe {
        topic: String,
        /// Share the messages with the other subscribers of this queue group.
        #[arg(long)]
        queue: Option<String>,
        /// Where the http broker's subscriber listens for the publishers' POSTs.
        #[arg(long, default_value_t = shared::ports::default_addr(DEFAULT_ADDR))]
        addr: String,
        /// http only: the address to register instead of --addr, e.g. the wire view's relay
        /// (`workbook wire 12`: 127.0.0.1:7212), so that publishers reach it through that.
        #[arg(long, value_name = "IP:PORT")]
        advertise: Option<String>,
        /// NATS only: a durable subscriber of this name on JetStream, given after a restart
        /// every message published while it was away.
        #[arg(long, value_name = "NAME")]
        durable: Option<String>,
        /// With --durable: seconds the server waits for an ack before delivering again.
        #[arg(long, value_name = "SECS", requires = "durable")]
        ack_wait: Option<u64>,
    },
    /// Publish MESSAGE on TOPIC (with --count N: N messages, MESSAGE-1 … MESSAGE-N; MESSAGE
    /// `-`: each line of stdin, as it comes).
    Publish {
        topic: String,
        message: String,
        #[arg(long, default_value_t = 1)]
        count: usize,
    },
    /// Serve lesson 09's captcha service, registered, publishing `captcha.verified` after
    /// every check.
    CaptchaServer {
        #[arg(long, default_value_t = shared::ports::default_addr("127.0.0.1:7013"))]
        addr: String,
        #[arg(long, default_value = "captcha")]
        name: String,
        /// Where Redis is.
        #[arg(long, env = "REDIS_URL", default_value = "redis://127.0.0.1:6379")]
        redis_url: String,
    },
    /// Count the captcha checks published on `captcha.verified`, until Ctrl-C or SIGTERM.
    Audit {
        /// Share the checks with the other audits of this queue group.
        #[arg(long)]
        queue: Option<String>,
        /// Where the http broker's subscriber listens for the publishers' POSTs.
        #[arg(long, default_value_t = shared::ports::default_addr("127.0.0.1:7014"))]
        addr: String,
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
    let cli = Cli::parse();
    let mut options = cli.broker.options(None);
    if cli.broker.name == "http"
        && let Command::Subscribe { addr, .. } | Command::Audit { addr, .. } = &cli.command
    {
        options.address = Some(addr.clone());
    }
    if let Command::Subscribe { advertise, .. } = &cli.command {
        options.advertise = advertise.clone();
    }
    // The http broker finds its subscribers in the registry; a service registers in it.
    if cli.broker.name == "http" || matches!(cli.command, Command::CaptchaServer { .. }) {
        options.registry = Some(cli.registry.open().await?);
    }
    match cli.command {
        // ANCHOR: subscribe
        Command::Subscribe {
            topic,
            queue,
            durable,
            ack_wait,
            ..
        } => {
            let stop = shared::signal::shutdown();
            let print = handler(|event| async move {
                println!(
                    "{}: {}",
                    event.topic,
                    String::from_utf8_lossy(&event.message.body)
                );
                Ok(())
            });
            // The broker stays open as long as its subscription runs.
            let (subscription, broker): (_, Arc<dyn Broker>) = match durable {
                Some(name) => {
                    let url = durable_broker(&cli.broker.name, &options)?;
                    let mut durable = DurableOptions::new(&name);
                    if let Some(secs) = ack_wait {
                        durable.ack_wait = Duration::from_secs(secs);
                    }
                    let nats = NatsBroker::connect(&url).await?;
                    let subscription = nats.subscribe_durable(&topic, &durable, print).await?;
                    (subscription, Arc::new(nats))
                }
                None => {
                    let broker = open_broker(&cli.broker.name, &options).await?;
                    let options = SubscribeOptions { queue };
                    (broker.subscribe(&topic, options, print).await?, broker)
                }
            };
            // The line a script (or a test) waits for before it publishes.
            println!("subscribed to {topic}");
            stop.await;
            // Lesson 08's order: the subscription stops being sent messages (out of the
            // registry, or out of the NATS server's interest), finishes those it had begun
            // to take, and only then is gone; then the broker closes its endpoint or its
            // connection.
            subscription.unsubscribe().await?;
            broker.disconnect().await?;
        }
        // ANCHOR_END: subscribe
        // ANCHOR: publish
        Command::Publish {
            topic,
            message,
            count,
        } => {
            let broker = open_broker(&cli.broker.name, &options).await?;
            let mut lost = 0;
            if message == "-" {
                let mut lines = BufReader::new(tokio::io::stdin()).lines();
                while let Some(line) = lines.next_line().await? {
                    match broker.publish(&topic, &Message::new(line)).await {
                        Ok(()) => println!("published"),
                        Err(error) => {
                            println!("not published: {error:#}");
                            lost += 1;
                        }
                    }
                }
            } else {
                for n in 1..=count {
                    let body = if count == 1 {
                        message.clone()
                    } else {
                        format!("{message}-{n}")
                    };
                    if let Err(error) = broker.publish(&topic, &Message::new(body)).await {
                        warn!("{error:#}");
                        lost += 1;
                    }
                }
                println!(
                    "published {count} message(s) on {topic}; {lost} not delivered everywhere"
                );
            }
            broker.disconnect().await?;
            // A message that did not reach every subscriber it was for is the exit's failure.
            if lost > 0 {
                let error =
                    anyhow::anyhow!("{lost} message(s) on {topic} not delivered everywhere");
                return Err(error.into());
            }
        } // ANCHOR_END: publish
        Command::CaptchaServer {
            addr,
            name,
            redis_url,
        } => {
            let stop = shared::signal::shutdown();
            let broker = open_broker(&cli.broker.name, &options).await?;
            let registry = options
                .registry
                .clone()
                .ok_or_else(|| anyhow::anyhow!("the captcha service needs a registry"))?;
            let verified = Publisher::new(VERIFIED_TOPIC, broker.clone());
            // Its Redis commands counted on its /metrics, as lesson 11's captcha service's are.
            let redis_metrics = RedisMetrics::new()?;
            let service =
                CaptchaService::new(&redis_url)?.observed_by(Arc::new(redis_metrics.clone()));
            service.warn_if_redis_is_missing().await;
            let captcha = AuditedCaptcha::new(service, verified);
            Service::new(&name, registry)
                .registry_wait(cli.registry.registry_wait)
                .address(&addr)
                .metrics(redis_metrics.collectors())
                .handle(CaptchaServer::new(captcha))
                .run(stop)
                .await?;
            broker.disconnect().await?;
        }
        Command::Audit { queue, .. } => {
            let stop = shared::signal::shutdown();
            let broker = open_broker(&cli.broker.name, &options).await?;
            let audit = Arc::new(Audit::default());
            let count = move |check: CaptchaVerified| {
                let audit = audit.clone();
                async move {
                    println!("{}", audit.record(&check));
                    Ok(())
                }
            };
            let options = SubscribeOptions { queue };
            let subscription =
                event::subscribe(broker.as_ref(), VERIFIED_TOPIC, options, count).await?;
            println!("subscribed to {VERIFIED_TOPIC}");
            stop.await;
            subscription.unsubscribe().await?;
            broker.disconnect().await?;
        }
    }
    Ok(())
}

/// The NATS server's URL for `--durable`: only NATS (its JetStream) keeps messages.
fn durable_broker(broker: &str, options: &BrokerOptions) -> anyhow::Result<String> {
    anyhow::ensure!(
        broker == "nats",
        "--durable needs --broker nats: only JetStream keeps the messages"
    );
    Ok(server_url(options.address.as_deref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_broker_flag_is_not_the_captcha_services_name() {
        let cli = Cli::parse_from(["l12-events", "--broker", "nats", "captcha-server"]);
        assert_eq!(cli.broker.name, "nats");
        let Command::CaptchaServer { name, .. } = cli.command else {
            panic!("not captcha-server");
        };
        assert_eq!(name, "captcha");
    }
}
