//! Keepalive: how the fast server notices a client that has gone without a word.
//!
//! A client whose machine died sends no FIN; its connection would stay open for ever. So
//! a connection that has heard nothing for a while sends a PING, which every HTTP/2 peer
//! must answer, and ends if no answer comes.

use std::time::Duration;

use shared::grpc::{KEEPALIVE_INTERVAL, KEEPALIVE_TIMEOUT};

/// When to ping a quiet client, and when to give up on it: after [`KEEPALIVE_INTERVAL`]
/// without a byte from it, a PING; if [`KEEPALIVE_TIMEOUT`] later still nothing came, the
/// connection is closed. One timer ticks every `KEEPALIVE_TIMEOUT`; reads only reset a
/// counter, so a busy connection pays nothing for it.
pub struct Keepalive {
    timer: tokio::time::Interval,
    quiet_ticks: u32,
    pinged: bool,
}

pub enum Due {
    Nothing,
    Ping,
    Close,
}

impl Keepalive {
    pub fn new() -> Keepalive {
        let mut timer = tokio::time::interval(KEEPALIVE_TIMEOUT);
        timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        timer.reset();
        Keepalive {
            timer,
            quiet_ticks: 0,
            pinged: false,
        }
    }

    pub async fn tick(&mut self) {
        self.timer.tick().await;
    }

    pub fn heard_from_client(&mut self) {
        self.quiet_ticks = 0;
        self.pinged = false;
    }

    pub fn due(&mut self) -> Due {
        if self.pinged {
            return Due::Close;
        }
        self.quiet_ticks += 1;
        let quiet = KEEPALIVE_TIMEOUT * self.quiet_ticks;
        if quiet >= KEEPALIVE_INTERVAL.max(Duration::from_millis(1)) {
            self.pinged = true;
            return Due::Ping;
        }
        Due::Nothing
    }
}
