//! The last messages seen, in bounded memory, and everyone who watches them.
//!
//! Decoders hand their messages to the [`Hub`]. It turns each into an [`Event`] (the time,
//! the connection, a bounded view of the bytes), keeps the last [`RING`] of them, prints
//! each as a line with `--print`, and passes it on live to whoever watches: the book
//! server's `/wire` page connects to the relay's feed ([`serve_feed`]), gets the ring,
//! then every new event, one JSON object a line.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use serde::Serialize;
use time::OffsetDateTime;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::broadcast;

use super::message::hex;
use super::message::{Message, Span};

/// How many events are kept.
pub const RING: usize = 500;

/// How many bytes of a message the view shows; the rest is counted, not kept.
pub const VIEW_BYTES: usize = 1024;

/// How much decoded text is kept.
const VIEW_TEXT: usize = 4096;

/// One message as the page and `--print` show it.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// Counts up from 1.
    pub seq: u64,
    /// The relay's listening address: which relay saw it.
    pub relay: String,
    pub protocol: &'static str,
    /// UTC, `HH:MM:SS.mmm`.
    pub time: String,
    /// Which connection through the relay, from 1.
    pub connection: u64,
    /// `→` client to server, `←` back, `·` a note about the connection.
    pub direction: &'static str,
    /// The message's size on the wire.
    pub size: usize,
    pub summary: String,
    pub decoded: Option<String>,
    pub broken: bool,
    /// The first [`VIEW_BYTES`] bytes, as hex pairs.
    pub hex: String,
    /// The spans within those bytes.
    pub spans: Vec<Span>,
    /// More bytes were on the wire than `hex` shows.
    pub truncated: bool,
}

impl Event {
    /// The `--print` line: `12:00:01.234 #1 → 6 B  line "hello"`.
    pub fn line(&self) -> String {
        let size = if self.direction == "·" {
            String::new()
        } else {
            format!(" {} B", self.size)
        };
        let broken = if self.broken { " BROKEN" } else { "" };
        format!(
            "{} #{} {}{size}{broken}  {}",
            self.time, self.connection, self.direction, self.summary
        )
    }
}

/// Which relay saw a message: its address, where it forwards to, and its protocol.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub relay: String,
    pub to: String,
    pub protocol: &'static str,
}

/// Where the relays' events go: the ring, the printer and the live watchers.
pub struct Hub {
    print: bool,
    seq: AtomicU64,
    connections: AtomicU64,
    ring: Mutex<VecDeque<Event>>,
    live: broadcast::Sender<Event>,
}

impl Hub {
    pub fn new(print: bool) -> Hub {
        Hub {
            print,
            seq: AtomicU64::new(0),
            connections: AtomicU64::new(0),
            ring: Mutex::new(VecDeque::with_capacity(RING)),
            live: broadcast::channel(RING).0,
        }
    }

    /// A number for a new connection through any of the relays, from 1.
    pub fn next_connection(&self) -> u64 {
        self.connections.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Records one message of connection `connection`, seen by `source`.
    pub fn publish(&self, source: &Source, connection: u64, message: Message) {
        let event = self.event(source, connection, message);
        if self.print {
            println!("{}", event.line());
        }
        let mut ring = self
            .ring
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if ring.len() == RING {
            ring.pop_front();
        }
        ring.push_back(event.clone());
        // Sent under the lock, so that a watcher that copies the ring under it too sees
        // every event once: in the copy or live, never both, never neither.
        let _ = self.live.send(event);
    }

    fn event(&self, source: &Source, connection: u64, message: Message) -> Event {
        let shown = message.bytes.len().min(VIEW_BYTES);
        let spans = message
            .spans
            .into_iter()
            .filter(|span| span.start < shown && span.start < span.end)
            .map(|span| Span {
                end: span.end.min(shown),
                ..span
            })
            .collect();
        let decoded = message.decoded.map(|mut text| {
            if text.len() > VIEW_TEXT {
                let mut cut = VIEW_TEXT;
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                text.truncate(cut);
                text.push_str("\n… (cut)");
            }
            text
        });
        Event {
            seq: self.seq.fetch_add(1, Ordering::Relaxed) + 1,
            relay: source.relay.clone(),
            protocol: source.protocol,
            time: time_of_day(SystemTime::now()),
            connection,
            direction: message.direction.map_or("·", |d| d.arrow()),
            size: message.bytes.len(),
            summary: message.summary,
            decoded,
            broken: message.broken,
            hex: hex(&message.bytes[..shown]),
            spans,
            truncated: shown < message.bytes.len(),
        }
    }

    /// The events kept, and a receiver for those to come.
    pub fn watch(&self) -> (Vec<Event>, broadcast::Receiver<Event>) {
        let ring = self
            .ring
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        (ring.iter().cloned().collect(), self.live.subscribe())
    }
}

/// `HH:MM:SS.mmm`, UTC.
fn time_of_day(time: SystemTime) -> String {
    let (hour, minute, second, milli) = OffsetDateTime::from(time).time().as_hms_milli();
    format!("{hour:02}:{minute:02}:{second:02}.{milli:03}")
}

/// Serves the feed: to each watcher that connects, a first line naming the relays, the
/// ring, then every new event, one JSON object a line, until it goes.
pub async fn serve_feed(listener: TcpListener, hub: std::sync::Arc<Hub>, sources: Vec<Source>) {
    let hello = serde_json::json!({ "relays": sources });
    loop {
        let Ok((mut watcher, _)) = listener.accept().await else {
            continue;
        };
        let (hub, hello, source) = (hub.clone(), hello.clone(), sources[0].clone());
        tokio::spawn(async move {
            let (kept, mut live) = hub.watch();
            let mut text = format!("{hello}\n");
            for event in kept {
                text.push_str(&serde_json::to_string(&event).unwrap_or_default());
                text.push('\n');
            }
            if watcher.write_all(text.as_bytes()).await.is_err() {
                return;
            }
            loop {
                let line = match live.recv().await {
                    Ok(event) => serde_json::to_string(&event).unwrap_or_default(),
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        let note = Message::note(format!(
                            "the page fell behind: {missed} messages not shown"
                        ));
                        serde_json::to_string(&hub.event(&source, 0, note)).unwrap_or_default()
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                };
                if watcher
                    .write_all(format!("{line}\n").as_bytes())
                    .await
                    .is_err()
                {
                    return;
                }
            }
        });
    }
}

#[cfg(test)]
mod tests;
