//! A tap on a node's Redis connection. The node's `REDIS_URL` points at the tap, which passes
//! every byte on to the real Redis and back, counts the `SET`s that reach Redis — each one a
//! run of `Captcha.NewCaptcha`, counted outside the node — and, armed, stops at the first
//! `SET` of any node and asks the test what to do: so that a node fails exactly after its
//! write (the test pauses or kills it before Redis's answer reaches it, or the answer never
//! does), or is slow exactly before it (the `SET` held until the test lets it go).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, watch};

use crate::support::PEER_LIFETIME;

/// When an armed tap stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// With the `SET` applied by Redis, its answer not yet passed on to the node.
    AfterTheWrite,
    /// With the `SET` not yet passed on to Redis.
    BeforeTheWrite,
}

/// What the tap does once the test has acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// Goes on passing bytes.
    PassOn,
    /// Never passes another byte from Redis to the node: its command gets no answer.
    Swallow,
}

/// The first `SET` of any node: which node, and the test's word to go on.
pub struct Stopped {
    pub node: usize,
    pub go_on: oneshot::Sender<Then>,
}

/// When to stop, and whom to tell.
type Armed = (When, mpsc::UnboundedSender<Stopped>);

/// The taps of a test's nodes: one trigger for all of them, and their `SET`s counted.
#[derive(Clone)]
pub struct Taps {
    redis: String,
    armed: Arc<Mutex<Option<Armed>>>,
    sets: Arc<AtomicUsize>,
    arrived: watch::Sender<usize>,
}

impl Taps {
    /// Taps in front of the Redis at `redis_url`, armed to stop at the first `SET` (`when`),
    /// or not: the receiver hears of it.
    pub fn new(redis_url: &str, when: Option<When>) -> (Taps, mpsc::UnboundedReceiver<Stopped>) {
        let (stopped, hear) = mpsc::unbounded_channel();
        let redis = redis_url
            .trim_start_matches("redis://")
            .trim_end_matches('/')
            .to_string();
        let taps = Taps {
            redis,
            armed: Arc::new(Mutex::new(when.map(|when| (when, stopped)))),
            sets: Arc::default(),
            arrived: watch::channel(0).0,
        };
        (taps, hear)
    }

    /// A tap for node `node`: the URL to give it as `REDIS_URL`.
    pub async fn tap(&self, node: usize) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a tap");
        let url = format!("redis://{}", listener.local_addr().unwrap());
        let taps = self.clone();
        tokio::spawn(async move {
            while let Ok((from_node, _)) = listener.accept().await {
                tokio::spawn(taps.clone().pass(node, from_node));
            }
        });
        url
    }

    /// How many `SET`s reached Redis, all nodes together.
    pub fn sets(&self) -> usize {
        self.sets.load(Ordering::SeqCst)
    }

    /// Waits until `count` `SET`s have come to the taps (passed on or held).
    pub async fn arrived(&self, count: usize) {
        let mut arrived = self.arrived.subscribe();
        let _ = arrived.wait_for(|arrived| *arrived >= count).await;
    }

    async fn pass(self, node: usize, from_node: TcpStream) {
        let Ok(to_redis) = TcpStream::connect(&self.redis).await else {
            return;
        };
        let (mut node_reads, mut node_writes) = from_node.into_split();
        let (mut redis_reads, mut redis_writes) = to_redis.into_split();
        // The stop to make at the answer to a `SET` (When::AfterTheWrite).
        let (after_write, mut at_answer) = mpsc::unbounded_channel();
        let up = async {
            let mut buffer = vec![0; 64 * 1024];
            loop {
                let read = node_reads.read(&mut buffer).await.unwrap_or(0);
                if read == 0 {
                    break;
                }
                let bytes = &buffer[..read];
                if holds_a_set(bytes) {
                    self.arrived.send_modify(|arrived| *arrived += 1);
                    let armed = self.armed.lock().unwrap().take();
                    match armed {
                        Some((When::BeforeTheWrite, stopped)) => {
                            let (go_on, word) = oneshot::channel();
                            let _ = stopped.send(Stopped { node, go_on });
                            let _ = word.await;
                        }
                        Some((When::AfterTheWrite, stopped)) => {
                            let _ = after_write.send(stopped);
                        }
                        None => {}
                    }
                    self.sets.fetch_add(1, Ordering::SeqCst);
                }
                if redis_writes.write_all(bytes).await.is_err() {
                    break;
                }
            }
        };
        let down = async {
            let mut buffer = vec![0; 64 * 1024];
            loop {
                let read = redis_reads.read(&mut buffer).await.unwrap_or(0);
                if read == 0 {
                    break;
                }
                // The answer after an armed `SET` is its answer: the node has one call.
                if let Ok(stopped) = at_answer.try_recv() {
                    let (go_on, word) = oneshot::channel();
                    let _ = stopped.send(Stopped { node, go_on });
                    if word.await == Ok(Then::Swallow) {
                        std::future::pending::<()>().await;
                    }
                }
                if node_writes.write_all(&buffer[..read]).await.is_err() {
                    break;
                }
            }
        };
        // A tap passes bytes as long as its node's connection is open, and no longer than a
        // test may run: a `SET` held for a word that never comes, or an answer swallowed,
        // lets go of the connection then.
        let _ = tokio::time::timeout(PEER_LIFETIME, async { tokio::join!(up, down) }).await;
    }
}

/// Whether `bytes` from a node hold a `SET` command (RESP: `$3\r\nSET\r\n`).
fn holds_a_set(bytes: &[u8]) -> bool {
    bytes.windows(9).any(|window| window == b"$3\r\nSET\r\n")
}
