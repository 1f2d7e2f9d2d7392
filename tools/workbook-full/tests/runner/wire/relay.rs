//! A relay started as a learner starts it (`workbook wire --listen … --to …`), and a reader
//! of its feed that waits for the events a test expects.

use std::net::SocketAddr;

use serde_json::Value;
use testkit::ServerProcess;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::net::TcpStream;

use super::PATIENCE;

/// A relay to `to`, and a reader of its feed.
pub(super) struct Relay {
    process: ServerProcess,
    feed: tokio::io::Lines<BufReader<TcpStream>>,
    /// Every event read from the feed so far.
    pub(super) events: Vec<Value>,
}

impl Relay {
    pub(super) async fn start(protocol: &str, to: SocketAddr) -> Relay {
        let to = to.to_string();
        let args = [
            "wire",
            "--listen",
            "127.0.0.1:0",
            "--to",
            &to,
            "--protocol",
            protocol,
        ];
        // It logs the relay's address, then the feed's.
        let process = ServerProcess::start(env!("CARGO_BIN_EXE_workbook-full"), &args, 2).await;
        let feed = TcpStream::connect(process.addrs()[1])
            .await
            .expect("the feed accepts");
        let mut feed = BufReader::new(feed).lines();
        let hello = testkit::within("the feed's hello", feed.next_line())
            .await
            .unwrap()
            .expect("the feed says hello");
        assert!(hello.contains(protocol), "{hello}");
        Relay {
            process,
            feed,
            events: Vec::new(),
        }
    }

    pub(super) fn addr(&self) -> String {
        self.process.addr().to_string()
    }

    /// Reads the feed until one event's summary contains each of `texts`, in that order;
    /// panics with what it read if they do not come.
    pub(super) async fn expect(&mut self, texts: &[&str]) {
        let read = tokio::time::timeout(PATIENCE, async {
            loop {
                let summaries: Vec<&str> = self
                    .events
                    .iter()
                    .filter_map(|event| event["summary"].as_str())
                    .collect();
                let mut from = 0;
                let all = texts.iter().all(|text| {
                    match summaries[from..].iter().position(|s| s.contains(text)) {
                        Some(at) => {
                            from += at + 1;
                            true
                        }
                        None => false,
                    }
                });
                if all {
                    return;
                }
                match self.feed.next_line().await {
                    Ok(Some(line)) => self.events.push(serde_json::from_str(&line).unwrap()),
                    _ => return,
                }
            }
        })
        .await;
        let shown: Vec<String> = self
            .events
            .iter()
            .map(|e| format!("{} {} {}", e["direction"], e["broken"], e["summary"]))
            .collect();
        assert!(
            read.is_ok() && self.has_all(texts),
            "the feed did not show {texts:?}; it showed:\n{}",
            shown.join("\n")
        );
    }

    fn has_all(&self, texts: &[&str]) -> bool {
        texts.iter().all(|text| {
            self.events
                .iter()
                .any(|e| e["summary"].as_str().unwrap_or_default().contains(text))
        })
    }
}
