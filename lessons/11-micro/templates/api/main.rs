//! {{service}}: an API service on the course's framework, written by `l11-micro new`
//! (go-micro's `micro new --type api`). `micro api` calls it from HTTP; it calls
//! {{srv}} by name.

mod handler;

/// The code protox and tonic generated from proto/example.proto (see build.rs).
pub mod example {
    tonic::include_proto!("example");

    /// The compiled schema, handed out by the reflection service.
    pub const DESCRIPTORS: &[u8] = tonic::include_file_descriptor_set!("example_descriptor");
}

use std::sync::Arc;

use clap::Parser;
use example::example_server::ExampleServer;
use micro::api::reflect;
use micro::client::MicroClient;
use micro::flags::{RegistryFlags, TlsFlags};
use micro::selector::RoundRobin;
use micro::service::Service;
use tonic::server::NamedService;

/// The service's name in the registry: namespace, type, alias.
const NAME: &str = "{{service}}";

/// {{service}}: registered, until Ctrl-C or SIGTERM.
#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    registry: RegistryFlags,
    /// Mutual TLS (lesson 16): `--tls-certs DIR`, the certificate of `--tls-as` or of this
    /// service's name, for its calls and what it serves.
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
    let tls = cli.tls.credentials(NAME)?;
    // The client of the service behind (go-micro's client wrapper).
    let client =
        MicroClient::new(registry.clone(), Box::new(RoundRobin::default())).tls(tls.clone());
    let handler = handler::Example {
        client: Arc::new(client),
    };
    let served = [ExampleServer::<handler::Example>::NAME];
    Service::new(NAME, registry)
        .registry_wait(cli.registry.registry_wait)
        .version("latest")
        .address(&cli.addr)
        .tls(tls)
        .handle(ExampleServer::new(handler))
        .handle(reflect::server_of(example::DESCRIPTORS, &served)?)
        .run(micro::shared::signal::shutdown())
        .await?;
    Ok(())
}
