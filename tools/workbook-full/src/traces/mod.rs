//! The trace view (lesson 15): the spans the course's services send, drawn as waterfalls
//! at `/traces` on the book server.
//!
//! A trace backend (Jaeger, Tempo, Zipkin) is one more server to install; the book server
//! is running already. So it receives the spans itself, by OTLP — the protocol those
//! backends receive, so a service sends to it exactly what it would send to them — on the
//! copy's OTLP port (4317, OTLP's own, or the base port + 9: `workbook_core::ports`), and
//! shows the last traces, live. Loopback only, and bounded memory.
//!
//! - `receiver.rs`: OTLP over gRPC and over HTTP, on one port, refusing what is not OTLP;
//! - `store.rs`: the last traces, their spans gathered by trace id, in bounded memory;
//! - `page.rs` and `page.html`: `/traces`, and the feed that keeps it current.

mod page;
pub mod receiver;
pub mod store;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;
use workbook_core::language::messages::{Cmd, io_error, say};

pub use store::Store;

/// The book server's trace view: the store, and where its receiver listens (or why it
/// does not).
#[derive(Clone)]
pub struct Traces {
    pub store: Arc<Store>,
    receiving: Result<SocketAddr, String>,
}

impl Traces {
    /// Starts the receiver on `address`. When it cannot listen there (a collector of the
    /// learner's own holds the port, or another copy's book server), the page says why,
    /// and the book is served all the same.
    pub async fn start(address: SocketAddr) -> Traces {
        let store = Arc::new(Store::default());
        let receiving = match TcpListener::bind(address).await {
            Ok(listener) => {
                let bound = listener.local_addr().unwrap_or(address);
                tokio::spawn(receiver::serve(listener, store.clone()));
                Ok(bound)
            }
            Err(error) => {
                let cannot = say(Cmd::TracesCannotListen, &[("address", &address)]);
                Err(format!("{cannot}: {}", io_error(&error)))
            }
        };
        Traces { store, receiving }
    }

    /// What `OTEL_EXPORTER_OTLP_ENDPOINT` should say for spans to come here, if they can.
    pub fn endpoint(&self) -> Option<String> {
        self.receiving
            .as_ref()
            .ok()
            .map(|at| format!("http://{at}"))
    }

    /// Why the receiver does not run, if it does not.
    pub fn not_receiving(&self) -> Option<&str> {
        self.receiving.as_ref().err().map(String::as_str)
    }

    /// `/traces` and its feed.
    pub fn routes(&self) -> Router {
        page::routes(self.clone())
    }
}

#[cfg(test)]
mod tests;
