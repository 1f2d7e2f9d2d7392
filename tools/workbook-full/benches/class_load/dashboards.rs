//! The dashboards: pages that follow the class's live stream as a teacher's open page does,
//! each timing every verdict from its sending to the row message that carries it.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

use crate::learners::now_us;

/// What the dashboards see while the load runs.
pub struct Dashboards {
    /// From each verdict's sending to a dashboard's stream carrying it, once per dashboard.
    pub shown: Arc<Mutex<Vec<Duration>>>,
    /// The course's exercises, as the stream's first message lists them.
    pub exercises: oneshot::Receiver<Vec<String>>,
}

/// `pages` dashboards of the class at `addr`, opened with the `teacher`'s token: every row
/// message's verdicts, and how long since they were sent.
pub fn follow(pages: usize, addr: &str, teacher: &str) -> Dashboards {
    let shown: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let (exercises_tx, exercises_rx) = oneshot::channel::<Vec<String>>();
    let mut exercises_tx = Some(exercises_tx);
    for _ in 0..pages {
        let (addr, teacher, shown) = (addr.to_string(), teacher.to_string(), shown.clone());
        let mut exercises_tx = exercises_tx.take();
        // Each verdict once: a row message carries every cell of its learner.
        let mut seen = HashSet::new();
        tokio::spawn(async move {
            let mut stream = TcpStream::connect(&addr).await.unwrap();
            let head = format!("GET /api/stream?token={teacher} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
            stream.write_all(head.as_bytes()).await.unwrap();
            let mut lines = tokio::io::BufReader::new(stream).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let Some(data) = line.strip_prefix("data: ") else {
                    continue;
                };
                let at = now_us();
                let message: Value = serde_json::from_str(data).unwrap();
                if let Some(tx) = exercises_tx.take() {
                    let ids = message["exercises"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|e| e["id"].as_str().unwrap().to_string())
                        .collect();
                    let _ = tx.send(ids);
                }
                let Some(cells) = message["row"]["cells"].as_object() else {
                    continue;
                };
                for cell in cells.values() {
                    let Some(id) = cell["message"].as_str() else {
                        continue;
                    };
                    let when: Option<u64> = id.rsplit('-').next().and_then(|t| t.parse().ok());
                    if let Some(when) = when
                        && seen.insert(id.to_string())
                    {
                        shown
                            .lock()
                            .unwrap()
                            .push(Duration::from_micros(at.saturating_sub(when)));
                    }
                }
            }
        });
    }
    Dashboards {
        shown,
        exercises: exercises_rx,
    }
}
