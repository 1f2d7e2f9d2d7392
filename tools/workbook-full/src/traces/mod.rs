//! The trace view (lesson 15): the spans the course's services send, drawn as waterfalls
//! at `/traces` on the book this program serves (`book`, and the session's book from
//! lesson 15 on: `workbook::learner::session::book`).
//!
//! A trace backend (Jaeger, Tempo, Zipkin) is one more server to install; the book server
//! is running already. Its receiver needs tonic, which the book alone does not: so the view
//! is this program's, added to the book it serves ([`views`]), and the book served without
//! it (`workbook-book`) compiles a quarter of what this program does. So it receives the spans itself, by OTLP — the protocol those
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
use std::path::Path;
use std::sync::Arc;

use axum::Router;
use tokio::net::TcpListener;
use workbook_book::Views;
use workbook_core::language::messages::{Cmd, io_error, say, tell};
use workbook_core::ports::Layout;
use workbook_core::ui;

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

/// The trace view of the course at `root`, for its book: the receiver started on the copy's
/// OTLP port, `/traces`, and, when `say` is set, a line once the book is served that says
/// where services send their spans (or why they cannot).
pub async fn views(root: &Path, say: bool) -> Views {
    let layout = Layout::of(root, None).unwrap_or(Layout::STANDARD);
    let traces = Traces::start(layout.otlp()).await;
    let routes = traces.routes();
    let announce: Box<dyn FnOnce(u16) + Send> = match say {
        true => Box::new(move |port| say_where_traces_go(&traces, port)),
        false => Box::new(|_| {}),
    };
    Views { routes, announce }
}

/// Says where services send their spans for the book at `port` to show them, or why it
/// cannot.
fn say_where_traces_go(traces: &Traces, port: u16) {
    let page = format!("{}traces", workbook_book::url(port));
    match (traces.endpoint(), traces.not_receiving()) {
        (Some(endpoint), _) => {
            let args: [(&str, &dyn std::fmt::Display); 3] = [
                ("mark", &ui::pass_mark()),
                ("endpoint", &endpoint),
                ("page", &page),
            ];
            tell(Cmd::TracesReceiving, &args);
        }
        (None, why) => {
            let (mark, why) = (ui::yellow("!"), why.unwrap_or_default());
            let args: [(&str, &dyn std::fmt::Display); 3] =
                [("mark", &mark), ("page", &page), ("why", &why)];
            tell(Cmd::TracesNotReceiving, &args);
        }
    }
}

#[cfg(test)]
mod tests;
