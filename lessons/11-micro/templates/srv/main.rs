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
use micro::api::reflect;
use micro::broker::SubscribeOptions;
use micro::broker::flags::BrokerFlags;
use micro::event;
use micro::flags::{RegistryFlags, TlsFlags};
use micro::service::Service;
use micro::service::patience::retry_until;
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
    /// Mutual TLS (lesson 16): `--tls-certs DIR`, the certificate of `--tls-as` or of this
    /// service's name.
    #[command(flatten)]
    tls: TlsFlags,
    /// Where to listen (port 0: any free port; clients find it in the registry).
    #[arg(long, default_value = "127.0.0.1:{{port}}")]
    addr: String,
}

// An error ends the program with one line, its causes on it, and no backtrace (one is
// printed with RUST_LIB_BACKTRACE=1).
#[tokio::main]
async fn main() -> Result<(), micro::shared::program::Failure> {
    micro::shared::init_logging();
    let cli = Cli::parse();
    let registry = cli.registry.open().await?;

    // The events on the service's own topic, as go-micro's `micro.RegisterSubscriber`:
    // every instance gets each one (give a queue to share them instead). Subscribing writes
    // the subscriber's node into the registry, so it is as patient with a registry that does
    // not answer yet as the service's own registration below (`--registry-wait`).
    let broker = cli.broker.open(Some(registry.clone())).await?;
    let subscription = retry_until(cli.registry.registry_wait, || {
        let options = SubscribeOptions::default();
        event::subscribe(broker.as_ref(), NAME, options, subscriber::handle)
    })
    .await?;

    let served = [ExampleServer::<handler::Example>::NAME];
    Service::new(NAME, registry)
        .registry_wait(cli.registry.registry_wait)
        .version("latest")
        .address(&cli.addr)
        .tls(cli.tls.credentials(NAME)?)
        .handle(ExampleServer::new(handler::Example))
        .handle(reflect::server_of(example::DESCRIPTORS, &served)?)
        .run(micro::shared::signal::shutdown())
        .await?;
    subscription.unsubscribe().await?;
    Ok(broker.disconnect().await?)
}
