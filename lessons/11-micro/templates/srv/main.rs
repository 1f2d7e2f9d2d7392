//! {{service}}: a gRPC service on the course's framework, written by `l11-micro new`
//! (go-micro's `micro new --type srv`), and a subscriber of the events on its topic
//! (lesson 12's broker).

mod handler;
mod subscriber;

/// The code protox and tonic generated from proto/example.proto (see build.rs).
pub mod example {
    tonic::include_proto!("example");

    /// The compiled schema, handed out by the reflection service.
    pub const DESCRIPTORS: &[u8] = tonic::include_file_descriptor_set!("example_descriptor");
}

use clap::Parser;
use example::example_server::ExampleServer;
use l11_micro::api::reflect;
use l11_micro::flags::RegistryFlags;
use l11_micro::service::Service;
use l12_events::broker::SubscribeOptions;
use l12_events::event;
use l12_events::flags::BrokerFlags;
use tonic::server::NamedService;

/// The service's name in the registry: namespace, type, alias.
const NAME: &str = "{{service}}";

/// {{service}}: registered, until Ctrl-C or SIGTERM.
#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    registry: RegistryFlags,
    #[command(flatten)]
    broker: BrokerFlags,
    /// Where to listen (port 0: any free port; clients find it in the registry).
    #[arg(long, default_value = "127.0.0.1:{{port}}")]
    addr: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    l11_micro::shared::init_logging();
    let cli = Cli::parse();
    let registry = cli.registry.open().await?;

    // The events on the service's own topic, as go-micro's `micro.RegisterSubscriber`:
    // every instance gets each one (give a queue to share them instead).
    let broker = cli.broker.open(Some(registry.clone())).await?;
    let options = SubscribeOptions::default();
    let subscription = event::subscribe(broker.as_ref(), NAME, options, subscriber::handle).await?;

    let served = [ExampleServer::<handler::Example>::NAME];
    Service::new(NAME, registry)
        .version("latest")
        .address(&cli.addr)
        .handle(ExampleServer::new(handler::Example))
        .handle(reflect::server_of(example::DESCRIPTORS, &served)?)
        .run(l11_micro::shared::signal::shutdown())
        .await?;
    subscription.unsubscribe().await?;
    broker.disconnect().await
}
