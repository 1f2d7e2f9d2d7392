//! `cargo run -p l12-events -- [--broker http|nats] subscribe | publish`: the lesson's one
//! binary.

use clap::{Parser, Subcommand};
use l12_events::broker::{Message, SubscribeOptions, handler};
use l12_events::open::{BrokerOptions, open_broker};

/// Lesson 12: events. Publish messages on a topic, and subscribe to them, through the
/// broker of your choice.
#[derive(Parser)]
#[command(name = "l12-events")]
struct Cli {
    /// Which broker: http (go-micro's default) or nats.
    #[arg(long, global = true, env = "MICRO_BROKER", default_value = "http")]
    broker: String,
    /// Where it is (nats: the server's URL; http: where a subscriber listens).
    #[arg(long, global = true, env = "MICRO_BROKER_ADDRESS")]
    broker_address: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print every message published on TOPIC, until Ctrl-C or SIGTERM.
    Subscribe {
        topic: String,
        /// Share the messages with the other subscribers of this queue group.
        #[arg(long)]
        queue: Option<String>,
    },
    /// Publish MESSAGE on TOPIC.
    Publish { topic: String, message: String },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    shared::init_logging();
    let cli = Cli::parse();
    let options = BrokerOptions {
        address: cli.broker_address.clone(),
    };
    let broker = open_broker(&cli.broker, &options).await?;
    match cli.command {
        Command::Subscribe { topic, queue } => {
            let stop = shared::signal::shutdown();
            let options = SubscribeOptions { queue };
            let print = handler(|event| async move {
                println!(
                    "{}: {}",
                    event.topic,
                    String::from_utf8_lossy(&event.message.body)
                );
                Ok(())
            });
            let subscription = broker.subscribe(&topic, options, print).await?;
            stop.await;
            subscription.unsubscribe().await?;
        }
        Command::Publish { topic, message } => {
            broker.publish(&topic, &Message::new(message)).await?;
        }
    }
    Ok(())
}
