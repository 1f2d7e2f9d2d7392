//! `/traces` on the book `workbook-full` serves: the page, and its live feed.
//!
//! The receiver runs inside the book server, so the page reads the store directly: when it
//! opens `/traces/events`, it gets where the receiver listens (a `receiver` event), every
//! trace kept, then each trace again whenever new spans of it arrive, one JSON object an
//! event ([`super::store::TraceView`]). The page draws the waterfall from that.

use axum::Router;
use axum::extract::State;
use axum::response::sse::Event;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;
use workbook_core::language::messages::TRACES_PAGE;
use workbook_core::language::{self, Lang};

use super::Traces;
use super::store::MAX_TRACES;

const PAGE: &str = include_str!("page.html");

/// The page, in `lang` ([`TRACES_PAGE`] says its words).
fn page(lang: Lang) -> String {
    workbook_book::view::localised(PAGE, TRACES_PAGE, lang)
}

/// `/traces` and `/traces/events`.
pub fn routes(traces: Traces) -> Router {
    Router::new()
        .route("/traces", get(|| async { Html(page(language::current())) }))
        .route("/traces/events", get(events))
        .with_state(traces)
}

async fn events(State(traces): State<Traces>) -> impl IntoResponse {
    workbook_book::view::events(|page| feed(traces, page))
}

/// Where the receiver is, the traces kept, then each change, until the page goes.
async fn feed(traces: Traces, page: mpsc::Sender<Event>) {
    let receiver = match &traces.receiving {
        Ok(_) => serde_json::json!({ "endpoint": traces.endpoint(), "max_traces": MAX_TRACES }),
        Err(why) => serde_json::json!({ "error": why, "max_traces": MAX_TRACES }),
    };
    let hello = Event::default()
        .event("receiver")
        .data(receiver.to_string());
    if page.send(hello).await.is_err() {
        return;
    }
    // Subscribed before the snapshot is taken: a change in between is sent twice, never
    // lost, and the page shows a trace's latest view whichever comes last.
    let mut changes = traces.store.subscribe();
    if !send_all(&traces, &page).await {
        return;
    }
    loop {
        let sent = match changes.recv().await {
            Ok(trace) => page.send(Event::default().data(&*trace)).await.is_ok(),
            // The page fell behind: it gets every trace again, which is all it missed.
            Err(RecvError::Lagged(_)) => send_all(&traces, &page).await,
            Err(RecvError::Closed) => false,
        };
        if !sent {
            return;
        }
    }
}

/// Every trace kept, oldest first; false once the page is gone.
async fn send_all(traces: &Traces, page: &mpsc::Sender<Event>) -> bool {
    for trace in traces.store.snapshot() {
        if page.send(Event::default().data(&*trace)).await.is_err() {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod page_tests {
    use super::*;

    #[test]
    fn every_english_word_replaced_is_on_the_page() {
        workbook_book::view::tests::every_fragment_is_translated(PAGE, TRACES_PAGE);
        assert!(page(Lang::En).contains("<h1>Traces</h1>"));
    }
}
