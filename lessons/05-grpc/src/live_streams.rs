//! How many streams a server is producing right now: the number an operator graphs to see
//! that a client who hangs up stops costing anything.
//!
//! A stream made on a task of its own holds a [`LiveStream`] for as long as the task runs;
//! dropping it counts the stream out. Exercise `grpc.stream` uses it, and its test reads it
//! from outside, as a metrics page would.

use std::sync::Arc;

use tokio::sync::watch;

/// The gauge: cheap to clone, every clone counts the same streams.
#[derive(Debug, Clone)]
pub struct LiveStreams(Arc<watch::Sender<usize>>);

/// One stream counted in, until it is dropped.
#[derive(Debug)]
pub struct LiveStream(Arc<watch::Sender<usize>>);

impl LiveStreams {
    /// A gauge at zero.
    pub fn new() -> LiveStreams {
        LiveStreams(Arc::new(watch::Sender::new(0)))
    }

    /// Counts one more stream, until the returned guard is dropped.
    pub fn enter(&self) -> LiveStream {
        self.0.send_modify(|live| *live += 1);
        LiveStream(Arc::clone(&self.0))
    }

    /// How many streams are live now.
    pub fn now(&self) -> usize {
        *self.0.borrow()
    }

    /// Waits until no stream is live. A watch channel wakes the waiter on each change, so
    /// nothing polls.
    pub async fn idle(&self) {
        let mut changes = self.0.subscribe();
        // The sender lives in `self`, so the channel cannot close while this waits.
        let _ = changes.wait_for(|live| *live == 0).await;
    }
}

impl Default for LiveStreams {
    fn default() -> LiveStreams {
        LiveStreams::new()
    }
}

impl Drop for LiveStream {
    fn drop(&mut self) {
        self.0.send_modify(|live| *live -= 1);
    }
}
