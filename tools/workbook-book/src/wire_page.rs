//! `/wire` on the book server: the page of the wire view, and its live stream of events.
//!
//! Relays run as processes of their own (`workbook wire …`), each with a feed on a loopback
//! port, written down in `.workbook/wire/PID.feed`. When the page opens `/wire/events`, the
//! book server connects to every feed it finds there (and, once a second, to new ones) and
//! passes each event on as a server-sent event. The page needs nothing but `EventSource`.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::response::sse::Event as SseEvent;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use workbook_core::language::messages::WIRE_PAGE;
use workbook_core::language::{self, Lang};

const PAGE: &str = include_str!("wire_page.html");

/// The page, in `lang` ([`WIRE_PAGE`] says its words).
fn page(lang: Lang) -> String {
    crate::view::localised(PAGE, WIRE_PAGE, lang)
}

/// How often the feeds folder is looked at for new relays.
const LOOK_EVERY: Duration = Duration::from_secs(1);

/// The longest line read from a feed: an event's view is bounded well below it.
const MAX_LINE: usize = 256 * 1024;

/// Where relays of the course at `root` write down their feeds.
pub fn feeds_folder(root: &Path) -> PathBuf {
    root.join(".workbook/wire")
}

/// `/wire` and `/wire/events`, for the book server of the course at `root`.
pub fn routes(root: &Path) -> Router {
    Router::new()
        .route("/wire", get(|| async { Html(page(language::current())) }))
        .route("/wire/events", get(events))
        .with_state(Arc::new(feeds_folder(root)))
}

async fn events(State(folder): State<Arc<PathBuf>>) -> impl IntoResponse {
    let folder = folder.to_path_buf();
    crate::view::events(move |page| follow_feeds(folder, page))
}

/// The feeds written down in `folder`: their addresses.
fn feed_addresses(folder: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "feed"))
        .filter_map(|entry| std::fs::read_to_string(entry.path()).ok())
        .map(|text| text.trim().to_string())
        .collect()
}

/// The relays being followed: feed address → what its first line said.
type Following = Arc<Mutex<HashMap<String, serde_json::Value>>>;

/// Follows every feed in `folder` into `page` until the page goes.
async fn follow_feeds(folder: PathBuf, page: mpsc::Sender<SseEvent>) {
    let following: Following = Arc::default();
    // None yet: said at once, so the page can tell the learner to start one.
    if page.send(relays_event(&following)).await.is_err() {
        return;
    }
    while !page.is_closed() {
        for address in feed_addresses(&folder) {
            let is_new = {
                let mut following = following.lock().unwrap_or_else(|p| p.into_inner());
                // Null until the feed's first line says which relays it has.
                match following.entry(address.clone()) {
                    Entry::Vacant(entry) => entry.insert(serde_json::Value::Null).is_null(),
                    Entry::Occupied(_) => false,
                }
            };
            if is_new {
                tokio::spawn(follow(address, page.clone(), following.clone()));
            }
        }
        tokio::time::sleep(LOOK_EVERY).await;
    }
}

/// The `relays` event: every relay of the feeds followed.
fn relays_event(following: &Following) -> SseEvent {
    let relays: Vec<serde_json::Value> = {
        let following = following.lock().unwrap_or_else(|p| p.into_inner());
        following
            .values()
            .filter_map(|hello| hello.get("relays")?.as_array().cloned())
            .flatten()
            .collect()
    };
    SseEvent::default()
        .event("relays")
        .data(serde_json::Value::Array(relays).to_string())
}

/// Passes one feed's events on to the page, until either ends.
async fn follow(address: String, page: mpsc::Sender<SseEvent>, following: Following) {
    if let Ok(feed) = TcpStream::connect(&address).await {
        let mut lines = BufReader::new(feed).lines();
        let mut first = true;
        while let Ok(Some(line)) = lines.next_line().await {
            if line.len() > MAX_LINE {
                break;
            }
            let event = if std::mem::take(&mut first) {
                let hello = serde_json::from_str(&line).unwrap_or_default();
                following
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(address.clone(), hello);
                relays_event(&following)
            } else {
                SseEvent::default().data(line)
            };
            if page.send(event).await.is_err() {
                break;
            }
        }
    }
    // Gone (or never there): looked for again at the next round, in case it comes back.
    let was_shown = following
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .remove(&address)
        .is_some_and(|hello| !hello.is_null());
    if was_shown {
        let _ = page.send(relays_event(&following)).await;
    }
}

#[cfg(test)]
mod page_tests {
    use super::*;

    #[test]
    fn every_english_word_replaced_is_on_the_page() {
        crate::view::tests::every_fragment_is_translated(PAGE, WIRE_PAGE);
        assert!(page(Lang::En).contains("<h1>The wire</h1>"));
    }
}
