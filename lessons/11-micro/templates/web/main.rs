//! {{service}}: a web service on the course's framework, written by `l11-micro new`
//! (go-micro's `micro new --type web`): a page, and /example/call, which calls
//! {{srv}} by name.

mod handler;

/// The code protox and tonic generated from proto/example.proto (see build.rs): the
/// client of the service behind.
pub mod example {
    tonic::include_proto!("example");
}

use std::sync::Arc;

use clap::Parser;
use micro::client::MicroClient;
use micro::flags::{RegistryFlags, TlsFlags};
use micro::selector::RoundRobin;
use micro::web::WebService;

/// The service's name in the registry: namespace, type, alias.
const NAME: &str = "{{service}}";

/// {{service}}: registered, until Ctrl-C or SIGTERM.
#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    registry: RegistryFlags,
    /// Mutual TLS (lesson 16) for its calls: `--tls-certs DIR`, the certificate of
    /// `--tls-as` or of this service's name.
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
    let client = MicroClient::new(registry.clone(), Box::new(RoundRobin::default()))
        .tls(cli.tls.credentials(NAME)?);
    WebService::new(NAME, registry)
        .registry_wait(cli.registry.registry_wait)
        .version("latest")
        .address(&cli.addr)
        .handle(handler::routes(Arc::new(client)))
        .run(micro::shared::signal::shutdown())
        .await?;
    Ok(())
}
